// ADK hands tools to a model as genai FunctionDeclarations: OpenAPI-style schemas with upper-case types (`OBJECT`,
// `STRING`), numeric limits as strings (`maxLength: "5"`) and `nullable`. The OpenAI tools format wants JSON
// Schema, so this converts one to the other. MCP tools may instead arrive with `parametersJsonSchema` (already
// JSON Schema), which passes through.
import type { FunctionDeclaration, Schema } from "@google/genai";
import type { ToolSpec } from "@isa/core";

type Json = Record<string, unknown>;

const INT_FIELDS = [
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "minProperties",
  "maxProperties",
] as const;

/** One genai Schema as JSON Schema (recursively). */
export function toJsonSchema(schema: Schema | undefined): Json {
  if (!schema) return {};
  const out: Json = {};
  const type = typeof schema.type === "string" ? schema.type.toLowerCase() : undefined;
  if (type && type !== "type_unspecified") {
    out.type = schema.nullable ? [type, "null"] : type;
  }
  if (schema.description) out.description = schema.description;
  if (schema.title) out.title = schema.title;
  if (schema.enum) out.enum = [...schema.enum];
  if (schema.format) out.format = schema.format;
  if (schema.pattern) out.pattern = schema.pattern;
  if (schema.default !== undefined) out.default = schema.default;
  if (schema.minimum !== undefined) out.minimum = schema.minimum;
  if (schema.maximum !== undefined) out.maximum = schema.maximum;
  for (const f of INT_FIELDS) {
    const v = schema[f];
    if (v !== undefined && v !== null && Number.isFinite(Number(v))) out[f] = Number(v);
  }
  if (schema.items) out.items = toJsonSchema(schema.items);
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, toJsonSchema(v)]),
    );
  }
  if (schema.required && schema.required.length > 0) out.required = [...schema.required];
  if (schema.anyOf && schema.anyOf.length > 0) out.anyOf = schema.anyOf.map(toJsonSchema);
  return out;
}

/** A FunctionDeclaration as our port's ToolSpec (an OpenAI `function` tool). */
export function toToolSpec(decl: FunctionDeclaration): ToolSpec {
  let parameters: Json;
  if (decl.parametersJsonSchema && typeof decl.parametersJsonSchema === "object") {
    parameters = decl.parametersJsonSchema as Json;
  } else {
    parameters = toJsonSchema(decl.parameters);
  }
  // OpenAI requires an object schema, even for a function without arguments.
  if (parameters.type === undefined) parameters = { ...parameters, type: "object" };
  if (parameters.type === "object" && parameters.properties === undefined)
    parameters = { ...parameters, properties: {} };
  return { name: decl.name ?? "", description: decl.description ?? "", parameters };
}
