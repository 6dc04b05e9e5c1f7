// Property-based fuzzing of the A2A JSON-RPC endpoints (fast-check) against a real listen(): malformed JSON, wrong
// types in known methods' params, unicode edge cases, huge strings, odd content types, with and without a token.
// Whatever comes in: never a 5xx; an HTTP error carries `{error: {code}}` from the catalog; a 200 is a JSON-RPC
// response (result or error with an integer code) or an SSE stream whose every event is one (streaming methods are
// read to the end); and the server still answers afterwards.
//
// Counted, not timed: a fixed number of runs per agent route from a fixed seed (FUZZ_SEED overrides it), and the
// test checks every run happened. A failure names the seed and path: replay with FUZZ_SEED=<seed> FUZZ_PATH=<path>.
import { ERROR_CATALOG } from "@isa/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { A2aTestServer } from "../testkit/fixture.js";
import { clientFor, indexA2aCorpus, openA2aServer, sendRequest } from "../testkit/fixture.js";
import type { TestCorpus } from "../testkit/harness.js";

const CODES = new Set(Object.keys(ERROR_CATALOG));
const SCALE = Number(process.env.FUZZ_RUNS_SCALE ?? "1") || 1;
const SEED = process.env.FUZZ_SEED === undefined ? 20_261_204 : Number(process.env.FUZZ_SEED);
/** Runs per agent route (×3 routes). */
const RUNS = Math.max(1, Math.round(60 * SCALE));
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
/** Every SSE event of an A2A stream is a JSON-RPC 2.0 response (result, or error with an integer code). */
function checkRpc(out: string, what: string): void {
  const rpc = JSON.parse(out) as { jsonrpc?: string; result?: unknown; error?: { code?: unknown } };
  expect(rpc.jsonrpc, what).toBe("2.0");
  if (rpc.error) expect(Number.isInteger(rpc.error.code), what).toBe(true);
  else expect(rpc.result, what).toBeDefined();
}

function checkSse(out: string, what: string): number {
  const frames = out.split("\n\n").filter((f) => f.trim() !== "" && !f.startsWith(":"));
  for (const f of frames) {
    const data = f
      .split("\n")
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).trimStart())
      .join("\n");
    expect(data, `frame without data: ${JSON.stringify(f)} ← ${what}`).not.toBe("");
    checkRpc(data, what);
  }
  return frames.length;
}

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

  const streams = { opened: 0, events: 0 };

  for (const agent of ["docs", "dev", "root"] as const) {
    it(`/agents/${agent}: ${RUNS} runs, never 5xx; every answer a catalog error, a JSON-RPC response or a stream of them`, async () => {
      let runs = 0;
      const property = fc.asyncProperty(
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
        async (raw, contentType, version, authorization) => {
          runs++;
          const headers: Record<string, string> = { "content-type": contentType };
          if (version !== undefined) headers["A2A-Version"] = version;
          if (authorization !== undefined && !authorization.includes("\u0000"))
            headers.authorization = authorization;
          const res = await fetch(`${s.url}/agents/${agent}`, { method: "POST", headers, body: raw });
          const out = await res.text();
          const what = `${res.status} ${out.slice(0, 300)} ← ${raw.slice(0, 200)}`;
          expect(res.status, what).toBeLessThan(500);
          if (res.status !== 200) {
            const code = (JSON.parse(out) as { error?: { code?: string } }).error?.code ?? "";
            expect(CODES.has(code), what).toBe(true);
            return;
          }
          if ((res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
            streams.opened++;
            streams.events += checkSse(out, what);
            return;
          }
          checkRpc(out, what);
        },
      );
      const details = await fc.check(property, {
        numRuns: RUNS,
        seed: SEED,
        ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
      });
      if (details.failed) {
        throw new Error(
          `A2A fuzz failed on /agents/${agent}\nreplay with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ""}\n${fc.defaultReportMessage(details) ?? ""}`,
        );
      }
      expect(details.numRuns).toBe(RUNS);
      expect(details.interrupted).toBe(false);
      expect(runs).toBeGreaterThanOrEqual(RUNS);
      process.stdout.write(`fuzz runs: ${details.numRuns} (seed ${details.seed}) /agents/${agent}\n`);
    }, 120_000);
  }

  it("streaming methods: well-formed SendStreamingMessage is read to its end, every event checked", async () => {
    let runs = 0;
    const property = fc.asyncProperty(
      fc.constantFrom("docs", "dev", "root"),
      fc.constantFrom("1.0", "0.3"),
      text,
      async (agent, version, question) => {
        runs++;
        const legacy = version === "0.3";
        const message = legacy
          ? {
              kind: "message",
              messageId: `m-${runs}`,
              role: "user",
              parts: [{ kind: "text", text: question || "?" }],
            }
          : { messageId: `m-${runs}`, role: "ROLE_USER", parts: [{ text: question || "?" }] };
        const res = await fetch(`${s.url}/agents/${agent}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "A2A-Version": version,
            authorization: "Bearer token-alice",
          },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: runs,
            method: legacy ? "message/stream" : "SendStreamingMessage",
            params: { message },
          }),
        });
        const out = await res.text();
        const what = `${res.status} ${out.slice(0, 300)} ← ${agent} ${version} ${JSON.stringify(question.slice(0, 100))}`;
        expect(res.status, what).toBe(200);
        if ((res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
          streams.opened++;
          const n = checkSse(out, what);
          streams.events += n;
          expect(n, what).toBeGreaterThan(0);
        } else checkRpc(out, what);
      },
    );
    const numRuns = Math.max(1, Math.round(12 * SCALE));
    const details = await fc.check(property, { numRuns, seed: SEED });
    if (details.failed) {
      throw new Error(
        `A2A streaming fuzz failed\nreplay with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ""}\n${fc.defaultReportMessage(details) ?? ""}`,
      );
    }
    expect(details.numRuns).toBe(numRuns);
    expect(streams.opened).toBeGreaterThan(0);
    process.stdout.write(
      `fuzz runs: ${details.numRuns} (seed ${details.seed}) streaming; streams ${streams.opened}, events ${streams.events}\n`,
    );
    const client = await clientFor(s.url, "docs", { user: "alice" });
    const healthy = (await client.sendMessage(sendRequest("What is the vacation policy?"))) as {
      status?: { state: number };
    };
    expect(healthy.status?.state).toBe(3);
  }, 180_000);
});
