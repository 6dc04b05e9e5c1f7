// The per-person rate limit shared by every replica: core's RateLimiter over one PostgreSQL table of units used per
// key per fixed window. One statement per request: an upsert that adds the cost only while the sum stays within the
// limit (a refusal takes nothing), atomic under concurrent replicas by the row lock of ON CONFLICT. Windows are
// cut from each process's clock (replicas a second apart share all but that second). Rows of past windows are
// deleted once a window by whichever process notices first.
//
// A database that fails does not turn the limit into an outage: the request is decided by a per-process limiter
// instead (same limit) and the failure logged at most once a minute, so a person is still limited, per replica,
// and nobody gets a 503 because the limiter's store is down.
import type { RateLimiter, RateLimiterOptions } from "@isa/core";
import { chargedCost, createMemoryRateLimiter, RATE_WINDOW_MS, rateWindow } from "@isa/core";
import type { Logger } from "pino";
import type { Database } from "./database.js";

export interface PgRateLimiterOptions extends RateLimiterOptions {
  readonly logger?: Logger;
  /** Close the database with the limiter (default false: the pool is shared). */
  readonly ownsDatabase?: boolean;
}

const TAKE = `
  INSERT INTO isa_rate_limits AS r (key, window_start, used) VALUES ($1, $2, $3)
  ON CONFLICT (key, window_start) DO UPDATE SET used = r.used + EXCLUDED.used
    WHERE r.used + EXCLUDED.used <= $4
  RETURNING used`;

export function createPgRateLimiter(db: Database, opts: PgRateLimiterOptions): RateLimiter {
  const windowMs = opts.windowMs ?? RATE_WINDOW_MS;
  const now = opts.now ?? Date.now;
  const fallback = createMemoryRateLimiter(opts);
  let sweptWindow = Number.NaN;
  let lastWarn = 0;
  return {
    scope: "shared",
    size: () => fallback.size(),
    async take(key, cost) {
      const t = now();
      const w = rateWindow(t, windowMs);
      const charge = chargedCost(cost, opts.limit);
      try {
        if (w.start !== sweptWindow) {
          sweptWindow = w.start;
          void db
            .query("DELETE FROM isa_rate_limits WHERE window_start < $1", [w.start])
            .catch((err: unknown) => opts.logger?.warn({ err }, "rate limit: deleting past windows failed"));
        }
        const res = await db.query<{ used: number }>(TAKE, [key, w.start, charge, opts.limit]);
        const used = res.rows[0]?.used;
        if (used === undefined) {
          return { allowed: false, limit: opts.limit, remaining: 0, retryAfterSeconds: w.retryAfterSeconds };
        }
        return {
          allowed: true,
          limit: opts.limit,
          remaining: Math.max(0, opts.limit - used),
          retryAfterSeconds: w.retryAfterSeconds,
        };
      } catch (err) {
        if (t - lastWarn >= 60_000) {
          lastWarn = t;
          opts.logger?.warn(
            { err },
            "rate limit: database unavailable, limiting per process until it is back",
          );
        }
        return fallback.take(key, charge);
      }
    },
    async close() {
      await fallback.close();
      if (opts.ownsDatabase) await db.close();
    },
  };
}
