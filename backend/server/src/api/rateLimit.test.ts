// One budget per person across the API and A2A, lookups weighted by the searches they run, and the PostgreSQL
// limiter shared by replicas (two apps on one database), atomic under concurrency and per process when the database
// goes away — never a 503 for it.
import { createAuthenticator, hashToken, parseTokensFile } from "@isa/auth";
import type { ScoredChunk, VectorStore } from "@isa/core";
import { loadConfig } from "@isa/core";
import type { Runtime } from "@isa/engine";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../persistence/database.js";
import { createPgRateLimiter } from "../persistence/pgRateLimiter.js";
import { expectError } from "../testkit/assertions.js";
import type { TestPostgres } from "../testkit/postgres.js";
import { startTestPostgres } from "../testkit/postgres.js";
import { buildApp } from "./app.js";

const tokens = parseTokensFile(
  `- {token_sha256: ${hashToken("a")}, user: a}\n- {token_sha256: ${hashToken("b")}, user: b}`,
);

/** A runtime whose store answers every lexical search with nothing, counting them. */
function stubRuntime(limit: number): { runtime: Runtime; searches: () => number } {
  const config = loadConfig({ ISA_DATA_DIR: "/nonexistent", ISA_RATE_LIMIT_PER_MIN: String(limit) });
  let searches = 0;
  const store = {
    searchLexical: async (): Promise<ScoredChunk[]> => {
      searches++;
      return [];
    },
    getDocumentChunks: async () => [],
  } as unknown as VectorStore;
  const boom = () => Promise.reject(new Error("not in this test"));
  const runtime: Runtime = {
    config,
    embedder: boom,
    store: async () => store,
    retriever: boom,
    llm: boom,
    answerer: boom,
    close: async () => {},
  } as unknown as Runtime;
  return { runtime, searches: () => searches };
}

function app(limit: number, extra: Partial<Parameters<typeof buildApp>[1]> = {}) {
  const { runtime, searches } = stubRuntime(limit);
  const a = buildApp(runtime.config, {
    runtime,
    authenticator: createAuthenticator({ tokens }),
    logger: pino({ level: "silent" }),
    ...extra,
  });
  return { app: a, searches };
}

const apiCall = (a: FastifyInstance, user: string) =>
  a.inject({
    method: "GET",
    url: `/v1/documents/${"a".repeat(32)}`,
    headers: { authorization: `Bearer ${user}` },
  });
const a2aCall = (a: FastifyInstance, user: string) =>
  a.inject({
    method: "POST",
    url: "/agents/docs",
    headers: { authorization: `Bearer ${user}`, "content-type": "application/json", "a2a-version": "1.0" },
    payload: { jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "nope" } },
  });
const lookup = (a: FastifyInstance, user: string, terms: string[]) =>
  a.inject({
    method: "POST",
    url: "/v1/lookup",
    headers: { authorization: `Bearer ${user}` },
    payload: { terms },
  });
const terms = (n: number, prefix = "t") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("per-person rate limit", () => {
  it("API and A2A draw on one budget per principal; another principal keeps its own", async () => {
    const { app: a } = app(4);
    expect((await apiCall(a, "a")).statusCode).toBe(404);
    expect((await a2aCall(a, "a")).statusCode).toBe(200);
    expect((await apiCall(a, "a")).statusCode).toBe(404);
    expect((await a2aCall(a, "a")).statusCode).toBe(200);
    const a2aLimited = await a2aCall(a, "a");
    expectError(a2aLimited, "RATE_LIMITED");
    expect(Number(a2aLimited.headers["retry-after"])).toBeGreaterThan(0);
    expectError(await apiCall(a, "a"), "RATE_LIMITED");
    expect((await a2aCall(a, "b")).statusCode).toBe(200);
    await a.close();
  });

  it("a lookup of 50 terms costs 50 units (one per distinct term), and a refused one runs no search", async () => {
    const { app: a, searches } = app(60);
    const first = await lookup(a, "a", terms(50));
    expect(first.statusCode).toBe(200);
    expect(first.json().results).toHaveLength(50);
    expect(searches()).toBe(50);
    expect(first.headers["x-ratelimit-remaining"]).toBe("10");
    // 11 more would be 61: refused with Retry-After, and nothing searched (the request itself paid its 1 unit).
    const refused = await lookup(a, "a", terms(11, "u"));
    expectError(refused, "RATE_LIMITED");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused.json().error.details).toMatchObject({ cost: 10, limitPerMinute: 60 });
    expect(searches()).toBe(50);
    // Duplicates are one search and one unit: 2 copies of 9 terms fit the 9 units left.
    const dup = await lookup(a, "a", [...terms(9, "v"), ...terms(9, "v")]);
    expect(dup.statusCode).toBe(200);
    expect(dup.headers["x-ratelimit-remaining"]).toBe("0");
    expect(searches()).toBe(59);
    expectError(await apiCall(a, "a"), "RATE_LIMITED");
    // The other principal is untouched.
    expect((await lookup(a, "b", terms(50))).statusCode).toBe(200);
    await a.close();
  });
});

describe("PostgreSQL rate limiter (replicas share one budget)", () => {
  let pg: TestPostgres | undefined;
  beforeAll(async () => {
    pg = await startTestPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.destroy();
  });
  const url = () => {
    if (!pg) throw new Error("PostgreSQL did not start (see beforeAll)");
    return pg.url;
  };

  it("two apps on one database: API and A2A calls on either count against one budget", async () => {
    const db = openDatabase(url());
    const r1 = app(5, { rateLimiter: createPgRateLimiter(db, { limit: 5 }) });
    const r2 = app(5, { rateLimiter: createPgRateLimiter(db, { limit: 5 }) });
    expect((await apiCall(r1.app, "a")).statusCode).toBe(404);
    expect((await a2aCall(r2.app, "a")).statusCode).toBe(200);
    expect((await apiCall(r2.app, "a")).statusCode).toBe(404);
    expect((await lookup(r1.app, "a", ["x", "y"])).statusCode).toBe(200);
    expectError(await apiCall(r2.app, "a"), "RATE_LIMITED");
    expectError(await a2aCall(r1.app, "a"), "RATE_LIMITED");
    expect((await apiCall(r2.app, "b")).statusCode).toBe(404);
    await r1.app.close();
    await r2.app.close();
    await db.close();
  });

  it("concurrent takes never overspend; a database that goes away limits per process, without a 503", async () => {
    const db = openDatabase(url());
    const limiter = createPgRateLimiter(db, { limit: 10 });
    const all = await Promise.all(Array.from({ length: 30 }, () => limiter.take("principal:c", 1)));
    expect(all.filter((d) => d.allowed)).toHaveLength(10);
    await pg?.stop("immediate");
    try {
      const { app: a } = app(2, { rateLimiter: createPgRateLimiter(db, { limit: 2 }) });
      expect((await apiCall(a, "a")).statusCode).toBe(404);
      expect((await apiCall(a, "a")).statusCode).toBe(404);
      expectError(await apiCall(a, "a"), "RATE_LIMITED");
      await a.close();
    } finally {
      await pg?.start();
      await db.close();
    }
  });
});
