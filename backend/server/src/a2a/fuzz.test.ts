// Property-based fuzzing of the A2A JSON-RPC endpoints (fast-check) against a real listen(): malformed JSON, wrong
// types in known methods' params, unicode edge cases, huge strings, odd content types, with and without a token.
// Whatever comes in: never a 5xx; an HTTP error carries `{error: {code}}` from the catalog; a 200 is a JSON-RPC
// response (result or error with an integer code) or an SSE stream; and the server still answers afterwards.
import { ERROR_CATALOG } from "@isa/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { A2aTestServer } from "../testkit/fixture.js";
import { clientFor, indexA2aCorpus, openA2aServer, sendRequest } from "../testkit/fixture.js";
import type { TestCorpus } from "../testkit/harness.js";

const CODES = new Set(Object.keys(ERROR_CATALOG));
const SCALE = Number(process.env.FUZZ_RUNS_SCALE ?? "1") || 1;
const METHODS = [
  "SendMessage",
  "SendStreamingMessage",
  "GetTask",
  "CancelTask",
  "ListTasks",
  "SubscribeToTask",
  "message/send",
  "message/stream",
  "tasks/get",
  "tasks/cancel",
];
const EDGE = ["", "\u0000", "\ud800", "\u202e", "👩‍💻", "e\u0301", "x".repeat(5_000), "{", "null", "[]"];

const text = fc.oneof(fc.string(), fc.constantFrom(...EDGE), fc.string({ unit: "grapheme" }));
const anyJson = fc.jsonValue({ maxDepth: 4 });
const body = fc.oneof(
  // Right method, random params.
  fc.record({
    jsonrpc: fc.constant("2.0"),
    id: fc.oneof(fc.integer(), text),
    method: fc.constantFrom(...METHODS),
    params: anyJson,
  }),
  // Plausible message with hostile parts.
  fc.record({
    jsonrpc: fc.constant("2.0"),
    id: fc.integer(),
    method: fc.constantFrom("SendMessage", "message/send"),
    params: fc.record({
      message: fc.record({
        messageId: text,
        role: fc.oneof(fc.constantFrom("ROLE_USER", "user", "ROLE_AGENT"), anyJson),
        parts: fc.array(
          fc.oneof(fc.record({ text }), fc.record({ kind: fc.constant("text"), text }), anyJson),
          {
            maxLength: 3,
          },
        ),
      }),
    }),
  }),
  // Anything at all.
  anyJson,
);

describe("A2A fuzz", () => {
  let corpus: TestCorpus;
  let s: A2aTestServer;

  beforeAll(async () => {
    corpus = await indexA2aCorpus();
    s = await openA2aServer(corpus);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    corpus?.cleanup();
  });

  it("never answers 5xx, and every answer is a catalog error or a JSON-RPC response", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("docs", "dev", "root"),
        fc.oneof(
          body.map((b) => JSON.stringify(b)),
          text,
        ),
        fc.constantFrom("application/json", "text/plain", "application/json; charset=utf-8"),
        fc.constantFrom<string | undefined>(undefined, "1.0", "0.3", "9.9"),
        fc.constantFrom<string | undefined>(
          "Bearer token-alice",
          "Bearer token-dan",
          undefined,
          "Bearer \u0000",
        ),
        async (agent, raw, contentType, version, authorization) => {
          const headers: Record<string, string> = { "content-type": contentType };
          if (version !== undefined) headers["A2A-Version"] = version;
          if (authorization !== undefined && !authorization.includes("\u0000"))
            headers.authorization = authorization;
          const res = await fetch(`${s.url}/agents/${agent}`, { method: "POST", headers, body: raw });
          const out = await res.text();
          expect(res.status, out).toBeLessThan(500);
          if (res.status !== 200) {
            const code = (JSON.parse(out) as { error?: { code?: string } }).error?.code ?? "";
            expect(CODES.has(code), out).toBe(true);
            return;
          }
          if ((res.headers.get("content-type") ?? "").startsWith("text/event-stream")) return;
          const rpc = JSON.parse(out) as { jsonrpc?: string; result?: unknown; error?: { code?: unknown } };
          expect(rpc.jsonrpc).toBe("2.0");
          if (rpc.error) expect(Number.isInteger(rpc.error.code), out).toBe(true);
          else expect(rpc.result, out).toBeDefined();
        },
      ),
      { numRuns: Math.max(1, Math.round(150 * SCALE)), interruptAfterTimeLimit: 40_000 },
    );
    const client = await clientFor(s.url, "docs", { user: "alice" });
    const healthy = (await client.sendMessage(sendRequest("What is the vacation policy?"))) as {
      status?: { state: number };
    };
    expect(healthy.status?.state).toBe(3);
  }, 90_000);
});
