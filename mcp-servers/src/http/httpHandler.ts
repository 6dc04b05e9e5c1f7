// Streamable HTTP for any of our servers: Host/Origin allow-list (DNS-rebinding protection), bearer auth mapped to
// a Principal by the injected Authenticator (401 otherwise), one McpServer + transport per `mcp-session-id`,
// each session bound to the principal that opened it. The handler is built apart from listen() (tests, embedding).
// Per the MCP authorization spec (2025-11-25) it serves RFC 9728 protected-resource metadata, naming the OIDC
// issuer as authorization server when there is one, and points to it from every 401's WWW-Authenticate.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Principal } from "@isa/core";
import { isAppError } from "@isa/core";
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
  readonly maxSessions?: number;
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
  close(): Promise<void>;
}

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: McpServer;
  readonly principalId: string;
  lastSeen: number;
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
  const idleMs = opts.sessionIdleMs ?? 30 * 60_000;
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const sessions = new Map<string, Session>();

  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [id, s] of sessions) {
        if (now - s.lastSeen > idleMs) {
          sessions.delete(id);
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
    if (sessions.size >= maxSessions) return jsonRpcError(res, 503, "Too many sessions; retry later");

    const server = opts.createServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, principalId: principal.id, lastSeen: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close().catch(opts.onError);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
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
    async close() {
      clearInterval(sweep);
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(all.map((s) => s.transport.close()));
    },
  };
}
