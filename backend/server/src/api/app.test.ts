// The API through app.inject(): authentication, SSE framing and JSON mode, input validation with catalog codes,
// body limits, request ids, feedback, probes, metrics and the OpenAPI document (failures and rate limits: see
// app.failures.test.ts).
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, parseSse } from "../testkit/assertions.js";
import type { TestApp, TestCorpus } from "../testkit/harness.js";
import { bearer, indexCorpus, openTestApp } from "../testkit/harness.js";

describe("API", () => {
  let corpus: TestCorpus;
  let t: TestApp;
  beforeAll(async () => {
    corpus = await indexCorpus();
    t = await openTestApp(corpus);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    corpus?.cleanup();
  });

  describe("authentication", () => {
    it.each([
      ["no header", {}],
      ["unknown token", { authorization: "Bearer nope" }],
      ["wrong scheme", { authorization: "Basic dG9rZW4tcm9vdA==" }],
      ["empty bearer", { authorization: "Bearer " }],
    ])("401 UNAUTHENTICATED on every /v1 route with %s", async (_name, headers) => {
      for (const [method, url] of [
        ["POST", "/v1/ask"],
        ["POST", "/v1/search"],
        ["POST", "/v1/feedback"],
        ["GET", `/v1/documents/${"a".repeat(32)}`],
        ["GET", "/v1/projects"],
      ] as const) {
        const r = await t.app.inject({ method, url, headers, ...(method === "POST" ? { payload: {} } : {}) });
        expectError(r, "UNAUTHENTICATED");
        expect(r.headers["www-authenticate"]).toMatch(/^Bearer/);
      }
    });

    it("checks credentials before the body (a bad body without a token is still 401)", async () => {
      const r = await t.app.inject({
        method: "POST",
        url: "/v1/search",
        headers: { "content-type": "application/json" },
        payload: "{not json",
      });
      expectError(r, "UNAUTHENTICATED");
    });

    it("probes, metrics and the API description need no token", async () => {
      for (const url of ["/healthz", "/readyz", "/metrics", "/openapi.json"]) {
        expect((await t.app.inject({ method: "GET", url })).statusCode, url).toBe(200);
      }
    });
  });

  describe("POST /v1/ask", () => {
    it("streams token events that add up to the answer, then one answer event", async () => {
      const r = await t.app.inject({
        method: "POST",
        url: "/v1/ask",
        headers: bearer("alice"),
        payload: { question: "How do I rotate the staging database password?" },
      });
      expect(r.statusCode).toBe(200);
      expect(r.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
      expect(r.headers["cache-control"]).toContain("no-cache");
      const events = parseSse(r.body);
      const last = events.at(-1);
      expect(last?.[0]).toBe("answer");
      const tokens = events.slice(0, -1);
      expect(tokens.length).toBeGreaterThan(0);
      expect(tokens.every(([e]) => e === "token")).toBe(true);
      const answer = last?.[1] as {
        answer: string;
        citations: { path: string }[];
        traceId: string;
        closest: unknown[];
      };
      expect(tokens.map(([, d]) => (d as { text: string }).text).join("")).toBe(answer.answer);
      expect(answer.citations.map((c) => c.path)).toContain("eng/deploy.md");
      expect(answer.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(r.headers["x-trace-id"]).toBe(answer.traceId);
      expect(Array.isArray(answer.closest)).toBe(true);
    });

    it("answers with one JSON object for Accept: application/json", async () => {
      const r = await t.app.inject({
        method: "POST",
        url: "/v1/ask",
        headers: { ...bearer("bob"), accept: "application/json" },
        payload: { question: "Where is the break-glass token?" },
      });
      expect(r.statusCode).toBe(200);
      expect(r.headers["content-type"]).toMatch(/^application\/json/);
      const a = r.json<{
        answer: string;
        citations: { path: string }[];
        abstained: boolean;
        state: string;
        mode: string;
        traceId: string;
      }>();
      expect(a.abstained).toBe(false);
      expect(a.state).toBe("answered");
      expect(["quoted", "generated"]).toContain(a.mode);
      expect(a.citations.map((c) => c.path)).toContain("security/breakglass.md");
      expect(Object.keys(a).sort()).toEqual([
        "abstained",
        "answer",
        "citations",
        "closest",
        "conversationId",
        "mode",
        "state",
        "traceId",
      ]);
    });

    it("accepts the body of a plain `curl -d` (form content type) as JSON", async () => {
      const r = await t.app.inject({
        method: "POST",
        url: "/v1/ask",
        headers: {
          ...bearer("dan"),
          accept: "application/json",
          "content-type": "application/x-www-form-urlencoded",
        },
        payload: JSON.stringify({ question: "What is the vacation policy?" }),
      });
      expect(r.statusCode).toBe(200);
    });
  });

  describe("input validation → 4xx with catalog codes", () => {
    const post = (url: string, payload: string, contentType = "application/json") =>
      t.app.inject({
        method: "POST",
        url,
        headers: { ...bearer("root"), "content-type": contentType },
        payload,
      });

    it.each([
      ["/v1/ask", "{not json", "INPUT_INVALID"],
      ["/v1/ask", '{"question": "hi"', "INPUT_INVALID"],
      ["/v1/ask", "", "INPUT_INVALID"],
      ["/v1/ask", "[]", "INPUT_INVALID"],
      ["/v1/ask", "null", "INPUT_INVALID"],
      ["/v1/ask", '"question"', "INPUT_INVALID"],
      ["/v1/ask", "{}", "INPUT_INVALID"],
      ["/v1/ask", '{"question": 42}', "INPUT_INVALID"],
      ["/v1/ask", '{"question": "   "}', "INPUT_INVALID"],
      ["/v1/ask", '{"question": "hi", "extra": 1}', "INPUT_INVALID"],
      ["/v1/ask", '{"__proto__": {"x": 1}, "question": "hi"}', "INPUT_INVALID"],
      ["/v1/ask", `{"question": "${"x".repeat(4001)}"}`, "INPUT_INVALID"],
      ["/v1/search", '{"query": "a", "k": 0}', "INPUT_INVALID"],
      ["/v1/search", '{"query": "a", "k": 1.5}', "INPUT_INVALID"],
      ["/v1/search", '{"query": "a", "k": "5"}', "INPUT_INVALID"],
      ["/v1/search", '{"query": "a", "mode": "psychic"}', "INPUT_INVALID"],
      ["/v1/search", '{"query": ["a"]}', "INPUT_INVALID"],
      ["/v1/feedback", '{"traceId": "abc", "rating": "up"}', "INPUT_INVALID"],
      ["/v1/feedback", `{"traceId": "${"0".repeat(32)}", "rating": "up"}`, "INPUT_INVALID"],
      ["/v1/feedback", `{"traceId": "${"a".repeat(32)}", "rating": "meh"}`, "INPUT_INVALID"],
      ["/v1/feedback", `{"traceId": "${"a".repeat(32)}", "rating": "up", "comment": 5}`, "INPUT_INVALID"],
    ])("%s %.60s → %s", async (url, payload, code) => {
      expectError(await post(url, payload), code);
    });

    it("names the offending field without echoing input", async () => {
      const r = await post("/v1/search", '{"query": "secret-ish", "k": "lots"}');
      const e = r.json<{ error: { message: string; details: { issues: { path: string }[] } } }>().error;
      expect(e.message).toContain("k");
      expect(e.details.issues[0]?.path).toBe("k");
      expect(r.body).not.toContain("lots");
    });

    it("a non-JSON content type → 415 UNSUPPORTED_MEDIA_TYPE", async () => {
      expectError(await post("/v1/ask", "question=hi", "text/plain"), "UNSUPPORTED_MEDIA_TYPE");
      expectError(await post("/v1/ask", "<q/>", "application/xml"), "UNSUPPORTED_MEDIA_TYPE");
    });

    it("a body over ISA_BODY_LIMIT_BYTES → 413 PAYLOAD_TOO_LARGE", async () => {
      const huge = JSON.stringify({ question: "x".repeat(t.config.server.bodyLimitBytes) });
      expectError(await post("/v1/ask", huge), "PAYLOAD_TOO_LARGE");
    });

    it("unknown routes and methods → 404 NOT_FOUND", async () => {
      expectError(
        await t.app.inject({ method: "GET", url: "/v1/nope", headers: bearer("root") }),
        "NOT_FOUND",
      );
      expectError(
        await t.app.inject({ method: "DELETE", url: "/v1/ask", headers: bearer("root") }),
        "NOT_FOUND",
      );
    });
  });

  describe("request ids", () => {
    it("honours a plain x-request-id and replaces a hostile one", async () => {
      const ok = await t.app.inject({
        method: "GET",
        url: "/healthz",
        headers: { "x-request-id": "abc-123" },
      });
      expect(ok.headers["x-request-id"]).toBe("abc-123");
      const bad = await t.app.inject({
        method: "GET",
        url: "/healthz",
        headers: { "x-request-id": "a\u0001b c" },
      });
      expect(bad.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      const none = await t.app.inject({ method: "GET", url: "/healthz" });
      expect(none.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe("POST /v1/feedback", () => {
    it("appends one JSON line per rating under the data dir", async () => {
      const ask = await t.app.inject({
        method: "POST",
        url: "/v1/ask",
        headers: { ...bearer("carol"), accept: "application/json" },
        payload: { question: "When are salary bands reviewed?" },
      });
      const traceId = ask.json<{ traceId: string }>().traceId;
      const ratings = await Promise.all(
        ["up", "down", "up"].map((rating, i) =>
          t.app.inject({
            method: "POST",
            url: "/v1/feedback",
            headers: bearer("carol"),
            payload: { traceId, rating, ...(i === 1 ? { comment: 'too vague\n{"x":1}' } : {}) },
          }),
        ),
      );
      for (const r of ratings) {
        expect(r.statusCode).toBe(201);
        expect(r.json()).toEqual({ recorded: true });
      }
      const lines = readFileSync(path.join(t.config.dataDir, "feedback.jsonl"), "utf8").trim().split("\n");
      const records = lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((r) => r.traceId === traceId);
      expect(records).toHaveLength(3);
      expect(records.map((r) => r.rating).sort()).toEqual(["down", "up", "up"]);
      expect(records.every((r) => r.principal === "carol" && typeof r.ts === "string")).toBe(true);
      expect(records.find((r) => r.rating === "down")?.comment).toBe('too vague\n{"x":1}');
    });
  });

  describe("probes, metrics, OpenAPI", () => {
    it("/healthz and /readyz", async () => {
      expect((await t.app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
      const ready = await t.app.inject({ method: "GET", url: "/readyz" });
      expect(ready.json()).toEqual({ ready: true, checks: { store: "ok", embedder: "ok", llm: "ok" } });
    });

    it("/metrics exposes request, stage, token and error metrics", async () => {
      await t.app.inject({
        method: "POST",
        url: "/v1/ask",
        headers: { ...bearer("root"), accept: "application/json" },
        payload: { question: "What is in the reorganisation plan?" },
      });
      await t.app.inject({ method: "POST", url: "/v1/ask", payload: {} });
      const m = (await t.app.inject({ method: "GET", url: "/metrics" })).body;
      expect(m).toMatch(/isa_http_request_duration_seconds_bucket\{.*route="\/v1\/ask".*status_code="200"/);
      expect(m).toMatch(/isa_stage_duration_seconds_count\{stage="retrieve"\} [1-9]/);
      expect(m).toMatch(/isa_stage_duration_seconds_count\{stage="generate"\} [1-9]/);
      expect(m).toMatch(/isa_llm_tokens_total\{kind="completion"\} [1-9]/);
      expect(m).toMatch(/isa_errors_total\{code="UNAUTHENTICATED"\} [1-9]/);
      expect(m).toContain("isa_process_resident_memory_bytes");
    });

    it("/openapi.json describes every route from the zod schemas", async () => {
      const r = await t.app.inject({ method: "GET", url: "/openapi.json" });
      const doc = JSON.parse(r.body) as {
        openapi: string;
        paths: Record<
          string,
          Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
        >;
      };
      expect(doc.openapi).toBe("3.1.0");
      expect(Object.keys(doc.paths).sort()).toEqual(
        [
          "/healthz",
          "/metrics",
          "/openapi.json",
          "/readyz",
          "/v1/ask",
          "/v1/conversations/{id}",
          "/v1/documents/{id}",
          "/v1/feedback",
          "/v1/lookup",
          "/v1/owners",
          "/v1/projects",
          "/v1/search",
        ].sort(),
      );
      const askSchema = doc.paths["/v1/ask"]?.post?.requestBody?.content["application/json"]?.schema as {
        required: string[];
        properties: Record<string, { maxLength?: number }>;
      };
      expect(askSchema.required).toEqual(["question"]);
      expect(askSchema.properties.question?.maxLength).toBe(4000);
      expect(doc.paths["/v1/documents/{id}"]?.get).toBeDefined();
    });
  });
});
