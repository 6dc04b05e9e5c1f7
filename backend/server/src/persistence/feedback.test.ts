// Feedback in PostgreSQL (ISA_DATABASE_URL): POST /v1/feedback writes a row per rating with the rater's id (never a
// token), two app instances (replicas) write to the same table, retention deletes old ratings, and a database that
// goes away answers 503 DATABASE_UNAVAILABLE rather than dropping the rating silently. Without a database the
// ratings go to feedback.jsonl in the data dir, as before.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp, TestCorpus } from "../testkit/harness.js";
import { bearer, indexCorpus, openTestApp } from "../testkit/harness.js";
import type { TestPostgres } from "../testkit/postgres.js";
import { startTestPostgres } from "../testkit/postgres.js";
import { openDatabase } from "./database.js";
import { deleteExpiredFeedback } from "./feedback.js";
import { closeSharedDatabases } from "./index.js";

const TRACE = "ab".repeat(16);

async function rate(app: TestApp, user: string, rating: "up" | "down", comment?: string) {
  return app.app.inject({
    method: "POST",
    url: "/v1/feedback",
    headers: { ...bearer(user), "content-type": "application/json" },
    payload: { traceId: TRACE, rating, ...(comment ? { comment } : {}) },
  });
}

describe("feedback store", () => {
  let db: TestPostgres;
  let corpus: TestCorpus;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    db = await startTestPostgres();
    corpus = await indexCorpus();
  }, 180_000);
  afterAll(async () => {
    for (const a of apps) await a.close();
    await closeSharedDatabases();
    await db?.destroy();
    corpus?.cleanup();
  });

  it("without a database: one JSON line per rating in the data dir", async () => {
    const app = await openTestApp(corpus);
    apps.push(app);
    expect((await rate(app, "alice", "up", "clear")).statusCode).toBe(201);
    const file = path.join(app.config.dataDir, "feedback.jsonl");
    expect(existsSync(file)).toBe(true);
    const line = JSON.parse(readFileSync(file, "utf8").trim().split("\n").pop() ?? "{}");
    expect(line).toMatchObject({ traceId: TRACE, rating: "up", comment: "clear", principal: "alice" });
  });

  it("with ISA_DATABASE_URL: rows shared by replicas, retention deletes old ones, an outage is a 503", async () => {
    const env = { ISA_DATABASE_URL: db.url };
    const lines = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").length : 0);
    const a = await openTestApp(corpus, { env });
    const jsonl = path.join(a.config.dataDir, "feedback.jsonl");
    const linesBefore = lines(jsonl);
    const b = await openTestApp(corpus, { env });
    apps.push(a, b);
    expect((await rate(a, "alice", "up")).statusCode).toBe(201);
    expect((await rate(b, "bob", "down", "wrong runbook")).statusCode).toBe(201);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = (
        await client.query("SELECT trace_id, rating, comment, principal FROM isa_feedback ORDER BY id")
      ).rows;
      expect(rows).toEqual([
        { trace_id: TRACE, rating: "up", comment: null, principal: "alice" },
        { trace_id: TRACE, rating: "down", comment: "wrong runbook", principal: "bob" },
      ]);
      // Nothing more in the file when the database holds them.
      expect(lines(jsonl)).toBe(linesBefore);

      // Retention: a rating older than the cutoff goes, a newer one stays.
      await client.query("UPDATE isa_feedback SET ts = now() - interval '40 days' WHERE principal = 'alice'");
      const store = openDatabase(db.url);
      try {
        expect(await deleteExpiredFeedback(store, new Date(Date.now() - 30 * 86_400_000))).toBe(1);
      } finally {
        await store.close();
      }
      const left = (await client.query("SELECT principal FROM isa_feedback")).rows.map((r) => r.principal);
      expect(left).toEqual(["bob"]);
    } finally {
      await client.end();
    }

    // A clean stop (the test cluster commits asynchronously, so an immediate stop could lose the last writes).
    await db.stop();
    try {
      const down = await rate(a, "alice", "up");
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ error: { code: "DATABASE_UNAVAILABLE" } });
    } finally {
      await db.start();
    }
    // Back: the pool reconnects (a connection the crash killed may fail once first).
    let back = 0;
    for (let i = 0; i < 50 && back !== 201; i++) {
      const r = await rate(a, "carol", "up");
      back = r.statusCode;
      if (back !== 201) await new Promise((r) => setTimeout(r, 200));
    }
    expect(back).toBe(201);
  }, 120_000);
});
