// The conformance suites against the in-memory stores and against PostgreSQL (a throwaway cluster started here).
import { InMemoryTaskStore } from "@a2a-js/sdk/server";
import { afterAll, beforeAll } from "vitest";
import type { TestPostgres } from "../testkit/postgres.js";
import { startTestPostgres } from "../testkit/postgres.js";
import { createMemoryConversationStore } from "./conversations.js";
import type { Database } from "./database.js";
import { openDatabase } from "./database.js";
import { createPgConversationStore } from "./pgConversations.js";
import { createPgTaskStore } from "./pgTaskStore.js";
import { describeConversationStore, describeTaskStore } from "./testkit/index.js";

describeConversationStore("memory", { open: async () => createMemoryConversationStore() });
describeTaskStore("@a2a-js/sdk InMemoryTaskStore (reference)", { open: async () => new InMemoryTaskStore() });

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
