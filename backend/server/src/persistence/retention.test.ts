// ISA_RETENTION_DAYS and the in-memory task cap. Every store's clock is injected: "35 days later" is a number
// moved by the test, never a sleep. PostgreSQL runs for real (a throwaway cluster started here).
import { loadConfig } from "@isa/core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { TestPostgres } from "../testkit/postgres.js";
import { startTestPostgres } from "../testkit/postgres.js";
import { createMemoryConversationStore, newConversationId } from "./conversations.js";
import type { Database } from "./database.js";
import { openDatabase } from "./database.js";
import { createMemoryTaskStore } from "./memoryTaskStore.js";
import { createPgConversationStore } from "./pgConversations.js";
import { createPgTaskStore } from "./pgTaskStore.js";
import {
  DAY_MS,
  deleteExpiredConversations,
  deleteExpiredTasks,
  RETENTION_SWEEP_INTERVAL_MS,
  startRetentionSweeper,
} from "./retention.js";
import { ctx, task, turn } from "./testkit/index.js";

const T0 = Date.UTC(2026, 0, 1);

/** A clock the test moves: `at(20)` = T0 + 20 days. */
function clock() {
  let t = T0;
  return {
    now: () => new Date(t),
    at: (days: number) => {
      t = T0 + days * DAY_MS;
    },
  };
}

const tenant = () => `t-${Math.random().toString(36).slice(2)}`;

describe("config", () => {
  it("ISA_RETENTION_DAYS defaults to 30; 0 keeps forever; negative is refused", () => {
    expect(loadConfig({}).ops).toEqual({ retentionDays: 30, metricsToken: undefined });
    expect(loadConfig({ ISA_RETENTION_DAYS: "0" }).ops.retentionDays).toBe(0);
    expect(() => loadConfig({ ISA_RETENTION_DAYS: "-1" })).toThrow(/ISA_RETENTION_DAYS/);
  });
});

describe("sweeper timer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sweeps at start, then every interval, and not after stop", async () => {
    vi.useFakeTimers();
    const cutoffs: Date[] = [];
    const c = clock();
    c.at(100);
    const s = startRetentionSweeper(
      "things",
      async (cutoff) => {
        cutoffs.push(cutoff);
        return 0;
      },
      { days: 30, now: c.now },
    );
    expect(cutoffs).toEqual([new Date(T0 + 70 * DAY_MS)]);
    await vi.advanceTimersByTimeAsync(3 * RETENTION_SWEEP_INTERVAL_MS);
    expect(cutoffs).toHaveLength(4);
    s.stop();
    await vi.advanceTimersByTimeAsync(3 * RETENTION_SWEEP_INTERVAL_MS);
    expect(cutoffs).toHaveLength(4);
  });

  it("0 days: no timer, no sweep; a failing sweep is logged, never thrown", async () => {
    vi.useFakeTimers();
    let calls = 0;
    const off = startRetentionSweeper("things", async () => ++calls, { days: 0 });
    await vi.advanceTimersByTimeAsync(2 * RETENTION_SWEEP_INTERVAL_MS);
    expect(calls).toBe(0);
    expect(await off.sweep()).toBe(0);
    const errors: unknown[] = [];
    const failing = startRetentionSweeper(
      "things",
      async () => {
        throw new Error("database down");
      },
      { days: 1, logger: { info: () => {}, error: (obj) => errors.push(obj) } },
    );
    await vi.advanceTimersByTimeAsync(RETENTION_SWEEP_INTERVAL_MS);
    expect(errors).toHaveLength(2);
    failing.stop();
  });
});

describe("memory conversation store: retention", () => {
  it("drops conversations not updated for retentionDays; a continued one lives on", async () => {
    const c = clock();
    const s = createMemoryConversationStore({ retentionDays: 30, now: c.now });
    const [old, continued, fresh] = [newConversationId(), newConversationId(), newConversationId()];
    const g = ["public"];
    await s.append({ id: old, turn: turn(), groups: g, create: true, maxTurns: 50 });
    await s.append({ id: continued, turn: turn(), groups: g, create: true, maxTurns: 50 });
    c.at(20);
    await s.append({ id: continued, turn: turn(), groups: g, create: false, maxTurns: 50 });
    await s.append({ id: fresh, turn: turn(), groups: g, create: true, maxTurns: 50 });
    c.at(29);
    expect(await s.get(old)).toBeDefined();
    c.at(35);
    expect(await s.get(old)).toBeUndefined();
    // Expired reads like unknown: continuing it is not-found.
    expect(await s.append({ id: old, turn: turn(), groups: g, create: false, maxTurns: 50 })).toEqual({
      ok: false,
      reason: "not-found",
    });
    expect((await s.get(continued))?.turns).toHaveLength(2);
    expect(await s.get(fresh)).toBeDefined();
    c.at(51);
    expect(await s.get(continued)).toBeUndefined();
  });

  it("retentionDays 0 keeps everything", async () => {
    const c = clock();
    const s = createMemoryConversationStore({ retentionDays: 0, now: c.now });
    const id = newConversationId();
    await s.append({ id, turn: turn(), groups: ["public"], create: true, maxTurns: 50 });
    c.at(10_000);
    expect(await s.get(id)).toBeDefined();
  });
});

describe("memory task store: cap and retention", () => {
  it("past maxTasks drops the least recently saved terminal task first, then the oldest of any", async () => {
    const s = createMemoryTaskStore({ maxTasks: 3 });
    const c = ctx("alice", tenant());
    const w1 = task({ state: "TASK_STATE_WORKING" });
    const t1 = task();
    const t2 = task({ state: "TASK_STATE_FAILED" });
    const t3 = task({ state: "TASK_STATE_CANCELED" });
    for (const t of [w1, t1, t2, t3]) await s.save(t, c);
    // w1 is the oldest but still running: t1 went instead.
    expect(await s.load(t1.id, c)).toBeUndefined();
    for (const t of [w1, t2, t3]) expect(await s.load(t.id, c), t.id).toBeDefined();
    // Saving t2 again makes t3 the least recently saved terminal task.
    await s.save(t2, c);
    const t4 = task();
    await s.save(t4, c);
    expect(await s.load(t3.id, c)).toBeUndefined();
    // Only running tasks: the least recently saved goes.
    const only = createMemoryTaskStore({ maxTasks: 2 });
    const ws = [1, 2, 3].map(() => task({ state: "TASK_STATE_WORKING" }));
    for (const t of ws) await only.save(t, c);
    expect(await only.load(ws[0]?.id ?? "", c)).toBeUndefined();
    expect(await only.load(ws[2]?.id ?? "", c)).toBeDefined();
  });

  it("the cap counts every owner's tasks (memory is shared), each still scoped", async () => {
    const s = createMemoryTaskStore({ maxTasks: 2 });
    const tn = tenant();
    const a = task();
    const b = task();
    const m = task();
    await s.save(a, ctx("alice", tn));
    await s.save(b, ctx("bob", tn));
    await s.save(m, ctx("mallory", tn));
    expect(await s.load(a.id, ctx("alice", tn))).toBeUndefined();
    expect(await s.load(b.id, ctx("bob", tn))).toBeDefined();
    expect(await s.load(b.id, ctx("mallory", tn))).toBeUndefined();
  });

  it("drops terminal tasks not saved for retentionDays; running ones stay", async () => {
    const c = clock();
    const s = createMemoryTaskStore({ retentionDays: 30, now: c.now });
    const cx = ctx("alice", tenant());
    const done = task();
    const running = task({ state: "TASK_STATE_WORKING" });
    const resaved = task({ state: "TASK_STATE_REJECTED" });
    for (const t of [done, running, resaved]) await s.save(t, cx);
    c.at(20);
    await s.save(resaved, cx);
    const later = task();
    await s.save(later, cx);
    c.at(35);
    expect(await s.load(done.id, cx)).toBeUndefined();
    for (const t of [running, resaved, later]) expect(await s.load(t.id, cx), t.id).toBeDefined();
    const listed = await s.list(
      { tenant: "", contextId: "", status: 0, pageToken: "", statusTimestampAfter: undefined },
      cx,
    );
    expect(listed.tasks.map((t) => t.id).sort()).toEqual([running.id, resaved.id, later.id].sort());
    expect(listed.totalSize).toBe(3);
  });
});

describe("PostgreSQL retention", () => {
  let pg: TestPostgres | undefined;
  let db: Database | undefined;
  const database = () => {
    if (!db) throw new Error("PostgreSQL did not start (see beforeAll)");
    return db;
  };
  beforeAll(async () => {
    pg = await startTestPostgres();
    db = openDatabase(pg.url);
    await database().ready();
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await pg?.destroy();
  });

  it("one DELETE removes conversations not updated for the period; continued and fresh ones stay", async () => {
    const c = clock();
    const s = createPgConversationStore(database(), { now: c.now });
    const [old, continued, fresh] = [newConversationId(), newConversationId(), newConversationId()];
    const g = ["public"];
    await s.append({ id: old, turn: turn(), groups: g, create: true, maxTurns: 50 });
    await s.append({ id: continued, turn: turn(), groups: g, create: true, maxTurns: 50 });
    c.at(20);
    await s.append({ id: continued, turn: turn(), groups: g, create: false, maxTurns: 50 });
    await s.append({ id: fresh, turn: turn(), groups: g, create: true, maxTurns: 50 });
    c.at(35);
    // days 0: nothing happens.
    const off = startRetentionSweeper("conversations", (cut) => deleteExpiredConversations(database(), cut), {
      days: 0,
      now: c.now,
    });
    expect(await off.sweep()).toBe(0);
    expect(await s.get(old)).toBeDefined();
    // The rows of this cluster are this file's alone: exactly `old` is older than T0 + 5 days.
    expect(await deleteExpiredConversations(database(), new Date(c.now().getTime() - 30 * DAY_MS))).toBe(1);
    expect(await s.get(old)).toBeUndefined();
    expect((await s.get(continued))?.turns).toHaveLength(2);
    expect(await s.get(fresh)).toBeDefined();
  });

  it("the store's own sweeper runs at start and stops on close", async () => {
    const c = clock();
    const writer = createPgConversationStore(database(), { now: c.now });
    const id = newConversationId();
    await writer.append({ id, turn: turn(), groups: ["public"], create: true, maxTurns: 50 });
    c.at(31);
    const s = createPgConversationStore(database(), { now: c.now, retention: { days: 30 } });
    await vi.waitFor(async () => expect(await s.get(id)).toBeUndefined());
    await s.close();
    // The database was not the store's to close.
    expect((await database().query("SELECT 1 AS one")).rows[0]?.one).toBe(1);
  });

  it("one DELETE removes terminal tasks of every agent not saved for the period; running ones stay", async () => {
    const c = clock();
    const docs = createPgTaskStore(database(), { agent: "docs", now: c.now });
    const dev = createPgTaskStore(database(), { agent: "dev", now: c.now });
    const cx = ctx("alice", tenant());
    const done = task();
    const failedDev = task({ state: "TASK_STATE_FAILED" });
    const running = task({ state: "TASK_STATE_WORKING" });
    const needsInput = task({ state: "TASK_STATE_INPUT_REQUIRED" });
    const resaved = task({ state: "TASK_STATE_CANCELED" });
    for (const t of [done, running, needsInput, resaved]) await docs.save(t, cx);
    await dev.save(failedDev, cx);
    c.at(20);
    await docs.save(resaved, cx);
    c.at(35);
    const deleted = await deleteExpiredTasks(database(), new Date(c.now().getTime() - 30 * DAY_MS));
    expect(deleted).toBe(2);
    expect(await docs.load(done.id, cx)).toBeUndefined();
    expect(await dev.load(failedDev.id, cx)).toBeUndefined();
    for (const t of [running, needsInput, resaved]) expect(await docs.load(t.id, cx), t.id).toBeDefined();
  });
});
