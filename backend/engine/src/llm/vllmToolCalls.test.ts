// vLLM's tool-call wire format through the OpenAI-compatible adapter, against a scripted server on 127.0.0.1 that
// replays the chunks vLLM (0.9+, `--enable-auto-tool-choice --tool-call-parser hermes|llama3_json|...`) streams:
// the first tool-call delta carries id, type and name with empty arguments, later deltas only `index` and argument
// pieces, parallel calls by index, `finish_reason: "tool_calls"`, then a usage chunk and [DONE]. Whatever parser
// the server runs, this is what reaches the client; the parser only decides how the model's text becomes it.
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatDelta, ChatRequest } from "@isa/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiCompatibleLlm } from "./openaiCompatible.js";

const MODEL = "Qwen/Qwen2.5-7B-Instruct";
let server: Server;
let baseUrl: string;
let reply: (
  body: Record<string, unknown>,
) => { type: "sse"; events: unknown[] } | { type: "json"; body: unknown };
const bodies: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => {
      raw += c.toString("utf8");
    });
    req.on("end", () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      bodies.push(body);
      const r = reply(body);
      if (r.type === "json") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(r.body));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const e of r.events) res.write(`data: ${JSON.stringify(e)}\n\n`);
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: "chatcmpl-7f3",
  object: "chat.completion.chunk",
  created: 1_733_000_000,
  model: MODEL,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
});

/** Two parallel calls, arguments split mid-token, as vLLM's streaming tool parsers emit them. */
const VLLM_TOOL_STREAM = [
  chunk({ role: "assistant", content: "" }),
  chunk({
    tool_calls: [
      {
        id: "chatcmpl-tool-a1",
        type: "function",
        index: 0,
        function: { name: "search_docs", arguments: "" },
      },
    ],
  }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"query": "rotate sta' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: 'ging password", "k": 5}' } }] }),
  chunk({
    tool_calls: [
      {
        id: "chatcmpl-tool-b2",
        type: "function",
        index: 1,
        function: { name: "list_owners", arguments: "" },
      },
    ],
  }),
  chunk({ tool_calls: [{ index: 1, function: { arguments: '{"path": "infra/db"}' } }] }),
  chunk({ content: "" }, "tool_calls"),
  {
    id: "chatcmpl-7f3",
    object: "chat.completion.chunk",
    created: 1_733_000_000,
    model: MODEL,
    choices: [],
    usage: { prompt_tokens: 211, total_tokens: 258, completion_tokens: 47 },
  },
];

const TOOLS = [
  {
    name: "search_docs",
    description: "Search internal docs.",
    parameters: { type: "object", properties: { query: { type: "string" }, k: { type: "integer" } } },
  },
  {
    name: "list_owners",
    description: "Owners of a path.",
    parameters: { type: "object", properties: { path: { type: "string" } } },
  },
];

async function collect(req: ChatRequest): Promise<ChatDelta[]> {
  const llm = createOpenAiCompatibleLlm({ baseUrl, model: MODEL, timeoutMs: 5000 });
  const out: ChatDelta[] = [];
  for await (const d of llm.stream(req)) out.push(d);
  await llm.close();
  return out;
}

const EXPECTED_CALLS = [
  { id: "chatcmpl-tool-a1", name: "search_docs", arguments: '{"query": "rotate staging password", "k": 5}' },
  { id: "chatcmpl-tool-b2", name: "list_owners", arguments: '{"path": "infra/db"}' },
];

describe("OpenAI-compatible adapter with vLLM tool calls", () => {
  it("assembles vLLM's streamed parallel tool calls and sends tools in the OpenAI shape", async () => {
    reply = () => ({ type: "sse", events: VLLM_TOOL_STREAM });
    const deltas = await collect({
      messages: [{ role: "user", content: "How do I rotate the staging DB password, and who owns it?" }],
      tools: TOOLS,
    });
    expect(deltas.filter((d) => d.type === "token" && d.text !== "")).toEqual([]);
    const done = deltas.at(-1);
    expect(done).toEqual({
      type: "done",
      finishReason: "tool_calls",
      usage: { promptTokens: 211, completionTokens: 47 },
      toolCalls: EXPECTED_CALLS,
    });
    for (const c of EXPECTED_CALLS) expect(() => JSON.parse(c.arguments)).not.toThrow();
    const body = bodies.at(-1) ?? {};
    expect(body.tools).toEqual(
      TOOLS.map((t) => ({
        type: "function",
        function: { name: t.name, description: t.description, parameters: t.parameters },
      })),
    );
    // No tool_choice: vLLM's default is "auto", which its --enable-auto-tool-choice flag serves.
    expect(body).not.toHaveProperty("tool_choice");
  });

  it("sends the follow-up turn (assistant tool_calls + tool results) in the shape vLLM's chat templates read", async () => {
    reply = () => ({
      type: "sse",
      events: [chunk({ role: "assistant", content: "Use `vault rotate` [1]." }), chunk({}, "stop")],
    });
    await collect({
      messages: [
        { role: "user", content: "How do I rotate the staging DB password?" },
        { role: "assistant", content: "", toolCalls: EXPECTED_CALLS },
        { role: "tool", toolCallId: "chatcmpl-tool-a1", content: "[1] runbooks/db.md: vault rotate ..." },
        { role: "tool", toolCallId: "chatcmpl-tool-b2", content: "team-platform" },
      ],
      tools: TOOLS,
    });
    const messages = (bodies.at(-1)?.messages ?? []) as Record<string, unknown>[];
    expect(messages[1]).toMatchObject({
      role: "assistant",
      tool_calls: EXPECTED_CALLS.map((c) => ({
        id: c.id,
        type: "function",
        function: { name: c.name, arguments: c.arguments },
      })),
    });
    expect(messages[2]).toEqual({
      role: "tool",
      tool_call_id: "chatcmpl-tool-a1",
      content: "[1] runbooks/db.md: vault rotate ...",
    });
    expect(messages[3]).toMatchObject({ role: "tool", tool_call_id: "chatcmpl-tool-b2" });
  });

  it("reads a non-streamed vLLM completion with message.tool_calls (content null)", async () => {
    reply = () => ({
      type: "json",
      body: {
        id: "chatcmpl-9",
        object: "chat.completion",
        model: MODEL,
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: null,
              tool_calls: EXPECTED_CALLS.map((c) => ({
                id: c.id,
                type: "function",
                function: { name: c.name, arguments: c.arguments },
              })),
            },
            finish_reason: "tool_calls",
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
      },
    });
    const deltas = await collect({ messages: [{ role: "user", content: "q" }], tools: TOOLS });
    expect(deltas.at(-1)).toMatchObject({
      type: "done",
      finishReason: "tool_calls",
      toolCalls: EXPECTED_CALLS,
    });
  });
});
