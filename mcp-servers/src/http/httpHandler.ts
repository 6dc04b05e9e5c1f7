// Streamable HTTP for any of our servers: Host/Origin allow-list (DNS-rebinding protection), bearer auth mapped to
// a Principal by the injected Authenticator (401 otherwise), one McpServer + transport per `mcp-session-id`,
// each session bound to the principal that opened it. The handler is built apart from listen() (tests, embedding).
// Per the MCP authorization spec (2025-11-25) it serves RFC 9728 protected-resource metadata, naming the OIDC
// issuer as authorization server when there is one, and points to it from every 401's WWW-Authenticate.
//
// Limits per person, so one token cannot lock others out: each principal may hold `maxSessionsPerPrincipal` sessions
// (past it, 429 RATE_LIMITED), every request draws on the principal's budget in the injected RateLimiter (core's
// port: the same `principal:<id>` key as the API and A2A; per process by default, since an MCP process loads no
// database driver), and when the global session cap is reached the least recently used session of whoever holds
// the most is closed to make room, so a newcomer is never answered 503 because someone else filled the server.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Principal, RateLimiter } from "@isa/core";
import { createMemoryRateLimiter, isAppError, principalRateKey } from "@isa/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { authInfoFor } from "../shared/principal.js";

/** The API's authenticator (backend/src/auth): a bearer header in, a Principal out, or a thrown AppError. */
export interface Authenticator {
  authenticate(authorizationHeader: string | undefined): Promise<Principal>;
}

export interface HttpHandlerOptions {
  /** A fresh server for a new session; tools read the caller from `authInfo` (principalFromAuth). */
  readonly createServer: () => McpServer;
  readonly authenticator: Authenticator;
  /** Host names (no port) accepted in `Host` and `Origin`. Default: 127.0.0.1, localhost, [::1]. */
  readonly allowedHosts?: readonly string[];
  /** Endpoint path. Default `/mcp`. */
  readonly path?: string;
  /** Sessions held at most (default 1000); past it the heaviest holder's least recently used one is closed. */
  readonly maxSessions?: number;
  /** Sessions one principal may hold (default 16); one more is 429 RATE_LIMITED. */
  readonly maxSessionsPerPrincipal?: number;
  /** Every request takes one unit of its principal's budget. Default: 600 per minute, per process. */
  readonly rateLimiter?: RateLimiter;
  /** Sessions unused this long are closed. Default 30 minutes. */
  readonly sessionIdleMs?: number;
  readonly maxBodyBytes?: number;
  readonly onError?: (err: unknown) => void;
  /** RFC 9728 protected-resource metadata. */
  readonly resourceMetadata?: ResourceMetadataOptions;
}

export interface ResourceMetadataOptions {
  /** Authorization servers (the OIDC issuer) clients get tokens from; empty: tokens are handed out of band. */
  readonly authorizationServers?: readonly string[];
  /** The endpoint's public URL (`resource`); unset: `http://<Host><path>` of each request. */
  readonly publicUrl?: string | undefined;
  readonly resourceName?: string;
  readonly documentationUrl?: string;
}

const WELL_KNOWN = "/.well-known/oauth-protected-resource";

export interface HttpHandler {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  readonly sessionCount: () => number;
  /** Sessions held by one principal. */
  readonly sessionsOf: (principalId: string) => number;
  close(): Promise<void>;
}

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: McpServer;
  readonly principalId: string;
  lastSeen: number;
}

/** A limit reached: 429 with Retry-After and the catalog's code in the JSON-RPC error's data. */
function rateLimited(res: ServerResponse, retryAfterSeconds: number, message: string) {
  if (res.headersSent) return;
  res.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfterSeconds) });
  res.end(
    JSON.stringify({
      jsonrpc: "2.0",
      error: { code: -32000, message, data: { code: "RATE_LIMITED", retryAfterSeconds } },
      id: null,
    }),
  );
}

export const DEFAULT_ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"] as const;

function jsonRpcError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
) {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

/** Host name of a `Host` header value (`name:port`, `[v6]:port`). */
function hostName(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1).toLowerCase();
  return (host.split(":")[0] ?? "").toLowerCase();
}

function originHost(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    return u.hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > max) throw new RangeError("body too large");
    chunks.push(c);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

export function createHttpHandler(opts: HttpHandlerOptions): HttpHandler {
  const allowed = new Set((opts.allowedHosts ?? DEFAULT_ALLOWED_HOSTS).map((h) => h.toLowerCase()));
  const endpoint = opts.path ?? "/mcp";
  const maxSessions = opts.maxSessions ?? 1000;
  const perPrincipal = opts.maxSessionsPerPrincipal ?? 16;
  const limiter = opts.rateLimiter ?? createMemoryRateLimiter({ limit: 600 });
  const ownsLimiter = opts.rateLimiter === undefined;
  /** Session count per principal (kept beside `sessions` so the cap check is O(1)). */
  const held = new Map<string, number>();
  const count = (principalId: string, delta: number) => {
    const n = (held.get(principalId) ?? 0) + delta;
    if (n <= 0) held.delete(principalId);
    else held.set(principalId, n);
  };
  /** Forget a session (idempotent: the sweep, eviction and the transport's onclose may all call it). */
  const drop = (id: string): Session | undefined => {
    const s = sessions.get(id);
    if (!s) return undefined;
    sessions.delete(id);
    count(s.principalId, -1);
    return s;
  };
  /** At the global cap: close the least recently used session of the principal holding the most. */
  const evictOne = (): boolean => {
    let heaviest: string | undefined;
    let most = 0;
    for (const [p, n] of held) {
      if (n > most) {
        most = n;
        heaviest = p;
      }
    }
    let victim: [string, Session] | undefined;
    for (const entry of sessions) {
      if (entry[1].principalId !== heaviest) continue;
      if (!victim || entry[1].lastSeen < victim[1].lastSeen) victim = entry;
    }
    if (!victim) return false;
    const s = drop(victim[0]);
    void s?.transport.close().catch(opts.onError);
    return true;
  };
  const idleMs = opts.sessionIdleMs ?? 30 * 60_000;
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const sessions = new Map<string, Session>();

  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [id, s] of sessions) {
        if (now - s.lastSeen > idleMs) {
          drop(id);
          void s.transport.close().catch(opts.onError);
        }
      }
    },
    Math.min(idleMs, 60_000),
  );
  sweep.unref();

  const meta = opts.resourceMetadata ?? {};
  /** The resource URL clients use: configured, or this request's own origin + endpoint (Host is allow-listed). */
  const resourceUrl = (host: string) => meta.publicUrl ?? `http://${host}${endpoint}`;
  /** RFC 9728 §3.1: the well-known path with the resource's path appended (`/.well-known/…/mcp`). */
  const metadataUrl = (host: string) => {
    const u = new URL(resourceUrl(host));
    return `${u.origin}${WELL_KNOWN}${u.pathname === "/" ? "" : u.pathname}`;
  };
  const metadataPaths = new Set([WELL_KNOWN, `${WELL_KNOWN}${endpoint}`]);
  if (meta.publicUrl) {
    const p = new URL(meta.publicUrl).pathname;
    metadataPaths.add(`${WELL_KNOWN}${p === "/" ? "" : p}`);
  }

  function serveMetadata(req: IncomingMessage, res: ServerResponse, host: string): void {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" });
      res.end();
      return;
    }
    const body = JSON.stringify({
      resource: resourceUrl(host),
      ...(meta.authorizationServers && meta.authorizationServers.length > 0
        ? { authorization_servers: [...meta.authorizationServers] }
        : {}),
      bearer_methods_supported: ["header"],
      resource_name: meta.resourceName ?? "innersource-assistant MCP",
      ...(meta.documentationUrl ? { resource_documentation: meta.documentationUrl } : {}),
    });
    // Public and cacheable; browsers (web-based MCP clients) may read it cross-origin.
    res.writeHead(200, {
      "content-type": "application/json",
      "cache-control": "public, max-age=3600",
      "access-control-allow-origin": "*",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://placeholder");
    const isMetadata = metadataPaths.has(url.pathname);
    if (url.pathname !== endpoint && !isMetadata) return jsonRpcError(res, 404, "Not found");
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends Host/Origin evil.example.
    const host = req.headers.host;
    if (!host || !allowed.has(hostName(host))) return jsonRpcError(res, 403, "Host not allowed");
    if (isMetadata) return serveMetadata(req, res, host);
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const oh = originHost(origin);
      if (oh === undefined || !allowed.has(oh)) return jsonRpcError(res, 403, "Origin not allowed");
    }

    let principal: Principal;
    try {
      principal = await opts.authenticator.authenticate(req.headers.authorization);
    } catch (err) {
      if (isAppError(err) && err.code === "FORBIDDEN") return jsonRpcError(res, 403, "Forbidden");
      if (!isAppError(err) || err.httpStatus >= 500) opts.onError?.(err);
      // RFC 6750 §3: no error code when no credentials were sent; invalid_token when they were refused.
      const presented = req.headers.authorization !== undefined;
      return jsonRpcError(res, 401, "Unauthorized: a valid bearer token is required", {
        "www-authenticate":
          `Bearer resource_metadata="${metadataUrl(host)}"` + (presented ? ', error="invalid_token"' : ""),
      });
    }
    const budget = await limiter.take(principalRateKey(principal.id));
    if (!budget.allowed) {
      req.resume();
      return rateLimited(
        res,
        budget.retryAfterSeconds,
        `Rate limit of ${budget.limit} requests per minute exceeded; retry in ${budget.retryAfterSeconds} s`,
      );
    }
    const token = (req.headers.authorization ?? "").replace(/^Bearer\s+/i, "");
    (req as IncomingMessage & { auth?: unknown }).auth = authInfoFor(principal, token);

    let body: unknown;
    if (req.method === "POST") {
      try {
        body = await readJson(req, maxBody);
      } catch (err) {
        const tooLarge = err instanceof RangeError;
        return jsonRpcError(res, tooLarge ? 413 : 400, tooLarge ? "Request body too large" : "Invalid JSON");
      }
    }

    const sid = req.headers["mcp-session-id"];
    if (typeof sid === "string") {
      const s = sessions.get(sid);
      // Another principal's session id is answered exactly like an unknown one.
      if (!s || s.principalId !== principal.id) return jsonRpcError(res, 404, "Session not found");
      s.lastSeen = Date.now();
      return s.transport.handleRequest(req, res, body);
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      return jsonRpcError(res, 400, "Bad request: no session id, and not an initialize request");
    }
    if ((held.get(principal.id) ?? 0) >= perPrincipal) {
      return rateLimited(
        res,
        60,
        `At most ${perPrincipal} MCP sessions per principal; close one (DELETE with its mcp-session-id) or wait for an idle one to expire`,
      );
    }
    while (sessions.size >= maxSessions) if (!evictOne()) break;
    // Counted from now (not once initialized), so a burst of concurrent initializes cannot overshoot the cap.
    count(principal.id, 1);
    let initialized = false;

    const server = opts.createServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        initialized = true;
        sessions.set(id, { transport, server, principalId: principal.id, lastSeen: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) drop(transport.sessionId);
      void server.close().catch(opts.onError);
    };
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } finally {
      if (!initialized) count(principal.id, -1);
    }
  }

  return {
    async handle(req, res) {
      try {
        await handle(req, res);
      } catch (err) {
        opts.onError?.(err);
        jsonRpcError(res, 500, "Internal error");
      }
    },
    sessionCount: () => sessions.size,
    sessionsOf: (principalId) => held.get(principalId) ?? 0,
    async close() {
      clearInterval(sweep);
      const all = [...sessions.values()];
      sessions.clear();
      held.clear();
      if (ownsLimiter) await limiter.close();
      await Promise.allSettled(all.map((s) => s.transport.close()));
    },
  };
}
