// The BaseLlm bridge: genai schemas → JSON Schema, and PortLlm over the OpenAI-compatible adapter against a real
// scripted HTTP server streaming tool_calls in the wire format vLLM uses.
import type { LlmRequest, LlmResponse } from "@google/adk";
import { FunctionTool } from "@google/adk";
import type { Schema } from "@google/genai";
import { Type } from "@google/genai";
import { AppError } from "@isa/core";
import { createOpenAiCompatibleLlm, createToolCallAssembler } from "@isa/engine";
import type { ScriptedOpenAi, ScriptedTurn } from "@isa/engine/testkit";
import { startScriptedOpenAi } from "@isa/engine/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PortLlm, toChatMessages, toFunctionCall } from "./portLlm.js";
import { toJsonSchema, toToolSpec } from "./schema.js";

describe("genai schema → JSON Schema", () => {
  it("lower-cases types, converts string limits to numbers, nullable to a type union, recursively", () => {
    const schema: Schema = {
      type: Type.OBJECT,
      description: "args",
      properties: {
        path: { type: Type.STRING, minLength: "1", maxLength: "4096", description: "file path" },
        lines: { type: Type.ARRAY, items: { type: Type.INTEGER, minimum: 1 }, maxItems: "2" },
        mode: { type: Type.STRING, enum: ["a", "b"], nullable: true },
        nested: { type: Type.OBJECT, properties: { on: { type: Type.BOOLEAN } }, required: ["on"] },
        either: { anyOf: [{ type: Type.STRING }, { type: Type.NUMBER }] },
      },
      required: ["path"],
    };
    expect(toJsonSchema(schema)).toEqual({
      type: "object",
      description: "args",
      properties: {
        path: { type: "string", minLength: 1, maxLength: 4096, description: "file path" },
        lines: { type: "array", items: { type: "integer", minimum: 1 }, maxItems: 2 },
        mode: { type: ["string", "null"], enum: ["a", "b"] },
        nested: { type: "object", properties: { on: { type: "boolean" } }, required: ["on"] },
        either: { anyOf: [{ type: "string" }, { type: "number" }] },
      },
      required: ["path"],
    });
  });

  it("converts a real FunctionTool's declaration (zod parameters) and passes parametersJsonSchema through", () => {
    const tool = new FunctionTool({
      name: "search_docs",
      description: "Search",
      parameters: z.object({ query: z.string().describe("q"), k: z.number().int().optional() }),
      execute: () => ({}),
    });
    const decl = tool._getDeclaration();
    expect(decl).toBeDefined();
    const spec = toToolSpec(decl as NonNullable<typeof decl>);
    expect(spec.name).toBe("search_docs");
    const params = spec.parameters as {
      type: unknown;
      properties: Record<string, { type: unknown }>;
      required?: unknown;
    };
    expect(params.type).toBe("object");
    expect(params.properties.query?.type).toBe("string");
    expect(params.required).toEqual(["query"]);
    const raw = { type: "object", properties: { path: { type: "string" } } };
    expect(toToolSpec({ name: "read_file", parametersJsonSchema: raw }).parameters).toBe(raw);
    expect(toToolSpec({ name: "no_args" }).parameters).toEqual({ type: "object", properties: {} });
  });
});

describe("streamed tool_calls assembly", () => {
  it("joins pieces per index, in index order, whatever order the chunks interleave in", () => {
    const calls = createToolCallAssembler();
    calls.push([{ index: 1, id: "b", type: "function", function: { name: "git_log", arguments: "" } }]);
    calls.push([{ index: 0, id: "a", type: "function", function: { name: "read_file", arguments: '{"pa' } }]);
    calls.push([{ index: 1, function: { arguments: '{"n":' } }]);
    calls.push([{ index: 0, function: { arguments: 'th":"x.ts"}' } }]);
    calls.push([{ index: 1, function: { arguments: "3}" } }]);
    calls.push(undefined);
    expect(calls.done()).toEqual([
      { id: "a", name: "read_file", arguments: '{"path":"x.ts"}' },
      { id: "b", name: "git_log", arguments: '{"n":3}' },
    ]);
  });

  it("a non-streamed message's whole tool_calls (no index) parse the same way", () => {
    const calls = createToolCallAssembler();
    calls.push([{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }]);
    expect(calls.done()).toEqual([{ id: "c", name: "f", arguments: "{}" }]);
  });
});

describe("tool-call arguments", () => {
  it("parses a JSON object and refuses anything else with LLM_BAD_RESPONSE", () => {
    expect(toFunctionCall({ id: "c1", name: "f", arguments: '{"a":1}' })).toEqual({
      id: "c1",
      name: "f",
      args: { a: 1 },
    });
    expect(toFunctionCall({ id: "c2", name: "f", arguments: "" }).args).toEqual({});
    for (const bad of ["[1]", "{oops", '"str"', "null"]) {
      expect(() => toFunctionCall({ id: "x", name: "f", arguments: bad })).toThrow(AppError);
    }
  });
});

describe("PortLlm over the OpenAI-compatible adapter (scripted server, real HTTP)", () => {
  let server: ScriptedOpenAi;
  let script: ScriptedTurn;
  beforeAll(async () => {
    server = await startScriptedOpenAi(() => script);
  });
  afterAll(() => server.close());
  const model = () =>
    new PortLlm({ llm: createOpenAiCompatibleLlm({ baseUrl: server.baseUrl, model: "m", timeoutMs: 5000 }) });

  const request = (): LlmRequest => ({
    contents: [
      { role: "user", parts: [{ text: "Where is the port set?" }] },
      {
        role: "model",
        parts: [{ functionCall: { id: "call-1", name: "search_code", args: { query: "port" } } }],
      },
      {
        role: "user",
        parts: [{ functionResponse: { id: "call-1", name: "search_code", response: { sources: [] } } }],
      },
    ],
    config: {
      systemInstruction: "Be brief.",
      tools: [
        {
          functionDeclarations: [
            {
              name: "read_file",
              description: "Read a file",
              parameters: {
                type: Type.OBJECT,
                properties: { path: { type: Type.STRING } },
                required: ["path"],
              },
            },
          ],
        },
      ],
    },
    liveConnectConfig: {},
    toolsDict: {},
  });

  it("sends OpenAI tools and the tool-call round trip in the wire format", async () => {
    script = { text: ["ok"] };
    for await (const _ of model().generateContentAsync(request(), false)) {
      // drain
    }
    const sent = server.requests.at(-1);
    expect(sent?.tools).toEqual([
      {
        type: "function",
        function: {
          name: "read_file",
          description: "Read a file",
          parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
        },
      },
    ]);
    expect(sent?.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Where is the port set?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call-1",
            type: "function",
            function: { name: "search_code", arguments: '{"query":"port"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call-1", content: '{"sources":[]}' },
    ]);
    expect(toChatMessages(request()).map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);
  });

  it("streams partial text, then one final response with the assembled function calls and usage", async () => {
    script = {
      text: ["Let me ", "read it."],
      toolCalls: [
        { name: "read_file", arguments: { path: "src/server.ts", start_line: 1 } },
        { name: "git_log", arguments: { path: "src/server.ts", n: 3 } },
      ],
    };
    const out: LlmResponse[] = [];
    for await (const r of model().generateContentAsync(request(), true)) out.push(r);
    expect(out.filter((r) => r.partial).map((r) => r.content?.parts?.[0]?.text)).toEqual([
      "Let me ",
      "read it.",
    ]);
    const last = out.at(-1);
    expect(last?.partial).toBe(false);
    expect(last?.turnComplete).toBe(true);
    expect(last?.usageMetadata).toEqual({
      promptTokenCount: 42,
      candidatesTokenCount: 7,
      totalTokenCount: 49,
    });
    expect(last?.content?.parts?.[0]?.text).toBe("Let me read it.");
    expect(last?.content?.parts?.slice(1).map((p) => p.functionCall)).toEqual([
      { id: "chatcmpl-tool-0abc", name: "read_file", args: { path: "src/server.ts", start_line: 1 } },
      { id: "chatcmpl-tool-1abc", name: "git_log", args: { path: "src/server.ts", n: 3 } },
    ]);
  });

  it("non-streaming: only the final response", async () => {
    script = { text: ["Hello"] };
    const out: LlmResponse[] = [];
    for await (const r of model().generateContentAsync(request(), false)) out.push(r);
    expect(out).toHaveLength(1);
    expect(out[0]?.content?.parts).toEqual([{ text: "Hello" }]);
  });

  it("refuses tools for a port Llm that cannot call them", async () => {
    const plain = new PortLlm({
      llm: { modelId: "plain", stream: async function* () {}, close: async () => {} },
    });
    const it = plain.generateContentAsync(request(), false);
    await expect(it.next()).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });
});
