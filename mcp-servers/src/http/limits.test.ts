// Limits per person on MCP over HTTP, through a real listen on 127.0.0.1: one token opening 2,000 sessions gets 16
// and then 429 RATE_LIMITED while another principal is still served; at the global cap the heaviest holder's least
// recently used session makes room (never a 503 for a newcomer); and every request draws on the principal's budget.
import { createAuthenticator, parseTokensFile } from "@isa/auth";
import { createMemoryRateLimiter } from "@isa/core";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterEach, describe, expect, it } from "vitest";
import { TOKENS_YAML } from "../testkit/fixtures.js";
import type { HttpHandlerOptions } from "./httpHandler.js";
import { createHttpHandler } from "./httpHandler.js";
import type { Listening } from "./listen.js";
import { listenHttp } from "./listen.js";

const opened: Listening[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((l) => l.close()));
});

async function serve(opts: Partial<HttpHandlerOptions>) {
  const handler = createHttpHandler({
    createServer: () => {
      const s = new McpServer({ name: "t", version: "0" });
      s.registerTool("ping", { description: "pong" }, async () => ({
        content: [{ type: "text", text: "pong" }],
      }));
      return s;
    },
    authenticator: createAuthenticator({ tokens: parseTokensFile(TOKENS_YAML) }),
    ...opts,
  });
  const l = await listenHttp(handler, { host: "127.0.0.1", port: 0 });
  opened.push(l);
  return { handler, url: l.url };
}

const INIT = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } },
};

async function initialize(url: string, token: string) {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    },
    body: JSON.stringify(INIT),
  });
  const text = await res.text();
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    text,
    sid: res.headers.get("mcp-session-id"),
  };
}

async function pingAs(url: string, token: string): Promise<string> {
  const client = new Client({ name: "t", version: "0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  const r = await client.callTool({ name: "ping", arguments: {} });
  await client.close();
  return (r.content as { text: string }[])[0]?.text ?? "";
}

describe("MCP over HTTP: limits per person", () => {
  it("one token trying 2,000 sessions gets its 16, then 429 RATE_LIMITED; another principal is still served", async () => {
    const { handler, url } = await serve({ rateLimiter: createMemoryRateLimiter({ limit: 100_000 }) });
    const statuses = new Map<number, number>();
    let next = 0;
    let retryAfter: string | null = null;
    let body = "";
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < 2000) {
          next++;
          const r = await initialize(url, "alice-token");
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 429) {
            retryAfter = r.retryAfter;
            body = r.text;
          }
        }
      }),
    );
    expect(Object.fromEntries(statuses)).toEqual({ 200: 16, 429: 1984 });
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(JSON.parse(body).error.data.code).toBe("RATE_LIMITED");
    expect(handler.sessionsOf("alice")).toBe(16);
    expect(await pingAs(url, "bob-token")).toBe("pong");
  });

  it("at the global cap the heaviest holder's least recently used session is closed for a newcomer", async () => {
    const { handler, url } = await serve({ maxSessions: 4, maxSessionsPerPrincipal: 3 });
    const alice = [];
    for (let i = 0; i < 3; i++) alice.push(await initialize(url, "alice-token"));
    expect(alice.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await initialize(url, "bob-token")).status).toBe(200);
    expect(handler.sessionCount()).toBe(4);
    expect((await initialize(url, "bob-token")).status).toBe(200);
    expect(handler.sessionCount()).toBe(4);
    expect(handler.sessionsOf("alice")).toBe(2);
    expect(handler.sessionsOf("bob")).toBe(2);
  });

  it("every request draws on the principal's budget: past it 429 with Retry-After, others unaffected", async () => {
    const { url } = await serve({ rateLimiter: createMemoryRateLimiter({ limit: 3 }) });
    for (let i = 0; i < 3; i++) expect((await initialize(url, "alice-token")).status).toBe(200);
    const refused = await initialize(url, "alice-token");
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(JSON.parse(refused.text).error.data.code).toBe("RATE_LIMITED");
    expect((await initialize(url, "bob-token")).status).toBe(200);
  });
});
