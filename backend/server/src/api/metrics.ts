// Prometheus metrics, one registry per app (so two apps in one process, as in tests, never collide): request
// latency by route and status, answering stage latency, tokens and errors by catalog code.
import type { ErrorCode, TokenUsage } from "@isa/core";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface ApiMetrics {
  readonly registry: Registry;
  observeRequest(labels: { method: string; route: string; status: number }, seconds: number): void;
  observeStage(stage: "retrieve" | "generate" | "first_token", seconds: number): void;
  countTokens(usage: TokenUsage | undefined, streamedPieces: number): void;
  countError(code: ErrorCode): void;
  /**
   * Reports an in-memory store's size at each scrape: `isa_memory_store_bytes{store}` and
   * `isa_memory_store_entries{store}` (conversations, tasks per agent, rate-limit keys, SSE answers in flight).
   */
  watchStore(store: string, read: () => { bytes?: number; entries: number }): void;
}

/** Latency buckets from 5 ms (cached search) to 2 min (LLM_TIMEOUT_MS default). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 120];

export function createApiMetrics(opts: { defaultMetrics?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "isa_" });
  const http = new Histogram({
    name: "isa_http_request_duration_seconds",
    help: "HTTP request duration (for SSE: until the stream ends) by route template and status.",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const stage = new Histogram({
    name: "isa_stage_duration_seconds",
    help: "Answering stage duration: retrieve, generate (LLM), first_token (request to first streamed text).",
    labelNames: ["stage"] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const tokens = new Counter({
    name: "isa_llm_tokens_total",
    help: "LLM tokens by kind: prompt and completion as reported by the model, streamed = text pieces sent.",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: "isa_errors_total",
    help: "Error responses (and errors ending an SSE stream) by catalog code.",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const watched = new Map<string, () => { bytes?: number; entries: number }>();
  new Gauge({
    name: "isa_memory_store_bytes",
    help: "Approximate bytes held by an in-memory store (UTF-8 size of what it keeps; bounded by ISA_MEMORY_*).",
    labelNames: ["store"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [store, read] of watched) {
        const b = read().bytes;
        if (b !== undefined) this.set({ store }, b);
      }
    },
  });
  new Gauge({
    name: "isa_memory_store_entries",
    help: "Entries held by an in-memory store.",
    labelNames: ["store"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [store, read] of watched) this.set({ store }, read().entries);
    },
  });
  return {
    registry,
    watchStore(store, read) {
      watched.set(store, read);
    },
    observeRequest({ method, route, status }, seconds) {
      http.observe({ method, route, status_code: String(status) }, seconds);
    },
    observeStage(name, seconds) {
      stage.observe({ stage: name }, seconds);
    },
    countTokens(usage, streamedPieces) {
      if (usage) {
        tokens.inc({ kind: "prompt" }, usage.promptTokens);
        tokens.inc({ kind: "completion" }, usage.completionTokens);
      }
      if (streamedPieces > 0) tokens.inc({ kind: "streamed" }, streamedPieces);
    },
    countError(code) {
      errors.inc({ code });
    },
  };
}
