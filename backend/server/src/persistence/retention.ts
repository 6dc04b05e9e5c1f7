// Retention (ISA_RETENTION_DAYS): conversations nobody added to, and finished A2A tasks nobody touched, for that
// many days are deleted. In PostgreSQL one DELETE per table, run at start and then hourly on an unref'd timer (a
// sweep never keeps a process alive) that the owner stops on close; every replica may sweep, the statements are
// idempotent. The in-memory stores apply the same rule themselves (conversations.ts, memoryTaskStore.ts).
import type { Database } from "./database.js";

export const DAY_MS = 86_400_000;
export const RETENTION_SWEEP_INTERVAL_MS = 3_600_000;

/**
 * A2A task states after which nothing more happens to a task (proto enum numbers: COMPLETED 3, FAILED 4,
 * CANCELED 5, REJECTED 7). Submitted, working, input- and auth-required tasks are never expired by age.
 */
export const TERMINAL_TASK_STATES: readonly number[] = [3, 4, 5, 7];

export interface RetentionOptions {
  /** Days kept after the last update; 0 = forever (no sweep). */
  readonly days: number;
  /** Clock (tests inject one; default `() => new Date()`). */
  readonly now?: () => Date;
  /** Between two sweeps (default one hour). */
  readonly intervalMs?: number;
  readonly logger?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface RetentionSweeper {
  /** One sweep now; resolves to the rows deleted (0 with retention off). */
  sweep(): Promise<number>;
  /** Stops the timer (a sweep already running finishes). */
  stop(): void;
}

/** The instant before which rows expire, or undefined when retention is off. */
export function retentionCutoff(days: number, now: Date): Date | undefined {
  return days > 0 ? new Date(now.getTime() - days * DAY_MS) : undefined;
}

/** One statement: conversations whose last turn is older than the cutoff. */
export async function deleteExpiredConversations(db: Database, cutoff: Date): Promise<number> {
  const r = await db.query("DELETE FROM isa_conversations WHERE updated_at < $1", [cutoff]);
  return r.rowCount ?? 0;
}

/** One statement: tasks in a terminal state last saved before the cutoff (every agent's). */
export async function deleteExpiredTasks(db: Database, cutoff: Date): Promise<number> {
  const r = await db.query("DELETE FROM isa_a2a_tasks WHERE state = ANY($2::int[]) AND updated_at < $1", [
    cutoff,
    TERMINAL_TASK_STATES,
  ]);
  return r.rowCount ?? 0;
}

/**
 * Runs `remove(cutoff)` now and then every interval. A failed sweep (database down) is logged and retried at the
 * next tick; it never throws into the process.
 */
export function startRetentionSweeper(
  what: string,
  remove: (cutoff: Date) => Promise<number>,
  opts: RetentionOptions,
): RetentionSweeper {
  const now = opts.now ?? (() => new Date());
  const sweep = async (): Promise<number> => {
    const cutoff = retentionCutoff(opts.days, now());
    if (!cutoff) return 0;
    const deleted = await remove(cutoff);
    if (deleted > 0)
      opts.logger?.info({ deleted, olderThan: cutoff.toISOString() }, `retention: ${what} deleted`);
    return deleted;
  };
  if (opts.days <= 0) return { sweep, stop: () => {} };
  const tick = () => {
    sweep().catch((err: unknown) => opts.logger?.error({ err }, `retention sweep of ${what} failed`));
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs ?? RETENTION_SWEEP_INTERVAL_MS);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
