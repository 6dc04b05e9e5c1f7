// Ratings of answers (POST /v1/feedback). With ISA_DATABASE_URL they are rows of isa_feedback, shared by every
// replica and deleted after ISA_RETENTION_DAYS like conversations; without it they are JSON lines in
// <dataDir>/feedback.jsonl (one process, appends chained so concurrent requests never interleave within a line).
import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import type { Database } from "./database.js";
import { databaseUnavailable } from "./database.js";
import type { RetentionSweeper } from "./retention.js";
import { startRetentionSweeper } from "./retention.js";

export interface FeedbackRecord {
  readonly ts: string;
  readonly traceId: string;
  readonly rating: "up" | "down";
  readonly comment?: string;
  readonly principal: string;
  readonly requestId: string;
}

export interface FeedbackStore {
  record(r: FeedbackRecord): Promise<void>;
  close(): Promise<void>;
}

export function createFileFeedbackStore(file: string): FeedbackStore {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    record(r) {
      const next = chain.then(async () => {
        await mkdir(path.dirname(file), { recursive: true });
        await appendFile(file, `${JSON.stringify(r)}\n`, "utf8");
      });
      chain = next.catch(() => {});
      return next;
    },
    close: async () => {
      await chain;
    },
  };
}

/** One statement: ratings older than the cutoff. */
export async function deleteExpiredFeedback(db: Database, cutoff: Date): Promise<number> {
  const r = await db.query("DELETE FROM isa_feedback WHERE ts < $1", [cutoff]);
  return r.rowCount ?? 0;
}

export function createPgFeedbackStore(
  db: Database,
  opts: { readonly retentionDays: number; readonly logger?: Logger } = { retentionDays: 0 },
): FeedbackStore {
  const sweeper: RetentionSweeper | undefined =
    opts.retentionDays > 0
      ? startRetentionSweeper("feedback", (cutoff) => deleteExpiredFeedback(db, cutoff), {
          days: opts.retentionDays,
          ...(opts.logger ? { logger: opts.logger } : {}),
        })
      : undefined;
  return {
    async record(r) {
      try {
        await db.query(
          "INSERT INTO isa_feedback (ts, trace_id, rating, comment, principal, request_id) VALUES ($1, $2, $3, $4, $5, $6)",
          [r.ts, r.traceId, r.rating, r.comment ?? null, r.principal, r.requestId],
        );
      } catch (err) {
        throw databaseUnavailable(err);
      }
    },
    close: async () => {
      sweeper?.stop();
    },
  };
}
