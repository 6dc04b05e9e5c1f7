// The per-person rate limit every surface shares (HTTP API, A2A, MCP over HTTP, and the Kafka router through the
// same port): a budget of units per key per fixed window, where a request costs what it runs (a lookup of 50 terms
// costs 50). This file is the port and the per-process implementation; the PostgreSQL one, shared by replicas,
// lives with the server's persistence (@isa/server). Pure: no SDK, no I/O.

/** What a limiter answered for one request. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Units per window for this key. */
  readonly limit: number;
  /** Units left in the current window after this request (0 when refused). */
  readonly remaining: number;
  /** Whole seconds until the window resets: the `Retry-After` of a refusal, never below 1. */
  readonly retryAfterSeconds: number;
}

export interface RateLimiter {
  /**
   * Takes `cost` units (default 1) from `key`'s budget in the current window. A refused request takes nothing, so
   * a client that keeps knocking is served again as soon as the window turns. A cost above the limit is charged
   * as the whole limit (one request can spend a window, never more).
   */
  take(key: string, cost?: number): Promise<RateDecision>;
  /** `shared`: every replica draws on one budget (PostgreSQL); `process`: each process counts on its own. */
  readonly scope: "shared" | "process";
  /** Keys currently tracked (a gauge: the limiter's own memory). */
  readonly size: () => number;
  close(): Promise<void>;
}

export interface RateLimiterOptions {
  /** Units per key per window. */
  readonly limit: number;
  /** Window length (default one minute, the unit of ISA_RATE_LIMIT_PER_MIN). */
  readonly windowMs?: number;
  /** Clock in ms (tests inject one). */
  readonly now?: () => number;
}

export const RATE_WINDOW_MS = 60_000;

/** The start of the fixed window `t` falls in, and whole seconds until the next. */
export function rateWindow(t: number, windowMs: number): { start: number; retryAfterSeconds: number } {
  const start = Math.floor(t / windowMs) * windowMs;
  return { start, retryAfterSeconds: Math.max(1, Math.ceil((start + windowMs - t) / 1000)) };
}

/** A cost as the limiter charges it: a positive whole number, at most the limit. */
export function chargedCost(cost: number | undefined, limit: number): number {
  const c = cost === undefined || !Number.isFinite(cost) ? 1 : Math.max(1, Math.ceil(cost));
  return Math.min(c, limit);
}

/**
 * Fixed windows in a Map: memory is one entry per key seen in the current window (entries of past windows are
 * dropped when the window turns), so it is bounded by the request rate, whoever sends them.
 */
export function createMemoryRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const windowMs = opts.windowMs ?? RATE_WINDOW_MS;
  const now = opts.now ?? Date.now;
  const used = new Map<string, number>();
  let current = Number.NaN;
  return {
    scope: "process",
    size: () => used.size,
    async take(key, cost) {
      const w = rateWindow(now(), windowMs);
      if (w.start !== current) {
        current = w.start;
        used.clear();
      }
      const charge = chargedCost(cost, opts.limit);
      const before = used.get(key) ?? 0;
      if (before + charge > opts.limit) {
        return { allowed: false, limit: opts.limit, remaining: 0, retryAfterSeconds: w.retryAfterSeconds };
      }
      used.set(key, before + charge);
      return {
        allowed: true,
        limit: opts.limit,
        remaining: opts.limit - before - charge,
        retryAfterSeconds: w.retryAfterSeconds,
      };
    },
    async close() {
      used.clear();
    },
  };
}

/** The key of a principal's budget: the same on every surface, so API, A2A and MCP calls draw on one budget. */
export const principalRateKey = (principalId: string) => `principal:${principalId}`;
/** Before authentication (failed logins), per client address. */
export const addressRateKey = (address: string) => `address:${address}`;
