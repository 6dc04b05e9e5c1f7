// What route handlers share: the runtime, metrics, the caller's principal (kept in a WeakMap rather than by
// augmenting fastify's request type, which would leak into every other fastify user in the process) and the set
// of in-flight answers that graceful shutdown waits for or aborts.
import { randomBytes } from "node:crypto";
import type { Config, ConversationStore, Principal, RateLimiter } from "@isa/core";
import { AppError, principalRateKey } from "@isa/core";
import type { Runtime } from "@isa/engine";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ApiMetrics } from "./metrics.js";

export interface ApiContext {
  readonly config: Config;
  readonly runtime: Runtime;
  readonly metrics: ApiMetrics;
  /** Conversations of /v1/ask (memory, or PostgreSQL with ISA_DATABASE_URL). */
  readonly conversations: ConversationStore;
  /** The per-person budget every route draws on (app.ts charges 1 per request; lookup charges per term). */
  readonly rateLimiter: RateLimiter;
  /** Abort controllers of answers being generated; shutdown aborts them after its deadline. */
  readonly inflight: Set<AbortController>;
  /** Set by shutdown: new requests get 503 SHUTTING_DOWN. */
  closing: boolean;
  /** Requests whose response has not closed yet: shutdown is done waiting when this reaches 0. */
  activeRequests: number;
  /** The address the server listens on (set by startServer), for links that must be absolute (agent cards). */
  baseUrl?: string;
}

const principals = new WeakMap<FastifyRequest, Principal>();

export function setPrincipal(request: FastifyRequest, p: Principal): void {
  principals.set(request, p);
}

/** The authenticated caller; a route reached without one is a wiring bug, answered as 401 rather than served. */
export function principalOf(request: FastifyRequest): Principal {
  const p = principals.get(request);
  if (!p) throw new AppError("UNAUTHENTICATED");
  return p;
}

/** A fresh W3C-style trace id (32 hex digits), the handle feedback and logs refer to an answer by. */
export function newTraceId(): string {
  return randomBytes(16).toString("hex");
}

/**
 * Takes `cost` units from `key`'s budget, setting the x-ratelimit-* headers; a refusal throws RATE_LIMITED (429)
 * with Retry-After. The app charges one unit per request in onRequest; a route whose request runs more work than
 * one request (lookup: one search per term) charges the difference with chargeExtra.
 */
export async function chargeRateLimit(
  request: FastifyRequest,
  reply: FastifyReply,
  opts: { readonly limiter: RateLimiter; readonly key: string; readonly cost: number },
): Promise<void> {
  const d = await opts.limiter.take(opts.key, opts.cost);
  void reply.header("x-ratelimit-limit", d.limit);
  void reply.header("x-ratelimit-remaining", d.remaining);
  void reply.header("x-ratelimit-reset", d.retryAfterSeconds);
  if (d.allowed) return;
  void reply.header("retry-after", d.retryAfterSeconds);
  throw new AppError(
    "RATE_LIMITED",
    `Rate limit of ${d.limit} units per minute exceeded (this request costs ${opts.cost}); retry in ${d.retryAfterSeconds} s.`,
    { details: { limitPerMinute: d.limit, cost: opts.cost, retryAfterSeconds: d.retryAfterSeconds } },
  );
}

/** Charges the caller `extra` more units (beyond the request's own), e.g. a lookup's terms after the first. */
export async function chargeExtra(
  ctx: Pick<ApiContext, "rateLimiter">,
  request: FastifyRequest,
  reply: FastifyReply,
  extra: number,
): Promise<void> {
  if (extra <= 0) return;
  await chargeRateLimit(request, reply, {
    limiter: ctx.rateLimiter,
    key: principalRateKey(principalOf(request).id),
    cost: extra,
  });
}
