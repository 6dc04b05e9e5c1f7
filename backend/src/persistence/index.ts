// Persistent state of the servers: conversations (HTTP API) and A2A tasks, in memory by default or in PostgreSQL
// when ISA_DATABASE_URL is set. Vectors are not here: they live in the vector store.
import type { OwnerResolver, TaskStore } from "@a2a-js/sdk/server";
import { InMemoryTaskStore } from "@a2a-js/sdk/server";
import type { Config, ConversationStore } from "@isa/core";
import type { Logger } from "pino";
import { createMemoryConversationStore } from "./conversations.js";
import type { Database } from "./database.js";
import { openDatabase } from "./database.js";
import { createPgConversationStore } from "./pgConversations.js";
import { createPgTaskStore } from "./pgTaskStore.js";

export type { MemoryConversationStoreOptions } from "./conversations.js";
export {
  createMemoryConversationStore,
  isConversationId,
  MAX_CONVERSATION_TURNS,
  MEMORY_CONVERSATIONS,
  mayContinue,
  newConversationId,
  unionGroups,
} from "./conversations.js";
export type { Database, DatabaseOptions, Queryable } from "./database.js";
export { databaseUnavailable, jsonbText, MIGRATIONS, openDatabase } from "./database.js";
export type { PgConversationStoreOptions } from "./pgConversations.js";
export { createPgConversationStore } from "./pgConversations.js";
export type { PgTaskStoreOptions } from "./pgTaskStore.js";
export { createPgTaskStore } from "./pgTaskStore.js";

type DbConfig = Pick<Config, "databaseUrl">;

/**
 * The API's conversation store from config: PostgreSQL on its own pool (closed with the store), its schema
 * migrated now rather than at the first ask, or in memory.
 */
export function defaultConversationStore(config: DbConfig, logger?: Logger): ConversationStore {
  if (!config.databaseUrl) return createMemoryConversationStore();
  const db = openDatabase(config.databaseUrl, logger ? { logger } : {});
  db.ready().catch((err: unknown) =>
    logger?.error({ err }, "database not ready at start; requests needing it fail until it is"),
  );
  return createPgConversationStore(db, { ownsDatabase: true });
}

const shared = new Map<string, Database>();

/**
 * One pool per URL for the A2A servers' task stores (three agents, one pool). It is never closed by a server (its
 * idle connections do not hold the process open); tests close it with closeSharedDatabases.
 */
export function sharedDatabase(url: string, logger?: Logger): Database {
  let db = shared.get(url);
  if (!db) {
    db = openDatabase(url, logger ? { logger } : {});
    db.ready().catch((err: unknown) =>
      logger?.error({ err }, "database not ready at start; requests needing it fail until it is"),
    );
    shared.set(url, db);
  }
  return db;
}

export async function closeSharedDatabases(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.allSettled(all.map((d) => d.close()));
}

/** An A2A agent's task store from config: PostgreSQL (shared pool) with ISA_DATABASE_URL, else in memory. */
export function defaultTaskStore(
  config: DbConfig,
  agent: string,
  opts: { readonly logger?: Logger; readonly ownerResolver?: OwnerResolver } = {},
): TaskStore {
  if (!config.databaseUrl) return new InMemoryTaskStore(opts.ownerResolver);
  return createPgTaskStore(sharedDatabase(config.databaseUrl, opts.logger), {
    agent,
    ...(opts.ownerResolver ? { ownerResolver: opts.ownerResolver } : {}),
  });
}
