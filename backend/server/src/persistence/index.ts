// Persistent state of the servers: conversations (HTTP API) and A2A tasks, in memory by default or in PostgreSQL
// when ISA_DATABASE_URL is set, both expiring after ISA_RETENTION_DAYS. Vectors are not here: they live in the
// vector store.

import path from "node:path";
import type { OwnerResolver, TaskStore } from "@a2a-js/sdk/server";
import type { Config, ConversationStore, RateLimiter } from "@isa/core";
import { createMemoryRateLimiter } from "@isa/core";
import type { Logger } from "pino";
import { createMemoryConversationStore } from "./conversations.js";
import type { Database } from "./database.js";
import { openDatabase } from "./database.js";
import type { FeedbackStore } from "./feedback.js";
import { createFileFeedbackStore, createPgFeedbackStore } from "./feedback.js";
import { createMemoryTaskStore } from "./memoryTaskStore.js";
import { createPgConversationStore } from "./pgConversations.js";
import { createPgRateLimiter } from "./pgRateLimiter.js";
import { createPgTaskStore } from "./pgTaskStore.js";
import type { RetentionSweeper } from "./retention.js";
import { deleteExpiredTasks, startRetentionSweeper } from "./retention.js";

export type { MemoryConversationStoreOptions } from "./conversations.js";
export {
  createMemoryConversationStore,
  isConversationId,
  MAX_CONVERSATION_TURNS,
  MEMORY_CONVERSATIONS,
  MEMORY_CONVERSATIONS_MAX_BYTES,
  mayContinue,
  newConversationId,
  unionGroups,
} from "./conversations.js";
export type { Database, DatabaseOptions, Queryable } from "./database.js";
export { databaseUnavailable, jsonbText, MIGRATIONS, openDatabase } from "./database.js";
export type { FeedbackRecord, FeedbackStore } from "./feedback.js";
export {
  createFileFeedbackStore,
  createPgFeedbackStore,
  deleteExpiredFeedback,
} from "./feedback.js";
export type { MemoryGauge, MemoryTaskStoreOptions } from "./memoryTaskStore.js";
export { createMemoryTaskStore, jsonBytes, MEMORY_TASKS, MEMORY_TASKS_MAX_BYTES } from "./memoryTaskStore.js";
export type { PgConversationStoreOptions } from "./pgConversations.js";
export { createPgConversationStore } from "./pgConversations.js";
export type { PgRateLimiterOptions } from "./pgRateLimiter.js";
export { createPgRateLimiter } from "./pgRateLimiter.js";
export type { PgTaskStoreOptions } from "./pgTaskStore.js";
export { createPgTaskStore } from "./pgTaskStore.js";
export type { RetentionOptions, RetentionSweeper } from "./retention.js";
export {
  deleteExpiredConversations,
  deleteExpiredTasks,
  RETENTION_SWEEP_INTERVAL_MS,
  retentionCutoff,
  startRetentionSweeper,
  TERMINAL_TASK_STATES,
} from "./retention.js";

type DbConfig = Pick<Config, "databaseUrl" | "ops" | "memory">;

/**
 * The API's conversation store from config: PostgreSQL on its own pool (closed with the store), its schema
 * migrated now rather than at the first ask, or in memory.
 */
export function defaultConversationStore(config: DbConfig, logger?: Logger): ConversationStore {
  const retentionDays = config.ops.retentionDays;
  if (!config.databaseUrl) {
    return createMemoryConversationStore({
      retentionDays,
      ...(config.memory ? { maxBytes: config.memory.conversationsMaxBytes } : {}),
    });
  }
  const db = openDatabase(config.databaseUrl, logger ? { logger } : {});
  db.ready().catch((err: unknown) =>
    logger?.error({ err }, "database not ready at start; requests needing it fail until it is"),
  );
  return createPgConversationStore(db, {
    ownsDatabase: true,
    retention: { days: retentionDays, ...(logger ? { logger } : {}) },
  });
}

const shared = new Map<string, Database>();
/** The task-retention sweeper of each shared pool (one per database, whichever agents use it). */
const sweepers = new Map<string, RetentionSweeper>();

/**
 * One pool per URL for the A2A servers' task stores (three agents, one pool). It is never closed by a server (its
 * idle connections do not hold the process open); tests close it with closeSharedDatabases.
 */
export function sharedDatabase(url: string, logger?: Logger, retentionDays = 0): Database {
  let db = shared.get(url);
  if (!db) {
    const opened = openDatabase(url, logger ? { logger } : {});
    db = opened;
    db.ready().catch((err: unknown) =>
      logger?.error({ err }, "database not ready at start; requests needing it fail until it is"),
    );
    shared.set(url, db);
    if (retentionDays > 0) {
      sweepers.set(
        url,
        startRetentionSweeper("A2A tasks", (cutoff) => deleteExpiredTasks(opened, cutoff), {
          days: retentionDays,
          ...(logger ? { logger } : {}),
        }),
      );
    }
  }
  return db;
}

export async function closeSharedDatabases(): Promise<void> {
  for (const s of sweepers.values()) s.stop();
  sweepers.clear();
  const all = [...shared.values()];
  shared.clear();
  await Promise.allSettled(all.map((d) => d.close()));
}

/**
 * An A2A agent's task store from config: PostgreSQL (shared pool, its sweeper deleting expired terminal tasks)
 * with ISA_DATABASE_URL, else in memory (bounded to MEMORY_TASKS, same retention).
 */
export function defaultTaskStore(
  config: DbConfig,
  agent: string,
  opts: { readonly logger?: Logger; readonly ownerResolver?: OwnerResolver } = {},
): TaskStore {
  const retentionDays = config.ops.retentionDays;
  if (!config.databaseUrl) {
    return createMemoryTaskStore({
      retentionDays,
      ...(config.memory ? { maxBytes: config.memory.tasksMaxBytes } : {}),
      ...(opts.ownerResolver ? { ownerResolver: opts.ownerResolver } : {}),
    });
  }
  return createPgTaskStore(sharedDatabase(config.databaseUrl, opts.logger, retentionDays), {
    agent,
    ...(opts.ownerResolver ? { ownerResolver: opts.ownerResolver } : {}),
  });
}

/**
 * The per-person rate limit from config: ISA_RATE_LIMIT_PER_MIN units per principal per minute, in PostgreSQL
 * (one budget across replicas, on the shared pool) with ISA_DATABASE_URL, else per process.
 */
export function defaultRateLimiter(
  config: Pick<Config, "databaseUrl" | "ops" | "server">,
  logger?: Logger,
): RateLimiter {
  const limit = config.server.rateLimitPerMin;
  if (!config.databaseUrl) return createMemoryRateLimiter({ limit });
  return createPgRateLimiter(sharedDatabase(config.databaseUrl, logger, config.ops.retentionDays), {
    limit,
    ...(logger ? { logger } : {}),
  });
}

/** Ratings: PostgreSQL (the shared pool, same retention as conversations) with ISA_DATABASE_URL, else feedback.jsonl. */
export function defaultFeedbackStore(
  config: DbConfig & Pick<Config, "dataDir">,
  logger?: Logger,
): FeedbackStore {
  if (!config.databaseUrl) return createFileFeedbackStore(path.join(config.dataDir, "feedback.jsonl"));
  return createPgFeedbackStore(sharedDatabase(config.databaseUrl, logger, config.ops.retentionDays), {
    retentionDays: config.ops.retentionDays,
    ...(logger ? { logger } : {}),
  });
}
