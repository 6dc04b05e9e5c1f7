// Operational routes outside principal authentication: liveness, readiness, Prometheus metrics and the OpenAPI
// document. Probes carry no token (kubelet), the OpenAPI document is a public contract; only /metrics may be
// guarded, by its own scrape token (ISA_METRICS_TOKEN), since it tells load and error rates to whoever asks.
import { createHash, timingSafeEqual } from "node:crypto";
import { bearerToken } from "@isa/auth";
import { AppError } from "@isa/core";
import { catalogProblems } from "@isa/engine";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ApiContext } from "../context.js";
import { buildOpenApi } from "../openapi.js";
import { ROUTES } from "../routeTable.js";

/** A readiness probe must answer quickly even while a model is still loading. */
const CHECK_TIMEOUT_MS = 2000;
/** A remote LLM server is probed at most this often (probes arrive every few seconds from each orchestrator). */
const REMOTE_PROBE_CACHE_MS = 5000;

async function settle(p: Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve("loading"), timeoutMs);
  });
  try {
    return await Promise.race([
      p.then(
        () => "ok",
        (err: unknown) => `error: ${(err as { code?: string }).code ?? "INTERNAL"}`,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Any HTTP answer from `<baseUrl>/models` means the server is up (auth and routing are its business). */
function remoteLlmProbe(baseUrl: string, apiKey: string | undefined): () => Promise<void> {
  let last: { at: number; result: Promise<void> } | undefined;
  return () => {
    if (last && Date.now() - last.at < REMOTE_PROBE_CACHE_MS) return last.result;
    const result = fetch(`${baseUrl.replace(/\/$/, "")}/models`, {
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      ...(apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {}),
    }).then(async (r) => {
      await r.body?.cancel();
    });
    last = { at: Date.now(), result };
    return result;
  };
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * `Authorization: Bearer <token>` must equal ISA_METRICS_TOKEN; with none configured every scrape passes. Compared
 * as sha256 digests with timingSafeEqual: equal lengths, and the time does not depend on how much matched.
 */
export function metricsGuard(token: string | undefined): (request: FastifyRequest) => void {
  if (token === undefined) return () => {};
  const expected = sha256(token);
  return (request) => {
    const presented = bearerToken(request.headers.authorization);
    if (presented === undefined || !timingSafeEqual(sha256(presented), expected)) {
      throw new AppError(
        "UNAUTHENTICATED",
        "GET /metrics needs `Authorization: Bearer <ISA_METRICS_TOKEN>`.",
      );
    }
  };
}

export function registerProbes(app: FastifyInstance, ctx: ApiContext): void {
  const publicConfig = { isaPublic: true, rateLimit: false };
  const { baseUrl, apiKey } = ctx.config.llm;
  const probeRemote = baseUrl ? remoteLlmProbe(baseUrl, apiKey) : undefined;
  const openapi = JSON.stringify(buildOpenApi());
  const guardMetrics = metricsGuard(ctx.config.ops.metricsToken);

  app.route({
    method: ROUTES.healthz.method,
    url: ROUTES.healthz.url,
    config: publicConfig,
    handler: async () => ({ status: "ok" as const }),
  });

  app.route({
    method: ROUTES.readyz.method,
    url: ROUTES.readyz.url,
    config: publicConfig,
    handler: async (_request, reply) => {
      const llm = ctx.runtime.llm();
      const [store, embedder, llmLoaded] = await Promise.all([
        settle(ctx.runtime.store(), CHECK_TIMEOUT_MS),
        settle(ctx.runtime.embedder(), CHECK_TIMEOUT_MS),
        settle(llm, CHECK_TIMEOUT_MS),
      ]);
      const checks: Record<string, string> = { store, embedder, llm: llmLoaded };
      // PostgreSQL (ISA_DATABASE_URL): every answer is recorded there, so no database, not ready.
      if (ctx.conversations.ping) checks.database = await settle(ctx.conversations.ping(), CHECK_TIMEOUT_MS);
      if (probeRemote && llmLoaded === "ok") checks.llm = await settle(probeRemote(), CHECK_TIMEOUT_MS);
      const ready = !ctx.closing && Object.values(checks).every((c) => c === "ok");
      if (ctx.closing) checks.server = "shutting down";
      // Malformed catalog-info files do not make the server unready (the rest of the catalog still answers), but
      // an operator reading readiness sees which file and why (they are logged when first seen, too).
      const problems = catalogProblems();
      return reply
        .code(ready ? 200 : 503)
        .send({ ready, checks, ...(problems.length > 0 ? { details: { catalogProblems: problems } } : {}) });
    },
  });

  app.route({
    method: ROUTES.metrics.method,
    url: ROUTES.metrics.url,
    config: publicConfig,
    handler: async (request, reply) => {
      guardMetrics(request);
      const body = await ctx.metrics.registry.metrics();
      return reply.type(ctx.metrics.registry.contentType).send(body);
    },
  });

  app.route({
    method: ROUTES.openapi.method,
    url: ROUTES.openapi.url,
    config: publicConfig,
    handler: async (_request, reply) => reply.type("application/json; charset=utf-8").send(openapi),
  });
}
