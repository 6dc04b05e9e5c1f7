// The HTTP API as a fastify instance, built from a Config and injected parts, never listening by itself (tests use
// `inject`, `startServer` listens). Cross-cutting concerns live here; routes are thin files under routes/.
import { randomUUID } from "node:crypto";
import type { AgentExecutor, TaskStore } from "@a2a-js/sdk/server";
import type { AgentBackend, AgentId } from "@isa/agents";
import type { Authenticator } from "@isa/auth";
import type { Config, ConversationStore, RateLimiter } from "@isa/core";
import { AppError, addressRateKey, principalRateKey } from "@isa/core";
import type { Runtime } from "@isa/engine";
import { onCatalogProblem } from "@isa/engine";
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from "fastify";
import Fastify, { LogController } from "fastify";
import type { Logger } from "pino";
import { pino } from "pino";
import { registerA2a } from "../a2a/routes.js";
import { defaultConversationStore, defaultRateLimiter } from "../persistence/index.js";
import type { ApiContext } from "./context.js";
import { chargeRateLimit, setPrincipal } from "./context.js";
import { createErrorHandler } from "./errors.js";
import { registerLookup } from "./lookup.js";
import type { ApiMetrics } from "./metrics.js";
import { createApiMetrics } from "./metrics.js";
import { registerAsk } from "./routes/ask.js";
import { registerConversations } from "./routes/conversations.js";
import { registerDocuments } from "./routes/documents.js";
import { registerFeedback } from "./routes/feedback.js";
import { registerOwners } from "./routes/owners.js";
import { registerProbes } from "./routes/probes.js";
import { registerProjects } from "./routes/projects.js";
import { registerSearch } from "./routes/search.js";
import { sseBuffered } from "./sse.js";

export interface AppDeps {
  readonly runtime: Runtime;
  readonly authenticator: Authenticator;
  /** Default: pino at `config.logLevel` on stdout, with credentials redacted. */
  readonly logger?: Logger;
  /** Default: a fresh registry with process metrics. */
  readonly metrics?: ApiMetrics;
  /**
   * Default: PostgreSQL at ISA_DATABASE_URL (schema created at start), else in memory; either is closed with the
   * app. A store given here is its owner's to close.
   */
  readonly conversations?: ConversationStore;
  /**
   * The per-person budget (default: ISA_RATE_LIMIT_PER_MIN per principal per minute, in PostgreSQL with
   * ISA_DATABASE_URL so replicas share it, else per process). A limiter given here is its owner's to close.
   */
  readonly rateLimiter?: RateLimiter;
  /** What this process serves (default both): `isa serve --role api|a2a` runs one of them for scaling. */
  readonly roles?: { readonly api: boolean; readonly a2a: boolean };
  /** The A2A agents' parts (default: in-process agents over the runtime, task stores from config). */
  readonly a2a?: A2aOptions;
}

export interface A2aOptions {
  readonly backends?: Readonly<Record<AgentId, AgentBackend>>;
  readonly taskStores?: (agent: AgentId) => TaskStore;
  /** Replace agents' executors (the A2A TCK's scenario agent); see a2a/routes.ts. */
  readonly executors?: (agent: AgentId) => AgentExecutor | undefined;
  /** The public base URL the agent cards advertise; default the address the server listens on. */
  readonly publicUrl?: string;
}

const contexts = new WeakMap<FastifyInstance, ApiContext>();

/** The shared state of an app built by buildApp (graceful shutdown reads its in-flight answers). */
export function apiContextOf(app: FastifyInstance): ApiContext {
  const ctx = contexts.get(app);
  if (!ctx) throw new Error("not an app built by buildApp");
  return ctx;
}

/** Honoured as the request id when it is short and plain; otherwise a fresh UUID (it ends up in log lines). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function defaultLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", "*.token", "*.apiKey"],
      censor: "[redacted]",
    },
  });
}

interface RouteFlags {
  readonly isaPublic?: boolean;
  /** false: not rate-limited (probes, metrics scraping, the API description). */
  readonly rateLimit?: boolean;
}

const isPublic = (request: FastifyRequest) => (request.routeOptions.config as RouteFlags).isaPublic === true;
const isLimited = (request: FastifyRequest) =>
  (request.routeOptions.config as RouteFlags).rateLimit !== false;

export function buildApp(config: Config, deps: AppDeps): FastifyInstance {
  const logger = deps.logger ?? defaultLogger(config);
  const metrics = deps.metrics ?? createApiMetrics();
  const conversations = deps.conversations ?? defaultConversationStore(config, logger);
  const rateLimiter = deps.rateLimiter ?? defaultRateLimiter(config, logger);
  const ctx: ApiContext = {
    config,
    runtime: deps.runtime,
    metrics,
    conversations,
    rateLimiter,
    inflight: new Set(),
    closing: false,
    activeRequests: 0,
  };
  const errorHandler = createErrorHandler({ onError: (code) => metrics.countError(code) });

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.server.bodyLimitBytes,
    genReqId: (req) => {
      const h = req.headers["x-request-id"];
      return typeof h === "string" && REQUEST_ID.test(h) ? h : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: "requestId" }),
    // Our own onRequest hook answers SHUTTING_DOWN in the API's error format.
    return503OnClosing: false,
    // Time to receive a whole request (headers and body), so a slow client cannot pin a connection. It does not
    // bound the response: an SSE answer may stream for as long as generation takes.
    requestTimeout: 30_000,
    // Errors the router raises before any route or hook runs (an undecodable `%` in the path, a path parameter
    // over maxParamLength) would otherwise get fastify's own body; they go through the same handler.
    frameworkErrors: (err, request, reply) => {
      void reply.header("x-request-id", request.id);
      errorHandler(err, request, reply);
    },
  });

  app.setErrorHandler(errorHandler);
  if (!deps.conversations) app.addHook("onClose", () => conversations.close());
  if (!deps.rateLimiter) app.addHook("onClose", () => rateLimiter.close());
  // In-memory stores at each scrape (a store without a memory gauge, e.g. PostgreSQL's, reports nothing).
  const gauge = (o: unknown) =>
    typeof (o as { memoryBytes?: unknown }).memoryBytes === "function"
      ? (o as { memoryBytes(): number; memoryEntries(): number })
      : undefined;
  const convGauge = gauge(conversations);
  if (convGauge) {
    metrics.watchStore("conversations", () => ({
      bytes: convGauge.memoryBytes(),
      entries: convGauge.memoryEntries(),
    }));
  }
  metrics.watchStore("rate_limit_keys", () => ({ entries: rateLimiter.size() }));
  metrics.watchStore("sse_streams", sseBuffered);
  const offCatalog = onCatalogProblem((p) =>
    logger.warn({ path: p.path, reason: p.reason }, "malformed catalog file skipped"),
  );
  app.addHook("onClose", async () => {
    offCatalog();
  });
  app.setNotFoundHandler(() => {
    throw new AppError("NOT_FOUND");
  });
  // `curl -d` sends application/x-www-form-urlencoded; read it as JSON so the obvious curl line works. A browser
  // cannot abuse this cross-site: every body-taking route needs an Authorization header, which forces a preflight.
  // Fastify also parses text/plain by default; the API takes JSON only (415 otherwise).
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    app.getDefaultJsonParser("error", "error"),
  );

  app.addHook("onRequest", async (request, reply) => {
    ctx.activeRequests++;
    // 'close' fires once whether the response finished or the client went away.
    reply.raw.once("close", () => {
      ctx.activeRequests--;
    });
    void reply.header("x-request-id", request.id);
    if (ctx.closing) throw new AppError("SHUTTING_DOWN");
    let rateKey = addressRateKey(request.ip);
    let authError: unknown;
    if (!isPublic(request)) {
      try {
        const principal = await deps.authenticator.authenticate(request.headers.authorization);
        setPrincipal(request, principal);
        rateKey = principalRateKey(principal.id);
        const log = request.log.child({ principal: principal.id });
        request.log = log;
        reply.log = log;
      } catch (err) {
        // Answered after the limiter, so failed attempts count too (per address): guessing tokens is limited.
        authError = err;
      }
    }
    // One request is one unit here; routes that run more (a lookup of many terms) charge the rest themselves.
    if (isLimited(request))
      await chargeRateLimit(request, reply, { limiter: rateLimiter, key: rateKey, cost: 1 });
    if (authError !== undefined) throw authError;
  });
  app.addHook("onResponse", async (request, reply) => {
    metrics.observeRequest(
      { method: request.method, route: request.routeOptions.url ?? "unmatched", status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
  });

  const roles = deps.roles ?? { api: true, a2a: true };
  void app.register(async (api) => {
    registerProbes(api, ctx);
    if (roles.api) {
      registerAsk(api, ctx);
      registerConversations(api, ctx);
      registerSearch(api, ctx);
      registerDocuments(api, ctx);
      registerFeedback(api, ctx);
      registerProjects(api, ctx);
      registerOwners(api, ctx);
      registerLookup(api, ctx);
    }
    if (roles.a2a) {
      registerA2a(api, config, {
        runtime: deps.runtime,
        ...(deps.logger ? { logger: deps.logger } : {}),
        ...(deps.a2a?.backends ? { backends: deps.a2a.backends } : {}),
        ...(deps.a2a?.taskStores ? { taskStores: deps.a2a.taskStores } : {}),
        ...(deps.a2a?.executors ? { executors: deps.a2a.executors } : {}),
        onTaskStore: (agent, store) => {
          const g = gauge(store);
          if (g) {
            metrics.watchStore(`a2a_tasks_${agent}`, () => ({
              bytes: g.memoryBytes(),
              entries: g.memoryEntries(),
            }));
          }
        },
        baseUrl: () =>
          deps.a2a?.publicUrl ?? ctx.baseUrl ?? `http://${config.server.host}:${config.server.port}`,
      });
    }
  });
  contexts.set(app, ctx);
  return app;
}
