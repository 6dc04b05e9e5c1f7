// OpenAPI 3.1 document generated from the route table's zod schemas (zod's JSON Schema output is draft 2020-12,
// which OpenAPI 3.1 uses as is).
import { ERROR_CATALOG } from "@isa/core";
import { z } from "zod";
import type { RouteSpec } from "./routeTable.js";
import { ROUTES } from "./routeTable.js";
import { errorResponseSchema } from "./schemas.js";

type Json = Record<string, unknown>;

function schemaOf(s: z.ZodType): Json {
  // `io: "input"` describes what a client may send (optional fields with defaults stay optional).
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Malformed request (INPUT_INVALID).",
  401: "No valid credentials (UNAUTHENTICATED).",
  404: "Not found or not visible to the caller (NOT_FOUND).",
  413: "Body too large (PAYLOAD_TOO_LARGE).",
  415: "Body is not JSON (UNSUPPORTED_MEDIA_TYPE).",
  429: "Rate limit exceeded (RATE_LIMITED).",
  500: "Internal error (INTERNAL); details are logged, not sent.",
  503: "Not ready or shutting down.",
};

function operation(name: string, spec: RouteSpec): Json {
  const ok: Json = spec.ok.schema
    ? { "application/json": { schema: schemaOf(spec.ok.schema) } }
    : { [spec.ok.contentType ?? "text/plain"]: { schema: { type: "string" } } };
  if (spec.sse) {
    ok["text/event-stream"] = {
      schema: { type: "string", description: "SSE stream; each event's data is one JSON object." },
      "x-sse-events": Object.fromEntries(Object.entries(spec.sse).map(([e, s]) => [e, schemaOf(s)])),
    };
  }
  const errorStatuses = new Set<number>([...(spec.errors ?? [])]);
  if (spec.auth) for (const s of [400, 401, 413, 415, 429, 500]) errorStatuses.add(s);
  const responses: Json = { [String(spec.ok.status)]: { description: "OK", content: ok } };
  for (const s of [...errorStatuses].sort()) {
    responses[String(s)] = {
      description: STATUS_TEXT[s] ?? "Error",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  }
  const op: Json = { operationId: name, summary: spec.summary, responses };
  if (spec.description) op.description = spec.description;
  const parameters = [
    ...Object.entries(spec.params?.shape ?? {}).map(([p, s]) => ({
      name: p,
      in: "path",
      required: true,
      schema: schemaOf(s as z.ZodType),
    })),
    ...Object.entries(spec.query?.shape ?? {}).map(([p, s]) => ({
      name: p,
      in: "query",
      required: !(s as z.ZodType).safeParse(undefined).success,
      schema: schemaOf(s as z.ZodType),
    })),
  ];
  if (parameters.length > 0) op.parameters = parameters;
  if (spec.body)
    op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(spec.body) } } };
  op.security = spec.auth ? [{ bearer: [] }] : [];
  return op;
}

export function buildOpenApi(info: { version: string } = { version: "0.1.0" }): Json {
  const paths: Record<string, Json> = {};
  for (const [name, spec] of Object.entries(ROUTES) as [string, RouteSpec][]) {
    const p = spec.url.replace(/:(\w+)/g, "{$1}");
    paths[p] = { ...(paths[p] ?? {}), [spec.method.toLowerCase()]: operation(name, spec) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "innersource-assistant API",
      version: info.version,
      description: `Cited, permission-filtered answers from a company's docs and code. Error codes: ${Object.keys(
        ERROR_CATALOG,
      ).join(", ")}.`,
    },
    paths,
    components: {
      schemas: { Error: schemaOf(errorResponseSchema) },
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "A static API token (ISA_TOKENS_FILE) or an OIDC access token (ISA_OIDC_*).",
        },
      },
    },
    security: [{ bearer: [] }],
  };
}
