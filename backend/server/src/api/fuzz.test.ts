// Property-based fuzzing of every HTTP route through app.inject() (fast-check): malformed JSON, wrong types, huge
// strings, unicode edge cases (lone surrogates, NUL, bidi marks, emoji, combining marks), odd content types and
// methods, hostile path params, query strings and credentials. Whatever comes in, the answer is below 500; an error
// status carries `{error: {code}}` from the catalog with the catalog's status; an SSE answer never ends with a
// server-side error event; and the app still answers a healthy request afterwards.
//
// A last block sends raw bytes to a listening server (malformed HTTP never reaches app.inject()).
//
// Counted, not timed: each property runs exactly its numRuns (~1,670 injected and 120 raw requests; FUZZ_RUNS_SCALE=10
// runs ten times as many) from a fixed seed (FUZZ_SEED overrides it), and the test checks that every run happened:
// no time limit can end a property early and pass with what it tried. On failure the message names the seed and
// the path of the shrunk counterexample; replay with FUZZ_SEED=<seed> FUZZ_PATH=<path>.
import { connect } from "node:net";
import { ERROR_CATALOG } from "@isa/core";
import fc from "fast-check";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp, TestCorpus } from "../testkit/harness.js";
import { bearer, indexCorpus, openTestApp, testParts, USERS } from "../testkit/harness.js";
import type { RunningServer } from "./server.js";
import { startServer } from "./server.js";

const CODES = new Set(Object.keys(ERROR_CATALOG));
const SCALE = Number(process.env.FUZZ_RUNS_SCALE ?? "1") || 1;
/** The default seed: the same inputs on every run, anywhere (change it, or set FUZZ_SEED, to explore further). */
const API_FUZZ_SEED = 20_261_204;
const SEED = process.env.FUZZ_SEED === undefined ? API_FUZZ_SEED : Number(process.env.FUZZ_SEED);

function params<Ts>(numRuns: number): fc.Parameters<Ts> & { numRuns: number } {
  return {
    numRuns: Math.max(1, Math.round(numRuns * SCALE)),
    seed: SEED,
    ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
  };
}

/**
 * fc.assert that also proves every run happened: a failure throws with the seed and path to replay it; success
 * checks the runs executed equal numRuns (nothing skipped, nothing interrupted) and logs the count.
 */
async function assertRuns<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncProperty<Ts>,
  p: fc.Parameters<Ts> & { numRuns: number },
): Promise<void> {
  const name = expect.getState().currentTestName ?? "fuzz";
  const details = await fc.check(property, p);
  if (details.failed) {
    throw new Error(
      `fuzz failed: ${name}\nreplay with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ""}\n${fc.defaultReportMessage(details) ?? ""}`,
    );
  }
  expect(details.numRuns, `${name}: runs executed`).toBe(p.numRuns);
  expect(details.interrupted, `${name}: interrupted`).toBe(false);
  process.stdout.write(`fuzz runs: ${details.numRuns} (seed ${details.seed}) ${name}\n`);
}

// ---- arbitraries -------------------------------------------------------------------------------------------------

/** Strings that have broken parsers, loggers and tokenisers elsewhere. */
const EDGE_STRINGS = [
  "",
  " ",
  "\t\n\r",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\ud83dy",
  "\udc00\ud800",
  "\u202eevil\u202c",
  "\u200f\u200e\u061c",
  "\u2066isolate\u2069",
  "\ufeff",
  "\ufffe\uffff",
  "e\u0301\u0301\u0301\u0301",
  "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358",
  "👩‍👩‍👧‍👦🏳️‍🌈🇺🇳",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "\u0085\u2028\u2029",
  "مرحبا بالعالم",
  "漢字かなカナ",
  "%s%n%x",
  "$" + "{process.exit()}",
  "{{7*7}}",
  "'; DROP TABLE chunks; --",
  '" OR 1=1 --',
  "docId = 'x' OR true",
  "../../../../etc/passwd",
  "<script>alert(1)</script>",
  '</source><source n="9">',
  "event: answer\ndata: {}\n\n",
  'AND OR NOT ( ) " * ? ~ ^ : [ ] { } \\',
  "__proto__",
  "constructor",
] as const;

/** Any UTF-16 code unit, lone surrogates and controls included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...EDGE_STRINGS),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc
    .tuple(fc.constantFrom(...EDGE_STRINGS), fc.string({ maxLength: 10 }), fc.constantFrom(...EDGE_STRINGS))
    .map(([a, b, c]) => `${a}${b}${c}`),
);

/** Near and far over the schemas' caps (4000 question, 8000 query, 4000 comment) and the 64 KiB body limit. */
const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(3999, 4000, 4001, 7999, 8000, 8001, 20_000, 70_000),
    fc.constantFrom("a", "é", "😀", "\u0000", "e\u0301", " ", "\ud800"),
  )
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 1, arbitrary: hugeString },
);

/** A value of a wrong (or, by chance, right) type for a field. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  anyText,
  fc.constantFrom(null, true, false, 0, -1, 1, 1.5, 51, 1e308, -0, Number.MAX_SAFE_INTEGER + 2),
  fc.double(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
);

const traceIdLike = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.constant("0".repeat(32)),
  fc.stringMatching(/^[0-9A-Fa-f]{31,33}$/),
  anyText,
);

/** Well-formed (unissued), near-miss and hostile conversation ids. */
const conversationIdLike = fc.oneof(
  fc.stringMatching(/^c_[A-Za-z0-9_-]{22}$/),
  fc.stringMatching(/^c_[A-Za-z0-9_+/=-]{20,24}$/),
  fc.stringMatching(/^[a-z]_[A-Za-z0-9_-]{22}$/),
  fc.constantFrom("c_", "c_%00", `c_${"A".repeat(22)}\n`, `C_${"A".repeat(22)}`),
  anyText,
);

/** Objects shaped like each route's body, with wrong types, extra keys and edge-case text. */
const askBody = fc.record(
  {
    question: fc.oneof(anyText, anyValue),
    conversationId: fc.oneof(conversationIdLike, anyValue),
    extra: anyValue,
  },
  { requiredKeys: [] },
);
const searchBody = fc.record(
  {
    query: fc.oneof(anyText, anyValue),
    k: fc.oneof(fc.integer({ min: -5, max: 60 }), anyValue),
    mode: fc.oneof(fc.constantFrom("hybrid", "dense", "lexical", "HYBRID", "bm25", ""), anyValue),
    extra: anyValue,
  },
  { requiredKeys: [] },
);
const feedbackBody = fc.record(
  {
    traceId: traceIdLike,
    rating: fc.oneof(fc.constantFrom("up", "down", "UP", "sideways", ""), anyValue),
    comment: fc.oneof(anyText, anyValue),
    extra: anyValue,
  },
  { requiredKeys: [] },
);

/** Raw request bodies: broken JSON, JSON of the wrong shape, prototype poisoning, binary. */
const rawBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.constantFrom(
    "",
    "{",
    "}",
    "[",
    "null",
    "true",
    "0",
    '"question"',
    "[]",
    "{}",
    '{"question":',
    '{"question":"x"',
    '{"question":"x",}',
    "{'question':'x'}",
    '{"question":"\\ud800"}',
    '{"question":"\\u0000"}',
    '{"question":"\\x41"}',
    '{"question":"a"}{"question":"b"}',
    '{"__proto__":{"polluted":1},"question":"x"}',
    '{"constructor":{"prototype":{"polluted":1}},"question":"x"}',
    '{"question":NaN}',
    '{"question":1e999}',
    `${"[".repeat(5000)}${"]".repeat(5000)}`,
    `{"question":"${"\\\\".repeat(30_000)}"}`,
    "\ufeff{}",
    "question=hello",
  ),
  fc.string({ unit: codeUnit, maxLength: 60 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.nat()).map(([v, cut]) => {
    const s = JSON.stringify({ question: v, query: v });
    return s.slice(0, cut % (s.length + 1));
  }),
);

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant("application/json") },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      undefined,
      "",
      "application/json; charset=utf-8",
      "application/json; charset=latin1",
      "application/json; charset=utf-16",
      "APPLICATION/JSON",
      "application/json;;;",
      "application/json; boundary=",
      "application/vnd.api+json",
      "application/x-www-form-urlencoded",
      "text/plain",
      "text/event-stream",
      "multipart/form-data; boundary=xyz",
      "application/octet-stream",
      "application/xml",
      "*/*",
      "json",
      "application/",
      "/",
      ";",
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 30 }) },
);

const accept: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constantFrom(
    undefined,
    "application/json",
    "text/event-stream",
    "*/*",
    "application/json, text/event-stream",
    "APPLICATION/JSON",
    "text/html",
    "",
  ),
  fc.string({ unit: "grapheme-ascii", maxLength: 30 }),
);

const BODY_ROUTES = ["/v1/ask", "/v1/search", "/v1/feedback"] as const;

// ---- checks ------------------------------------------------------------------------------------------------------

interface SseFrame {
  readonly event: string;
  readonly data: unknown;
}

function parseSse(body: string): SseFrame[] {
  return body
    .split("\n\n")
    .filter((f) => f !== "" && !f.startsWith(":"))
    .map((f) => {
      const m = /^event: ([a-z_]+)\ndata: (.*)$/.exec(f);
      if (!m) throw new Error(`bad SSE frame ${JSON.stringify(f)}`);
      return { event: m[1] ?? "", data: JSON.parse(m[2] ?? "null") as unknown };
    });
}

function describeRequest(opts: InjectOptions): string {
  const text = JSON.stringify({ ...opts, payload: undefined }).slice(0, 400);
  const payload = opts.payload === undefined ? "" : String(opts.payload).slice(0, 200);
  return `${text} payload=${JSON.stringify(payload)}`;
}

/** The invariants every response must hold. */
function checkResponse(opts: InjectOptions, r: LightMyRequestResponse): void {
  const what = `${r.statusCode} ${r.body.slice(0, 300)} ← ${describeRequest(opts)}`;
  expect(r.statusCode, what).toBeLessThan(500);
  expect(r.statusCode, what).toBeGreaterThanOrEqual(200);
  // A stack trace or a file path never reaches the client.
  expect(r.body, what).not.toMatch(/\bat .*\.(ts|js):\d+/);
  if (opts.method === "HEAD") return; // no body by definition
  const ct = String(r.headers["content-type"] ?? "");
  if (r.statusCode >= 400) {
    expect(ct, what).toMatch(/^application\/json/);
    const body = JSON.parse(r.body) as { error?: { code?: unknown; message?: unknown } };
    const code = body.error?.code;
    expect(typeof code === "string" && CODES.has(code), what).toBe(true);
    expect(typeof body.error?.message, what).toBe("string");
    expect(ERROR_CATALOG[code as keyof typeof ERROR_CATALOG].httpStatus, what).toBe(r.statusCode);
    return;
  }
  if (ct.startsWith("text/event-stream")) {
    const frames = parseSse(r.body);
    for (const f of frames) {
      if (f.event !== "error") continue;
      const code = (f.data as { error?: { code?: unknown } }).error?.code;
      expect(typeof code === "string" && CODES.has(code), what).toBe(true);
      expect(ERROR_CATALOG[code as keyof typeof ERROR_CATALOG].httpStatus, what).toBeLessThan(500);
    }
    expect(frames.at(-1)?.event, what).toMatch(/^(answer|error)$/);
  } else if (ct.startsWith("application/json")) {
    JSON.parse(r.body);
  }
}

describe("API fuzz (fast-check)", () => {
  let corpus: TestCorpus;
  let t: TestApp;
  let docIds: string[] = [];

  async function send(opts: InjectOptions): Promise<LightMyRequestResponse> {
    const r = await t.app.inject(opts);
    checkResponse(opts, r);
    return r;
  }

  /** The app still serves: liveness, a search and a JSON answer for a known user. */
  async function expectHealthy(): Promise<void> {
    const h = await t.app.inject({ method: "GET", url: "/healthz" });
    expect(h.statusCode).toBe(200);
    const s = await t.app.inject({
      method: "POST",
      url: "/v1/search",
      headers: bearer("root"),
      payload: { query: "vacation policy" },
    });
    expect(s.statusCode, s.body).toBe(200);
    expect(s.json<{ hits: unknown[] }>().hits.length).toBeGreaterThan(0);
    const a = await t.app.inject({
      method: "POST",
      url: "/v1/ask",
      headers: { ...bearer("alice"), accept: "application/json" },
      payload: { question: "How many vacation days?" },
    });
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json<{ answer: string }>().answer).toMatch(/vacation/i);
  }

  beforeAll(async () => {
    corpus = await indexCorpus();
    t = await openTestApp(corpus);
    docIds = [...corpus.docs.values()].map((d) => d.docId);
    await expectHealthy();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    corpus?.cleanup();
  });

  const user = fc.constantFrom(...Object.keys(USERS));

  // Found by this file: the router's own errors bypassed the error handler (fastify's body, no catalog code).
  it.each([
    ["/v1/documents/%", 400, "INPUT_INVALID"],
    ["/v1/documents/%zz", 400, "INPUT_INVALID"],
    [`/v1/documents/${"a".repeat(5000)}`, 404, "NOT_FOUND"],
  ])("router errors on %s use the catalog (%i %s)", async (url, status, code) => {
    const r = await send({ method: "GET", url, headers: { ...bearer("root"), "x-request-id": "fuzz-1" } });
    expect(r.statusCode).toBe(status);
    expect(r.json<{ error: { code: string } }>().error.code).toBe(code);
    expect(r.headers["x-request-id"]).toBe("fuzz-1");
  });

  it("raw bodies × content types × accept on every body route", async () => {
    await assertRuns(
      fc.asyncProperty(
        fc.constantFrom(...BODY_ROUTES),
        user,
        rawBody,
        contentType,
        accept,
        async (url, who, payload, type, acc) => {
          const headers: Record<string, string> = { ...bearer(who) };
          if (type !== undefined) headers["content-type"] = type;
          if (acc !== undefined) headers.accept = acc;
          await send({ method: "POST", url, headers, payload });
        },
      ),
      params(250),
    );
    await expectHealthy();
  });

  it("wrong types, extra keys and edge-case text in each body's fields", async () => {
    await assertRuns(
      fc.asyncProperty(
        fc.oneof(
          askBody.map((b) => ["/v1/ask", b] as const),
          searchBody.map((b) => ["/v1/search", b] as const),
          feedbackBody.map((b) => ["/v1/feedback", b] as const),
        ),
        user,
        fc.boolean(),
        async ([url, body], who, json) => {
          await send({
            method: "POST",
            url,
            headers: {
              ...bearer(who),
              "content-type": "application/json",
              ...(json ? { accept: "application/json" } : {}),
            },
            payload: JSON.stringify(body),
          });
        },
      ),
      params(250),
    );
    await expectHealthy();
  });

  it("valid-shaped questions and queries with unicode edge cases reach retrieval and answering", async () => {
    await assertRuns(
      fc.asyncProperty(
        fc.constantFrom("ask-json", "ask-sse", "search", "feedback"),
        user,
        fc
          .tuple(
            nastyString,
            fc.constantFrom("", "vacation", "staging database password", "break-glass token"),
          )
          .map(([a, b]) => (a.trim() === "" ? `${a}${b}x` : `${a} ${b}`)),
        fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
        fc.option(fc.constantFrom("hybrid", "dense", "lexical"), { nil: undefined }),
        async (kind, who, text, k, mode) => {
          const headers = { ...bearer(who), "content-type": "application/json" };
          if (kind === "search") {
            const r = await send({
              method: "POST",
              url: "/v1/search",
              headers,
              payload: JSON.stringify({ query: text, ...(k ? { k } : {}), ...(mode ? { mode } : {}) }),
            });
            expect(r.statusCode, r.body).toBe(200);
          } else if (kind === "feedback") {
            const r = await send({
              method: "POST",
              url: "/v1/feedback",
              headers,
              payload: JSON.stringify({ traceId: "a".repeat(32), rating: "down", comment: text }),
            });
            expect(r.statusCode, r.body).toBe(201);
          } else {
            const r = await send({
              method: "POST",
              url: "/v1/ask",
              headers: kind === "ask-json" ? { ...headers, accept: "application/json" } : headers,
              payload: JSON.stringify({ question: text }),
            });
            expect(r.statusCode, r.body).toBe(200);
            if (kind === "ask-sse") expect(parseSse(r.body).at(-1)?.event, r.body).toBe("answer");
          }
        },
      ),
      params(200),
    );
    await expectHealthy();
  });

  it("odd methods on every route and on unknown paths", async () => {
    const paths = fc.oneof(
      fc.constantFrom(
        "/v1/ask",
        "/v1/search",
        "/v1/feedback",
        "/v1/projects",
        "/v1/documents/x",
        "/v1/conversations/x",
        "/v1/conversations/c_AAAAAAAAAAAAAAAAAAAAAA",
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/",
        "/v1",
        "/v1/",
        "/v2/ask",
        "//v1//ask",
        "/v1/ask/",
        "/V1/ASK",
        "/v1/ask?x=1",
        "/v1/ask#frag",
        "/v1/./ask",
        "/v1/../v1/ask",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/v1/%00",
        "/v1/ask%",
        "/*",
      ),
      fc.webPath().map((p) => (p.startsWith("/") ? p : `/${p}`)),
    );
    await assertRuns(
      fc.asyncProperty(
        fc.constantFrom(
          "GET",
          "POST",
          "PUT",
          "DELETE",
          "PATCH",
          "OPTIONS",
          "HEAD",
          "TRACE",
          "SEARCH",
          "PROPFIND",
        ),
        paths,
        fc.boolean(),
        fc.option(rawBody, { nil: undefined }),
        async (method, url, authed, payload) => {
          const headers: Record<string, string> = authed ? { ...bearer("root") } : {};
          if (payload !== undefined) headers["content-type"] = "application/json";
          await send({
            method: method as InjectOptions["method"],
            url,
            headers,
            ...(payload === undefined || method === "GET" || method === "HEAD" ? {} : { payload }),
          });
        },
      ),
      params(200),
    );
    await expectHealthy();
  });

  it("hostile document ids: missing, malformed, encoded, over-long, injected", async () => {
    const rawSegment = fc.oneof(
      fc.constantFrom(
        "%",
        "%zz",
        "%00",
        "%2F",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..",
        ".",
        "%C0%AE%C0%AE",
        "%ED%A0%80",
        "%FF%FE",
        "'%20OR%20'1'='1",
        "x'%20OR%20true%20--",
        "a".repeat(128),
        "a".repeat(129),
        "a".repeat(5000),
        "%F0%9F%98%80",
        "?",
        "#",
        ";",
      ),
      anyText.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "?"))),
      fc.constantFrom(...(docIds.length > 0 ? docIds : ["none"])).map((id) => `${id}${"x"}`),
      fc.string({ unit: "grapheme-ascii", maxLength: 40 }),
    );
    await assertRuns(
      fc.asyncProperty(
        rawSegment,
        user,
        fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        async (seg, who, qs) => {
          await send({
            method: "GET",
            url: `/v1/documents/${seg}${qs === undefined ? "" : `?${encodeURIComponent(qs)}`}`,
            headers: bearer(who),
          });
        },
      ),
      params(200),
    );
    // Real ids still resolve, and a document outside the caller's groups stays 404.
    const eng = corpus.docs.get("eng/deploy.md")?.docId ?? "";
    expect(
      (await send({ method: "GET", url: `/v1/documents/${eng}`, headers: bearer("alice") })).statusCode,
    ).toBe(200);
    expect(
      (await send({ method: "GET", url: `/v1/documents/${eng}`, headers: bearer("dan") })).statusCode,
    ).toBe(404);
    await expectHealthy();
  });

  it("conversation ids: issued, someone else's, forged and malformed, on /v1/ask and /v1/conversations/:id", async () => {
    // Real conversations of principals with different groups, so continuing one is sometimes allowed, sometimes 404.
    const issued: string[] = [];
    for (const who of ["dan", "alice", "bob", "root"]) {
      const r = await send({
        method: "POST",
        url: "/v1/ask",
        headers: { ...bearer(who), accept: "application/json" },
        payload: { question: "How many vacation days?" },
      });
      issued.push(r.json<{ conversationId: string }>().conversationId);
    }
    const id = fc.oneof(fc.constantFrom(...issued), conversationIdLike);
    await assertRuns(
      fc.asyncProperty(
        fc.constantFrom("ask-json", "ask-sse", "get"),
        user,
        id,
        fc.constantFrom("vacation?", "And how do I book it?", "What about the staging database password?"),
        async (kind, who, cid, question) => {
          if (kind === "get") {
            const seg = encodeURIComponent(cid.replace(/[\ud800-\udfff]/g, "?"));
            const r = await send({ method: "GET", url: `/v1/conversations/${seg}`, headers: bearer(who) });
            expect([200, 400, 404], r.body).toContain(r.statusCode);
            return;
          }
          const r = await send({
            method: "POST",
            url: "/v1/ask",
            headers: { ...bearer(who), ...(kind === "ask-json" ? { accept: "application/json" } : {}) },
            payload: { question, conversationId: cid },
          });
          // 409: a conversation the property itself filled to its cap; 413: an id over the body limit.
          expect([200, 400, 404, 409, 413], r.body).toContain(r.statusCode);
          if (r.statusCode === 200 && kind === "ask-json")
            expect(r.json<{ conversationId: string }>().conversationId).toBe(cid);
        },
      ),
      params(150),
    );
    // A fresh conversation of bob's: bob reads it, someone outside its audience still cannot (the property may
    // have widened the audience of the ones above, by design).
    const fresh = await send({
      method: "POST",
      url: "/v1/ask",
      headers: { ...bearer("bob"), accept: "application/json" },
      payload: { question: "Where does the break-glass token live?" },
    });
    const bobs = fresh.json<{ conversationId: string }>().conversationId;
    const read = (who: string) =>
      send({ method: "GET", url: `/v1/conversations/${bobs}`, headers: bearer(who) }).then(
        (r) => r.statusCode,
      );
    expect(await read("bob")).toBe(200);
    expect(await read("dan")).toBe(404);
    await expectHealthy();
  });

  it("hostile query strings on /v1/projects and the probes", async () => {
    const key = fc.oneof(
      fc.constantFrom(
        "q",
        "q[]",
        "q[0]",
        "__proto__",
        "constructor",
        "__proto__[q]",
        "constructor[prototype][x]",
        "",
        "Q",
      ),
      fc.string({ unit: "grapheme-ascii", maxLength: 10 }),
    );
    const value = fc.oneof(
      anyText.map((s) => s.slice(0, 400)),
      fc.constant(""),
      fc.constant("billing"),
    );
    const enc = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "\ufffd"));
    const query = fc.oneof(
      fc
        .array(fc.tuple(key, value), { maxLength: 4 })
        .map((kv) => kv.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&")),
      fc.constantFrom(
        "q",
        "q=",
        "&&&",
        "q=%",
        "q=%zz",
        "q=%ED%A0%80",
        "q=a&q=b",
        `q=${"x".repeat(201)}`,
        `q=${"x".repeat(20_000)}`,
        "=",
        "q==",
        "q=a=b",
      ),
      fc.string({ unit: "grapheme-ascii", maxLength: 40 }).map((s) => s.replace(/#/g, "")),
    );
    await assertRuns(
      fc.asyncProperty(
        fc.constantFrom(
          "/v1/projects",
          "/v1/projects",
          "/v1/projects",
          "/healthz",
          "/readyz",
          "/openapi.json",
          "/metrics",
        ),
        query,
        user,
        async (route, qs, who) => {
          await send({ method: "GET", url: `${route}?${qs}`, headers: bearer(who) });
        },
      ),
      params(150),
    );
    const ok = await send({ method: "GET", url: "/v1/projects?q=", headers: bearer("root") });
    expect(ok.statusCode).toBe(200);
    await expectHealthy();
  });

  it("hostile credentials, request ids and headers", async () => {
    const authHeader = fc.oneof(
      fc.constantFrom(
        "",
        "Bearer",
        "Bearer ",
        "Bearer  token-root",
        "bearer token-root",
        "BEARER token-root",
        "Bearer token-root ",
        "Bearer token-root\t",
        "Basic dG9rZW4tcm9vdA==",
        "Bearer a.b.c",
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJyb290In0.",
        "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.e30.AAAA",
        `Bearer ${"x".repeat(8000)}`,
        "Token token-root",
      ),
      fc.string({ unit: "grapheme-ascii", maxLength: 60 }).map((s) => `Bearer ${s}`),
      fc.string({ unit: "grapheme-ascii", maxLength: 60 }),
    );
    const requestId = fc.oneof(
      fc.constant(undefined),
      fc.string({ unit: "grapheme-ascii", maxLength: 200 }),
      fc.constantFrom("a".repeat(129), "../../x", "id with spaces", "{}"),
    );
    await assertRuns(
      fc.asyncProperty(
        fc.constantFrom("ask", "search", "feedback", "documents", "projects"),
        authHeader,
        requestId,
        async (route, auth, rid) => {
          const headers: Record<string, string> = { authorization: auth };
          if (rid !== undefined) headers["x-request-id"] = rid;
          const opts: InjectOptions =
            route === "documents"
              ? { method: "GET", url: `/v1/documents/${docIds[0] ?? "x"}`, headers }
              : route === "projects"
                ? { method: "GET", url: "/v1/projects", headers }
                : {
                    method: "POST",
                    url: `/v1/${route}`,
                    headers: { ...headers, accept: "application/json" },
                    payload:
                      route === "feedback"
                        ? { traceId: "b".repeat(32), rating: "up" }
                        : route === "ask"
                          ? { question: "vacation" }
                          : { query: "vacation" },
                  };
          const r = await send(opts);
          // Only a known token authenticates.
          expect([200, 201, 401], auth).toContain(r.statusCode);
          if (r.statusCode !== 401) expect(auth).toContain("token-root");
          const id = String(r.headers["x-request-id"] ?? "");
          expect(id).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
        },
      ),
      params(150),
    );
    await expectHealthy();
  });
});

/** Write raw bytes to the server, half-close, and collect what comes back (until it closes or `ms` pass). */
function rawExchange(port: number, bytes: Buffer, ms = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("latin1"));
    };
    const timer = setTimeout(done, ms);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", done);
    socket.on("close", done);
    socket.end(bytes);
  });
}

// Below app.inject(): bytes on a real socket reach Node's HTTP parser first. Malformed HTTP is refused there (400,
// 431 for oversized headers, fastify's plain body, not the catalog's); well-formed requests reach the app. Either
// way: no 5xx, and the server keeps serving.
describe("API fuzz on a real socket (raw HTTP)", () => {
  let corpus: TestCorpus;
  let server: RunningServer;
  let closeRuntime: () => Promise<void>;
  beforeAll(async () => {
    corpus = await indexCorpus();
    const { config, deps } = await testParts(corpus);
    server = await startServer(config, deps, { host: "127.0.0.1", port: 0 });
    closeRuntime = () => deps.runtime.close();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await closeRuntime?.();
    corpus?.cleanup();
  });

  const portOf = () => Number(new URL(server.url).port);

  it("malformed request lines, headers, lengths and chunked bodies", async () => {
    let answered = 0;
    let runs = 0;
    const eol = fc.constantFrom("\r\n", "\n");
    const requestLine = fc.oneof(
      fc
        .tuple(
          fc.constantFrom("GET", "POST", "PUT", "HEAD", "OPTIONS", "get", "P\u00d6ST", "", "CONNECT"),
          fc.constantFrom(
            "/v1/ask",
            "/v1/search",
            "/v1/documents/%",
            "/healthz",
            "*",
            "",
            "/v1/ask?q=\u00ff",
            "http://x/v1/ask",
            "/%00",
          ),
          fc.constantFrom(
            "HTTP/1.1",
            "HTTP/1.0",
            "HTTP/2.0",
            "HTTP/9.9",
            "HTTP/1.1 extra",
            "",
            "HTTP/1.1\u0000",
          ),
        )
        .map(([m, p, v]) => `${m} ${p} ${v}`),
      fc.string({ unit: "grapheme-ascii", maxLength: 40 }),
    );
    const header = fc.oneof(
      fc.constantFrom(
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        "Content-Type: text/plain",
        "Authorization: Bearer token-root",
        "Authorization: Bearer token-root\u00ff",
        "Accept: application/json",
        "Content-Length: 0",
        "Content-Length: 5",
        "Content-Length: 999999",
        "Content-Length: -1",
        "Content-Length: abc",
        "Content-Length: 1, 2",
        "Transfer-Encoding: chunked",
        "Transfer-Encoding: gzip, chunked",
        "Transfer-Encoding: identity",
        "Expect: 100-continue",
        "Connection: keep-alive, Upgrade",
        "Upgrade: websocket",
        " folded: continuation",
        "Bad Header: x",
        ": empty-name",
        "X-Request-Id: \u0000",
        `X-Big: ${"x".repeat(20_000)}`,
      ),
      fc
        .tuple(
          fc.string({ unit: "grapheme-ascii", maxLength: 12 }),
          fc.string({ unit: codeUnit, maxLength: 20 }),
        )
        .map(([k, v]) => `${k}: ${v}`),
    );
    const body = fc.oneof(
      rawBody.map((b) => (typeof b === "string" ? b : b.toString("latin1"))),
      fc.constantFrom(
        "5\r\nhello\r\n0\r\n\r\n",
        "zz\r\nhello\r\n",
        "ffffffffffffffff\r\nx",
        '0\r\n\r\n{"question":"x"}',
      ),
    );
    await assertRuns(
      fc.asyncProperty(
        fc.oneof(
          { weight: 5, arbitrary: fc.tuple(requestLine, fc.array(header, { maxLength: 6 }), body, eol) },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) },
        ),
        async (input) => {
          runs++;
          const bytes = Buffer.isBuffer(input)
            ? input
            : Buffer.from(
                `${input[0]}${input[3]}${input[1].join(input[3])}${input[3]}${input[3]}${input[2]}`,
                "latin1",
              );
          const reply = await rawExchange(portOf(), bytes);
          if (/^HTTP\/1\.[01] \d{3}/.test(reply)) answered++;
          // Every status line in the reply (a keep-alive connection may carry several responses) is below 500.
          for (const m of reply.matchAll(/HTTP\/1\.[01] (\d{3})/g)) {
            expect(
              Number(m[1]),
              `${reply.slice(0, 300)} ← ${JSON.stringify(bytes.toString("latin1").slice(0, 300))}`,
            ).toBeLessThan(500);
          }
        },
      ),
      params(120),
    );
    // Most inputs get an HTTP answer (the rest: the connection closed without one, which is also fine).
    expect(answered, `${answered} of ${runs}`).toBeGreaterThan(runs / 2);
    const h = await fetch(`${server.url}/healthz`);
    expect(h.status).toBe(200);
    const r = await fetch(`${server.url}/v1/search`, {
      method: "POST",
      headers: { ...bearer("root"), "content-type": "application/json" },
      body: JSON.stringify({ query: "vacation" }),
    });
    expect(r.status).toBe(200);
  });
});
