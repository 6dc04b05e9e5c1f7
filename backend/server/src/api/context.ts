// What route handlers share: the runtime, metrics, the caller's principal (kept in a WeakMap rather than by
// augmenting fastify's request type, which would leak into every other fastify user in the process) and the set
// of in-flight answers that graceful shutdown waits for or aborts.
import { randomBytes } from "node:crypto";
import type { Config, ConversationStore, Principal } from "@isa/core";
import { AppError } from "@isa/core";
import type { Runtime } from "@isa/engine";
import type { FastifyRequest } from "fastify";
import type { ApiMetrics } from "./metrics.js";

export interface ApiContext {
  readonly config: Config;
  readonly runtime: Runtime;
  readonly metrics: ApiMetrics;
  /** Conversations of /v1/ask (memory, or PostgreSQL with ISA_DATABASE_URL). */
  readonly conversations: ConversationStore;
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
