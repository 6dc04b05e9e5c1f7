// PostgreSQL access for the stores: one pg pool per database URL, the schema migrated at open (idempotent, under an
// advisory lock so several servers starting at once do not race), and every driver failure turned into the
// catalog's DATABASE_UNAVAILABLE (503) so a database that goes away fails requests, never the process.
import { AppError } from "@isa/core";
import pg from "pg";
import type { Logger } from "pino";

export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
}

export interface Database extends Queryable {
  /** Resolves once the schema is in place; a failure is retried by the next call. */
  ready(): Promise<void>;
  /** Statements on one connection inside BEGIN … COMMIT (ROLLBACK on a throw). */
  transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  readonly logger?: Logger;
  /** Pool size (default 10). */
  readonly max?: number;
}

/**
 * Schema versions, applied in order, each once. Append only: a released migration is never edited. Every table
 * is ours alone (prefixed `isa_`), so the database may be shared with other applications.
 */
export const MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE IF NOT EXISTS isa_conversations (
        id text PRIMARY KEY,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        audience text[] NOT NULL,
        turns jsonb NOT NULL
      );
      CREATE TABLE IF NOT EXISTS isa_a2a_tasks (
        agent text NOT NULL,
        tenant text NOT NULL,
        owner text NOT NULL,
        id text NOT NULL,
        context_id text NOT NULL,
        state integer NOT NULL,
        status_ts text NOT NULL,
        task jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (agent, tenant, owner, id)
      );
      CREATE INDEX IF NOT EXISTS isa_a2a_tasks_listing
        ON isa_a2a_tasks (agent, tenant, owner, status_ts DESC, id DESC);
    `,
  },
  {
    // Per-person rate limits shared by replicas (pgRateLimiter.ts): units used per key per fixed window.
    version: 2,
    sql: `
      CREATE TABLE IF NOT EXISTS isa_rate_limits (
        key text NOT NULL,
        window_start bigint NOT NULL,
        used integer NOT NULL,
        PRIMARY KEY (key, window_start)
      );
      CREATE INDEX IF NOT EXISTS isa_rate_limits_window ON isa_rate_limits (window_start);
    `,
  },
  {
    // Ratings of answers (POST /v1/feedback), shared by replicas; deleted after ISA_RETENTION_DAYS.
    version: 3,
    sql: `
      CREATE TABLE IF NOT EXISTS isa_feedback (
        id bigserial PRIMARY KEY,
        ts timestamptz NOT NULL,
        trace_id text NOT NULL,
        rating text NOT NULL,
        comment text,
        principal text NOT NULL,
        request_id text NOT NULL
      );
      CREATE INDEX IF NOT EXISTS isa_feedback_ts ON isa_feedback (ts);
      CREATE INDEX IF NOT EXISTS isa_feedback_trace ON isa_feedback (trace_id);
    `,
  },
];

/**
 * JSON text for a JSONB parameter. JSONB refuses `\u0000` and lone surrogates (`\ud800`), which a question or an
 * A2A message may contain (JSON.stringify escapes a lone surrogate; a valid pair it writes as is): each is stored
 * as U+FFFD instead of failing the request. Only real escapes are replaced (after an even run of backslashes),
 * never the text `\u0000` someone typed.
 */
export function jsonbText(value: unknown): string {
  return JSON.stringify(value).replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi, "$1\\ufffd");
}

/** Any number; it only has to be the same in every process migrating this schema. */
const MIGRATION_LOCK = 7_461_001;

/** A driver or connection failure as the catalog error (the URL, which may hold a password, is never included). */
export function databaseUnavailable(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError("DATABASE_UNAVAILABLE", undefined, { cause: err });
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS isa_schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const done = new Set(
      (await client.query<{ version: number }>("SELECT version FROM isa_schema_migrations")).rows.map(
        (r) => r.version,
      ),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO isa_schema_migrations (version) VALUES ($1)", [m.version]);
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export function openDatabase(url: string, opts: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 10_000,
    query_timeout: 30_000,
    // An idle pool does not keep a CLI process alive.
    allowExitOnIdle: true,
  });
  // An idle connection that the server drops (restart, failover) emits 'error' on the pool; unhandled, that
  // would crash the process. The pool discards the connection and opens a new one on the next query.
  pool.on("error", (err) => opts.logger?.warn({ err }, "database connection lost"));
  let migrated: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    migrated ??= migrate(pool).catch((err: unknown) => {
      migrated = undefined;
      throw databaseUnavailable(err);
    });
    return migrated;
  };
  return {
    ready,
    async query(text, values) {
      await ready();
      try {
        return await pool.query(text, values as unknown[] | undefined);
      } catch (err) {
        throw databaseUnavailable(err);
      }
    },
    async transaction(fn) {
      await ready();
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw databaseUnavailable(err);
      }
      let broken = false;
      const q: Queryable = {
        async query(text, values) {
          try {
            return await client.query(text, values as unknown[] | undefined);
          } catch (err) {
            broken = true;
            throw databaseUnavailable(err);
          }
        },
      };
      try {
        await q.query("BEGIN");
        const out = await fn(q);
        await q.query("COMMIT");
        return out;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw err;
      } finally {
        // A connection that failed mid-statement is not handed to the next caller.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
