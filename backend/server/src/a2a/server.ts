// The A2A servers: an express app (the SDK ships express handlers, no fastify adapter) with the three agents under
// /agents/{docs,dev,root}. Each has its card at <agent>/.well-known/agent-card.json (public) and JSON-RPC at POST
// <agent> (v1.0 methods; v0.3 names for clients that send `A2A-Version: 0.3` or no version header). Every JSON-RPC
// request needs a bearer token our authenticator verifies (401 otherwise); tasks live in one in-memory store per
// agent, scoped by principal.
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AgentCard } from "@a2a-js/sdk";
import type { TaskStore } from "@a2a-js/sdk/server";
import { DefaultRequestHandler } from "@a2a-js/sdk/server";
import { agentCardHandler, jsonRpcHandler } from "@a2a-js/sdk/server/express";
import type { AgentBackend, AgentId } from "@isa/agents";
import {
  AGENT_CARD_PATH,
  AGENT_IDS,
  AGENT_SPECS,
  agentCard,
  agentPath,
  createAgentExecutor,
  createInProcessAgents,
  PrincipalUser,
} from "@isa/agents";
import type { Authenticator } from "@isa/auth";
import { bearerToken } from "@isa/auth";
import type { Config } from "@isa/core";
import { AppError, isAppError } from "@isa/core";
import type { Runtime } from "@isa/engine";
import type { ErrorRequestHandler, Express, Request, RequestHandler } from "express";
import express from "express";
import type { Logger } from "pino";
import { defaultTaskStore } from "../persistence/index.js";

export interface A2aDeps {
  readonly runtime: Runtime;
  readonly authenticator: Authenticator;
  readonly logger?: Logger;
  /** Replace the in-process backends (tests, or remote delegation later). */
  readonly backends?: Readonly<Record<AgentId, AgentBackend>>;
  /** Each agent's task store. Default: PostgreSQL with ISA_DATABASE_URL, else in memory (persistence/). */
  readonly taskStores?: (agent: AgentId) => TaskStore;
}

export interface A2aAppOptions {
  /** Public base URL the cards advertise, e.g. `http://127.0.0.1:8090` (no trailing slash). */
  readonly baseUrl: string;
}

function wireError(code: string, message: string) {
  return { error: { code, message } };
}

/** Bearer → Principal on every JSON-RPC request; 401 with the catalog's error shape otherwise. */
function authenticate(
  authenticator: Authenticator,
  principals: WeakMap<Request, PrincipalUser>,
): RequestHandler {
  return (req, res, next) => {
    const header = req.header("authorization");
    authenticator.authenticate(header).then(
      (principal) => {
        principals.set(req, new PrincipalUser(principal, bearerToken(header)));
        next();
      },
      (err: unknown) => {
        const message = isAppError(err) ? err.message : "No valid credentials were presented.";
        res
          .status(401)
          .set("WWW-Authenticate", 'Bearer realm="isa"')
          .json(wireError("UNAUTHENTICATED", message));
      },
    );
  };
}

/**
 * ISA_RATE_LIMIT_PER_MIN JSON-RPC requests per principal per minute (fixed window, in memory, per process, like the
 * API's); above it 429 RATE_LIMITED with Retry-After.
 */
function rateLimit(perMinute: number, principals: WeakMap<Request, PrincipalUser>): RequestHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return (req, res, next) => {
    const id = principals.get(req)?.principal.id ?? "";
    const now = Date.now();
    if (windows.size > 10_000) {
      for (const [k, w] of windows) if (now - w.start >= 60_000) windows.delete(k);
    }
    let w = windows.get(id);
    if (!w || now - w.start >= 60_000) {
      w = { start: now, count: 0 };
      windows.set(id, w);
    }
    w.count++;
    if (w.count <= perMinute) {
      next();
      return;
    }
    res
      .status(429)
      .set("Retry-After", String(Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000))))
      .json(wireError("RATE_LIMITED", "Too many requests; retry later."));
  };
}

/** Body errors before the SDK sees the request: bad JSON → JSON-RPC -32700, too large → 413. */
function bodyErrors(): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    const e = err as { type?: string; status?: number };
    if (e?.type === "entity.too.large") {
      res
        .status(413)
        .json(wireError("PAYLOAD_TOO_LARGE", "The request body is larger than the server accepts."));
      return;
    }
    if (err instanceof SyntaxError || e?.type === "entity.parse.failed") {
      res
        .status(200)
        .json({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Invalid JSON payload." } });
      return;
    }
    if (typeof e?.status === "number" && e.status >= 400 && e.status < 500) {
      res.status(e.status).json(wireError("INPUT_INVALID", "The request body could not be read."));
      return;
    }
    next(err);
  };
}

/**
 * The v1.0 card in its proto-JSON wire shape (`AgentCard.toJSON`: `securitySchemes.bearer.httpAuthSecurityScheme`).
 * @a2a-js/sdk 1.3.0's agentCardHandler serialises the in-memory object as is (with `$case` unions), so v1.0
 * requests are answered here; v0.3 requests (`A2A-Version: 0.3` or none) fall through to the SDK's compat card.
 */
function v1Card(card: AgentCard): RequestHandler {
  const json = AgentCard.toJSON(card);
  return (req, res, next) => {
    const version = (req.header("a2a-version") ?? "").trim();
    if (version === "" || version.startsWith("0.")) {
      next();
      return;
    }
    res.set("Vary", "A2A-Version").set("Cache-Control", "public, max-age=300").json(json);
  };
}

/**
 * JSON-RPC 2.0 §5.1: a body that is not a request object (a primitive, a batch, no `jsonrpc: "2.0"`, no string
 * `method`) is an Invalid Request, -32600. (The SDK's v1.0 handler answers -32602 for these.)
 */
function requireRpcEnvelope(): RequestHandler {
  return (req, res, next) => {
    const body: unknown = req.body;
    const ok =
      typeof body === "object" &&
      body !== null &&
      !Array.isArray(body) &&
      (body as { jsonrpc?: unknown }).jsonrpc === "2.0" &&
      typeof (body as { method?: unknown }).method === "string";
    if (ok) {
      next();
      return;
    }
    const id = (body as { id?: unknown } | null)?.id;
    res.status(200).json({
      jsonrpc: "2.0",
      id: typeof id === "string" || typeof id === "number" ? id : null,
      error: { code: -32600, message: "Invalid JSON-RPC Request." },
    });
  };
}

export function buildA2aApp(config: Config, deps: A2aDeps, opts: A2aAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  const backends =
    deps.backends ?? createInProcessAgents(deps.runtime, {}, deps.logger ? { logger: deps.logger } : {});
  const principals = new WeakMap<Request, PrincipalUser>();
  const handlers = new Map<AgentId, DefaultRequestHandler>();
  const logger = deps.logger;
  // One limiter for the three agents: the budget is the principal's, whichever agent it calls.
  const limiter = rateLimit(config.server.rateLimitPerMin, principals);
  if (logger) {
    // One line per request (streams: when they end), with the JSON-RPC method and the principal, never the token.
    app.use((req, res, next) => {
      const t0 = performance.now();
      res.on("finish", () => {
        const rpc: unknown = (req.body as { method?: unknown } | undefined)?.method;
        logger.info(
          {
            method: req.method,
            path: req.originalUrl.split("?")[0],
            statusCode: res.statusCode,
            ms: Math.round(performance.now() - t0),
            ...(typeof rpc === "string" ? { rpc: rpc.slice(0, 64) } : {}),
            ...(principals.has(req) ? { principal: principals.get(req)?.principal.id } : {}),
          },
          "a2a request",
        );
      });
      next();
    });
  }

  for (const id of AGENT_IDS) {
    const base = agentPath(id);
    const card = agentCard(AGENT_SPECS[id], `${opts.baseUrl}${base}`);
    const executor = createAgentExecutor(id, backends[id], deps.logger ? { logger: deps.logger } : {});
    const tasks =
      deps.taskStores?.(id) ?? defaultTaskStore(config, id, deps.logger ? { logger: deps.logger } : {});
    const handler = new DefaultRequestHandler(card, tasks, executor);
    handlers.set(id, handler);
    app.get(`${base}${AGENT_CARD_PATH}`, v1Card(card));
    app.use(
      `${base}${AGENT_CARD_PATH}`,
      agentCardHandler({ agentCardProvider: handler, legacyCompat: { enabled: true } }),
    );
    app.post(
      base,
      authenticate(deps.authenticator, principals),
      limiter,
      express.json({ limit: config.server.bodyLimitBytes, type: () => true, strict: false }),
      bodyErrors(),
      requireRpcEnvelope(),
    );
    app.use(
      base,
      jsonRpcHandler({
        requestHandler: handler,
        legacyCompat: { enabled: true },
        userBuilder: async (req) => {
          const user = principals.get(req);
          if (!user) throw new AppError("UNAUTHENTICATED");
          return user;
        },
      }),
    );
  }
  // The root agent's card at the server's own well-known path too, for clients that only take a host.
  const root = handlers.get("root");
  if (root) {
    app.get(AGENT_CARD_PATH, v1Card(agentCard(AGENT_SPECS.root, `${opts.baseUrl}${agentPath("root")}`)));
    app.use(AGENT_CARD_PATH, agentCardHandler({ agentCardProvider: root, legacyCompat: { enabled: true } }));
  }
  app.use((_req, res) => {
    res.status(404).json(wireError("NOT_FOUND", "No such route."));
  });
  const last: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    deps.logger?.error({ err }, "a2a request failed");
    if (!res.headersSent)
      res.status(500).json(wireError("INTERNAL", "The server failed to handle the request."));
    else res.end();
  };
  app.use(last);
  return app;
}

export interface RunningA2aServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export interface A2aStartOptions {
  readonly host: string;
  readonly port: number;
  /** Advertised base URL (behind a proxy); default `http://<host>:<bound port>`. */
  readonly publicUrl?: string;
}

/** Listen first (port 0 → a free port), then build the app so the cards carry the bound URL. */
export async function startA2aServer(
  config: Config,
  deps: A2aDeps,
  opts: A2aStartOptions,
): Promise<RunningA2aServer> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  const url = (opts.publicUrl ?? `http://${host}:${port}`).replace(/\/+$/, "");
  server.on("request", buildA2aApp(config, deps, { baseUrl: url }));
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
