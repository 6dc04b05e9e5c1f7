// The OpenAI-compatible adapter against a real HTTP server on 127.0.0.1 that speaks vLLM's exact SSE wire format.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { ChatDelta } from "@isa/core";
import { AppError } from "@isa/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAiCompatibleLlm } from "./openaiCompatible.js";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

const MODEL = "Qwen/Qwen2.5-0.5B-Instruct";
const API_KEY = "sk-test-SECRET-1234567890";

let server: Server;
let baseUrl: string;
let handler: Handler;
let seen: Array<{
  headers: IncomingMessage["headers"];
  body: string;
  url: string | undefined;
  method: string | undefined;
}>;
let closed: Promise<void>;
let markClosed: () => void;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      seen.push({ headers: req.headers, body, url: req.url, method: req.method });
      // The client hanging up: 'close' on the response before it finished.
      res.on("close", () => markClosed());
      void handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => {
  seen = [];
  closed = new Promise((r) => {
    markClosed = r;
  });
});

/** The chunks vLLM sends for a streamed chat completion with include_usage, in order. */
function vllmEvents(tokens: readonly string[], finishReason = "stop"): string[] {
  const base = { id: "chatcmpl-abc", object: "chat.completion.chunk", created: 1_732_000_000, model: MODEL };
  const events = [
    {
      ...base,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
    },
    ...tokens.map((t) => ({
      ...base,
      choices: [{ index: 0, delta: { content: t }, logprobs: null, finish_reason: null }],
    })),
    {
      ...base,
      choices: [
        { index: 0, delta: { content: "" }, logprobs: null, finish_reason: finishReason, stop_reason: null },
      ],
    },
    {
      ...base,
      choices: [],
      usage: { prompt_tokens: 42, total_tokens: 42 + tokens.length, completion_tokens: tokens.length },
    },
  ];
  return [...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), "data: [DONE]\n\n"];
}

function sseHead(res: ServerResponse) {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
}

async function drain(iter: AsyncIterable<ChatDelta>): Promise<{ text: string; deltas: ChatDelta[] }> {
  const deltas: ChatDelta[] = [];
  for await (const d of iter) deltas.push(d);
  return { text: deltas.map((d) => (d.type === "token" ? d.text : "")).join(""), deltas };
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const llm = (over: Partial<Parameters<typeof createOpenAiCompatibleLlm>[0]> = {}) =>
  createOpenAiCompatibleLlm({ baseUrl, model: MODEL, timeoutMs: 2000, ...over });

const ask = { messages: [{ role: "user" as const, content: "Say hi" }] };

describe("createOpenAiCompatibleLlm", () => {
  it("streams token deltas and one done with finish_reason and usage, sending the OpenAI request shape", async () => {
    handler = (_req, res) => {
      sseHead(res);
      for (const e of vllmEvents(["Hel", "lo", " world"])) res.write(e);
      res.end();
    };
    const { deltas } = await drain(
      llm({ apiKey: API_KEY }).stream({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Say hi" },
        ],
        maxTokens: 32,
        stop: ["\n\n"],
      }),
    );
    expect(deltas).toEqual([
      { type: "token", text: "Hel" },
      { type: "token", text: "lo" },
      { type: "token", text: " world" },
      { type: "done", finishReason: "stop", usage: { promptTokens: 42, completionTokens: 3 } },
    ]);
    const req = seen[0];
    expect(req?.method).toBe("POST");
    expect(req?.url).toBe("/v1/chat/completions");
    expect(req?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(JSON.parse(req?.body ?? "{}")).toEqual({
      model: MODEL,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Say hi" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
      max_tokens: 32,
      stop: ["\n\n"],
    });
  });

  it("sends no Authorization header without an API key", async () => {
    handler = (_req, res) => {
      sseHead(res);
      for (const e of vllmEvents(["ok"])) res.write(e);
      res.end();
    };
    await drain(llm().stream(ask));
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });

  it("reassembles chunks split mid-line and mid-character, with CRLF endings and keep-alive comments", async () => {
    handler = async (_req, res) => {
      sseHead(res);
      const wire = `: ping\r\n\r\n${vllmEvents(["Grüß", " 🌍", "!"], "length").join("").replaceAll("\n", "\r\n")}`;
      const bytes = Buffer.from(wire, "utf8");
      // 7-byte writes with a pause: each lands as its own network read, cutting lines, CRLFs and UTF-8.
      for (let i = 0; i < bytes.length; i += 7) {
        res.write(bytes.subarray(i, i + 7));
        await sleep(1);
      }
      res.end();
    };
    const { text, deltas } = await drain(llm().stream(ask));
    expect(text).toBe("Grüß 🌍!");
    expect(deltas.at(-1)).toEqual({
      type: "done",
      finishReason: "length",
      usage: { promptTokens: 42, completionTokens: 3 },
    });
  });

  it("accepts a data payload spread over several data: lines", async () => {
    handler = (_req, res) => {
      sseHead(res);
      res.write(
        'data: {"choices":[{"index":0,\ndata: "delta":{"content":"multi"},"finish_reason":"stop"}]}\n\n',
      );
      res.end("data: [DONE]\n\n");
    };
    const { text } = await drain(llm().stream(ask));
    expect(text).toBe("multi");
  });

  it("maps a 500 with a JSON error body to LLM_BAD_RESPONSE carrying the server's message", async () => {
    handler = (_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          object: "error",
          message: "CUDA out of memory",
          type: "InternalServerError",
          code: 500,
        }),
      );
    };
    const err = await failure(drain(llm().stream(ask)));
    expect(err.code).toBe("LLM_BAD_RESPONSE");
    expect(err.message).toContain("HTTP 500");
    expect(err.message).toContain("CUDA out of memory");
    expect(err.details).toEqual({ status: 500 });
  });

  it("never puts the API key into an error, even when the server echoes it", async () => {
    handler = (_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { message: `Incorrect API key provided: ${API_KEY}`, type: "invalid_request_error" },
        }),
      );
    };
    const err = await failure(drain(llm({ apiKey: API_KEY }).stream(ask)));
    expect(err.code).toBe("LLM_BAD_RESPONSE");
    expect(err.message).toContain("Incorrect API key provided");
    expect(JSON.stringify({ m: err.message, d: err.details })).not.toContain(API_KEY);
  });

  it("maps 429 to RATE_LIMITED with Retry-After", async () => {
    handler = (_req, res) => {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "12" });
      res.end(JSON.stringify({ error: { message: "Rate limit reached", type: "rate_limit_error" } }));
    };
    const err = await failure(drain(llm().stream(ask)));
    expect(err.code).toBe("RATE_LIMITED");
    expect(err.message).toContain("Rate limit reached");
    expect(err.details).toEqual({ status: 429, retryAfterSeconds: 12 });
  });

  it("maps 503 (model loading / overloaded) to LLM_UNAVAILABLE", async () => {
    handler = (_req, res) => {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "Loading model", code: 503 } }));
    };
    expect((await failure(drain(llm().stream(ask)))).code).toBe("LLM_UNAVAILABLE");
  });

  it("times out with LLM_TIMEOUT when the server never sends headers", async () => {
    handler = () => {
      // Hang: never answer.
    };
    const err = await failure(drain(llm({ timeoutMs: 300 }).stream(ask)));
    expect(err.code).toBe("LLM_TIMEOUT");
  });

  it("times out with LLM_TIMEOUT when the stream goes idle between chunks, and hangs up", async () => {
    handler = (_req, res) => {
      sseHead(res);
      const events = vllmEvents(["first"]);
      res.write(events[0]);
      res.write(events[1]);
      // …then nothing more.
    };
    const deltas: ChatDelta[] = [];
    const err = await failure(
      (async () => {
        for await (const d of llm({ timeoutMs: 2000, idleTimeoutMs: 300 }).stream(ask)) deltas.push(d);
      })(),
    );
    expect(err.code).toBe("LLM_TIMEOUT");
    expect(deltas).toEqual([{ type: "token", text: "first" }]);
    await closed;
  });

  it("maps connection refused to LLM_UNAVAILABLE", async () => {
    const tmp = createServer();
    await new Promise<void>((r) => tmp.listen(0, "127.0.0.1", r));
    const port = (tmp.address() as AddressInfo).port;
    await new Promise<void>((r) => tmp.close(() => r()));
    const err = await failure(drain(llm({ baseUrl: `http://127.0.0.1:${port}/v1` }).stream(ask)));
    expect(err.code).toBe("LLM_UNAVAILABLE");
    expect(err.message).toContain("ECONNREFUSED");
    expect(err.details).toEqual({ code: "ECONNREFUSED" });
  });

  it("aborts mid-stream via req.signal: rethrows the caller's reason and closes the connection", async () => {
    handler = async (_req, res) => {
      sseHead(res);
      const events = vllmEvents(["a", "b", "c", "d"]);
      for (const e of events) {
        if (res.destroyed) return;
        res.write(e);
        await sleep(100);
      }
      res.end();
    };
    const ctrl = new AbortController();
    const deltas: ChatDelta[] = [];
    const err = await (async () => {
      for await (const d of llm().stream({ ...ask, signal: ctrl.signal })) {
        deltas.push(d);
        if (d.type === "token") ctrl.abort();
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).name).toBe("AbortError");
    expect(deltas).toEqual([{ type: "token", text: "a" }]);
    await closed;
  });

  it("hangs up when the consumer stops reading early", async () => {
    handler = async (_req, res) => {
      sseHead(res);
      for (const e of vllmEvents(["x", "y", "z"])) {
        if (res.destroyed) return;
        res.write(e);
        await sleep(50);
      }
      res.end();
    };
    for await (const d of llm().stream(ask)) {
      if (d.type === "token") break;
    }
    await closed;
  });

  it("maps a malformed JSON chunk to LLM_BAD_RESPONSE", async () => {
    handler = (_req, res) => {
      sseHead(res);
      res.write(vllmEvents(["ok"])[0]);
      res.end('data: {"choices": [ {"delta": \n\n');
    };
    const err = await failure(drain(llm().stream(ask)));
    expect(err.code).toBe("LLM_BAD_RESPONSE");
    expect(err.message).toContain("not JSON");
  });

  it("maps an error event mid-stream to LLM_BAD_RESPONSE", async () => {
    handler = (_req, res) => {
      sseHead(res);
      res.end('data: {"error":{"message":"context length exceeded","code":400}}\n\n');
    };
    const err = await failure(drain(llm().stream(ask)));
    expect(err.code).toBe("LLM_BAD_RESPONSE");
    expect(err.message).toContain("context length exceeded");
  });

  it("rejects a stream that ends before finishing (no finish_reason, no [DONE])", async () => {
    handler = (_req, res) => {
      sseHead(res);
      const events = vllmEvents(["half"]);
      res.write(events[0]);
      res.end(events[1]);
    };
    expect((await failure(drain(llm().stream(ask)))).code).toBe("LLM_BAD_RESPONSE");
  });

  it("accepts a server that ignores stream:true and answers with one JSON completion", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          choices: [{ index: 0, message: { role: "assistant", content: "whole" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        }),
      );
    };
    const { deltas } = await drain(llm().stream(ask));
    expect(deltas).toEqual([
      { type: "token", text: "whole" },
      { type: "done", finishReason: "stop", usage: { promptTokens: 5, completionTokens: 1 } },
    ]);
  });

  it("lists the served models for readiness checks", async () => {
    handler = (req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [{ id: MODEL, object: "model", owned_by: "vllm" }] }));
      expect(req.url).toBe("/v1/models");
    };
    await expect(llm({ baseUrl: `${baseUrl}/`, apiKey: API_KEY }).listModels()).resolves.toEqual([MODEL]);
    expect(seen[0]?.method).toBe("GET");
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it("maps listModels against a dead server to LLM_UNAVAILABLE", async () => {
    const err = await failure(llm({ baseUrl: "http://127.0.0.1:1/v1" }).listModels());
    expect(err.code).toBe("LLM_UNAVAILABLE");
  });
});
