// A2A on the API's fastify instance: the docs, dev and root agents under /agents/{id}, each with its card at
// <agent>/.well-known/agent-card.json (public) and JSON-RPC at POST <agent>, through the SDK's framework-agnostic
// transport handlers (v1.0 methods; v0.3 names for clients that send `A2A-Version: 0.3` or none). Authentication,
// the per-principal rate limit, request ids, logs, metrics and the catalog's error shape are the API's own hooks
// (app.ts): one HTTP stack. What is A2A-specific lives here: the JSON-RPC envelope, content types, version
// negotiation, and SSE for streaming methods.
import { AgentCard, Extensions, formatSSEErrorEvent, formatSSEEvent, SSE_HEADERS } from "@a2a-js/sdk";
import { LegacyJsonRpcTransportHandler } from "@a2a-js/sdk/compat/v0_3/server";
import type { AgentExecutor, TaskStore } from "@a2a-js/sdk/server";
import {
  DefaultRequestHandler,
  defaultServerCallContextBuilder,
  JsonRpcTransportHandler,
  validateVersion,
} from "@a2a-js/sdk/server";
import type { AgentBackend, AgentId } from "@isa/agents";
import {
  AGENT_CARD_PATH,
  AGENT_IDS,
  AGENT_SPECS,
  agentCard,
  agentPath,
  createAgentExecutor,
  createInProcessAgents,
  legacyAgentCard,
  PrincipalUser,
} from "@isa/agents";
import { bearerToken } from "@isa/auth";
import type { Config } from "@isa/core";
import type { Runtime } from "@isa/engine";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { principalOf } from "../api/context.js";
import { defaultTaskStore } from "../persistence/index.js";

export interface A2aRouteDeps {
  readonly runtime: Runtime;
  readonly logger?: Logger;
  /** Replace the in-process backends (tests, or remote delegation). */
  readonly backends?: Readonly<Record<AgentId, AgentBackend>>;
  /** Each agent's task store. Default: PostgreSQL with ISA_DATABASE_URL, else in memory (persistence/). */
  readonly taskStores?: (agent: AgentId) => TaskStore;
  /**
   * Replace an agent's executor outright (the A2A TCK's scenario agent runs on this stack this way: same transport,
   * cards, task stores, auth and errors, its own behaviour). Default: the agent backends' executors.
   */
  readonly executors?: (agent: AgentId) => AgentExecutor | undefined;
  /** Told each agent's task store once made (the app registers the in-memory ones' /metrics gauges). */
  readonly onTaskStore?: (agent: AgentId, store: TaskStore) => void;
  /**
   * The public base URL the cards advertise (no trailing slash). Read when a card is first served, so a server can
   * listen on port 0 first and set it to the bound address.
   */
  readonly baseUrl: () => string;
}

const A2A_VERSION_HEADER = "a2a-version";
const LEGACY_VERSION = "0.3";
/** Media types a JSON-RPC request may declare; none declared is read as JSON too (curl, older clients). */
const JSON_MEDIA = new Set(["application/json", "application/a2a+json"]);

const rpcError = (id: unknown, code: number, message: string) => ({
  jsonrpc: "2.0" as const,
  id: typeof id === "string" || typeof id === "number" ? id : null,
  error: { code, message },
});

/** JSON-RPC 2.0 §5.1: a body that is not one request object (primitive, batch, no version or method) is -32600. */
function isRpcEnvelope(body: unknown): body is { jsonrpc: "2.0"; method: string; id?: unknown } {
  return (
    typeof body === "object" &&
    body !== null &&
    !Array.isArray(body) &&
    (body as { jsonrpc?: unknown }).jsonrpc === "2.0" &&
    typeof (body as { method?: unknown }).method === "string"
  );
}

/**
 * The version a request speaks: the header's, or v0.3 when it has none (the v0.3 specification had no header).
 * Cards are the exception (see registerCard): they are v1.0 unless 0.3 is asked for by name.
 */
function requestedVersion(request: FastifyRequest): string | undefined {
  const h = request.headers[A2A_VERSION_HEADER];
  const v = (Array.isArray(h) ? h[0] : h)?.trim();
  return v ? v : undefined;
}

function registerCard(app: FastifyInstance, url: string, card: () => AgentCard, legacy: () => unknown): void {
  let v1: string | undefined;
  let v03: string | undefined;
  app.get(url, { config: { isaPublic: true } }, async (request, reply) => {
    // The v1.0 card (proto-JSON: AgentCard.toJSON) unless the client names 0.3: a client that sends no version
    // header gets the v1.0 shape too, so the card validates against the v1.0 schema whatever it sends (the A2A
    // TCK's CARD-STRUCT-001); a v0.3 client that asks for 0.3 still gets the card it can read (top-level url).
    const legacyAsked = requestedVersion(request)?.startsWith("0.") === true;
    if (legacyAsked) v03 ??= JSON.stringify(legacy());
    else v1 ??= JSON.stringify(AgentCard.toJSON(card()));
    const body = legacyAsked ? v03 : v1;
    return reply
      .header("vary", "A2A-Version")
      .header("cache-control", "public, max-age=300")
      .type("application/json")
      .send(body);
  });
}

async function sendStream(
  request: FastifyRequest,
  reply: FastifyReply,
  stream: AsyncGenerator<unknown, void, undefined>,
  mapError: (err: unknown) => { code: number; message: string },
  id: unknown,
): Promise<void> {
  const iterator = stream[Symbol.asyncIterator]();
  let first: IteratorResult<unknown, void>;
  try {
    first = await iterator.next();
  } catch (err) {
    // Failed before the first event: a plain JSON-RPC error, no stream opened.
    await reply.type("application/json").send({ ...rpcError(id, 0, ""), error: mapError(err) });
    return;
  }
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { ...SSE_HEADERS, "x-request-id": request.id });
  // A client that goes away ends the iteration (the SDK's event queue is released by return()).
  const onClose = () => {
    void iterator.return?.();
  };
  raw.once("close", onClose);
  try {
    if (!first.done) raw.write(formatSSEEvent(first.value as never));
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (raw.destroyed) break;
      raw.write(formatSSEEvent(next.value as never));
    }
  } catch (err) {
    request.log.warn({ err }, "A2A stream failed after it started");
    if (!raw.destroyed)
      raw.write(formatSSEErrorEvent({ ...rpcError(id, 0, ""), error: mapError(err) } as never));
  } finally {
    raw.off("close", onClose);
    if (!raw.writableEnded) raw.end();
  }
}

/** Registers the three agents' cards and JSON-RPC endpoints (plus the root card at the server's well-known path). */
export function registerA2a(app: FastifyInstance, config: Config, deps: A2aRouteDeps): void {
  const backends =
    deps.backends ?? createInProcessAgents(deps.runtime, {}, deps.logger ? { logger: deps.logger } : {});
  const cardOf = (id: AgentId) => agentCard(AGENT_SPECS[id], `${deps.baseUrl()}${agentPath(id)}`);
  const legacyCardOf = (id: AgentId) => legacyAgentCard(AGENT_SPECS[id], `${deps.baseUrl()}${agentPath(id)}`);

  // JSON-RPC bodies are read as text whatever their declared type: a wrong type is a JSON-RPC error (-32005), bad
  // JSON is -32700, both answered by the handler, not by the API's 415/400 (A2A clients expect JSON-RPC errors).
  void app.register(async (rpc) => {
    rpc.removeAllContentTypeParsers();
    rpc.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));

    for (const id of AGENT_IDS) {
      // The task store now (its schema migration starts at start); the card and handler on first use, because the
      // card carries the server's public URL, known only once it listens (port 0 in tests).
      const tasks =
        deps.taskStores?.(id) ?? defaultTaskStore(config, id, deps.logger ? { logger: deps.logger } : {});
      deps.onTaskStore?.(id, tasks);
      const executor =
        deps.executors?.(id) ??
        createAgentExecutor(id, backends[id], deps.logger ? { logger: deps.logger } : {});
      let cached: { card: AgentCard; handler: DefaultRequestHandler } | undefined;
      const handlerOf = () => {
        if (!cached) {
          const card = cardOf(id);
          cached = { card, handler: new DefaultRequestHandler(card, tasks, executor) };
        }
        return cached;
      };
      const current = {
        v1: undefined as JsonRpcTransportHandler | undefined,
        legacy: undefined as LegacyJsonRpcTransportHandler | undefined,
      };
      const transports = () => {
        const { handler } = handlerOf();
        current.v1 ??= new JsonRpcTransportHandler(handler);
        current.legacy ??= new LegacyJsonRpcTransportHandler(handler);
        return current as { v1: JsonRpcTransportHandler; legacy: LegacyJsonRpcTransportHandler };
      };

      registerCard(
        rpc,
        `${agentPath(id)}${AGENT_CARD_PATH}`,
        () => handlerOf().card,
        () => legacyCardOf(id),
      );

      const handle = async (request: FastifyRequest, reply: FastifyReply) => {
        const version = requestedVersion(request);
        const legacy = (version ?? LEGACY_VERSION) === LEGACY_VERSION;
        const mapError = legacy
          ? LegacyJsonRpcTransportHandler.mapToLegacyJSONRPCError
          : JsonRpcTransportHandler.mapToJSONRPCError;
        const contentType = request.headers["content-type"];
        if (contentType !== undefined) {
          const media = contentType.split(";", 1)[0]?.trim().toLowerCase() ?? "";
          if (!JSON_MEDIA.has(media)) {
            return reply.send(rpcError(null, -32005, `Content type ${media || "(empty)"} is not supported.`));
          }
        }
        let body: unknown;
        try {
          body = JSON.parse(typeof request.body === "string" ? request.body : "");
        } catch {
          return reply.send(rpcError(null, -32700, "Invalid JSON payload."));
        }
        if (!isRpcEnvelope(body)) {
          return reply.send(
            rpcError((body as { id?: unknown } | null)?.id, -32600, "Invalid JSON-RPC Request."),
          );
        }
        request.log.info({ rpc: body.method.slice(0, 64), agent: id }, "a2a call");
        const principal = principalOf(request);
        try {
          const extensions = request.headers[legacy ? "x-a2a-extensions" : "a2a-extensions"];
          const context = defaultServerCallContextBuilder({
            extensions: Extensions.parseServiceParameter(
              Array.isArray(extensions) ? extensions.join(",") : extensions,
            ),
            user: new PrincipalUser(principal, bearerToken(request.headers.authorization)),
            headers: request.headers,
            ...(version ? { requestedVersion: version } : {}),
          });
          validateVersion(context.requestedVersion, handlerOf().card, "JSONRPC");
          const t = transports();
          const result = await (legacy ? t.legacy : t.v1).handle(body as never, context);
          if (result && typeof (result as AsyncGenerator)[Symbol.asyncIterator] === "function") {
            await sendStream(
              request,
              reply,
              result as AsyncGenerator<unknown, void, undefined>,
              mapError,
              body.id,
            );
            return reply;
          }
          return reply.type("application/json").send(result);
        } catch (err) {
          return reply.send({ ...rpcError(body.id, 0, ""), error: mapError(err) });
        }
      };
      // With and without a trailing slash: clients resolve "/" against the interface URL (the TCK's does).
      rpc.post(agentPath(id), handle);
      rpc.post(`${agentPath(id)}/`, handle);
    }
    // The root agent's card at the server's own well-known path too, for clients that only take a host.
    registerCard(
      rpc,
      AGENT_CARD_PATH,
      () => cardOf("root"),
      () => legacyCardOf("root"),
    );
  });
}
