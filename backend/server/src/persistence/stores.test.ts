// The conformance suites against the in-memory stores (ours beside the SDK's reference InMemoryTaskStore) and
// against PostgreSQL (a throwaway cluster started here).
import { InMemoryTaskStore } from "@a2a-js/sdk/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestPostgres } from "../testkit/postgres.js";
import { startTestPostgres } from "../testkit/postgres.js";
import { createMemoryConversationStore, newConversationId } from "./conversations.js";
import type { Database } from "./database.js";
import { openDatabase } from "./database.js";
import { createMemoryTaskStore } from "./memoryTaskStore.js";
import { createPgConversationStore } from "./pgConversations.js";
import { createPgTaskStore } from "./pgTaskStore.js";
import { describeConversationStore, describeTaskStore, turn } from "./testkit/index.js";

describeConversationStore("memory", { open: async () => createMemoryConversationStore() });

describe("memory conversation store: bounded", () => {
  it("drops the least recently used conversation past maxConversations", async () => {
    const s = createMemoryConversationStore({ maxConversations: 3 });
    const ids = [newConversationId(), newConversationId(), newConversationId()];
    for (const id of ids)
      await s.append({ id, turn: turn(), groups: ["public"], create: true, maxTurns: 50 });
    // Reading the first makes the second the least recently used.
    expect(await s.get(ids[0] ?? "")).toBeDefined();
    const fourth = newConversationId();
    await s.append({ id: fourth, turn: turn(), groups: ["public"], create: true, maxTurns: 50 });
    expect(await s.get(ids[1] ?? "")).toBeUndefined();
    for (const id of [ids[0], ids[2], fourth]) expect(await s.get(id ?? ""), id).toBeDefined();
  });
});
describeTaskStore("@a2a-js/sdk InMemoryTaskStore (reference)", { open: async () => new InMemoryTaskStore() });
describeTaskStore("memory, bounded (the default)", { open: async () => createMemoryTaskStore() });
describeTaskStore("memory, bounded, with retention", {
  open: async () => createMemoryTaskStore({ maxTasks: 100, retentionDays: 30 }),
});

let pg: TestPostgres | undefined;
let db: Database | undefined;
const database = () => {
  if (!db) throw new Error("PostgreSQL did not start (see beforeAll)");
  return db;
};
beforeAll(async () => {
  pg = await startTestPostgres();
  db = openDatabase(pg.url);
  await db.ready();
});
afterAll(async () => {
  await db?.close();
  await pg?.destroy();
});

describeConversationStore("PostgreSQL", { open: async () => createPgConversationStore(database()) });
describeTaskStore("PostgreSQL", { open: async () => createPgTaskStore(database(), { agent: "docs" }) });
