// RFC 9728 protected-resource metadata on the Streamable HTTP handler (MCP authorization spec 2025-11-25): the
// well-known document, the WWW-Authenticate pointer on 401, and the SDK's real client following both to the OIDC
// issuer's authorization endpoint with the right `resource` parameter.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAuthenticator, parseTokensFile } from "@isa/auth";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import {
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKENS_YAML } from "../testkit/fixtures.js";
import { createHttpHandler, type ResourceMetadataOptions } from "./httpHandler.js";
import type { Listening } from "./listen.js";
import { listenHttp } from "./listen.js";

let issuer: Server;
let issuerUrl: string;
const opened: Listening[] = [];

async function serve(resourceMetadata?: ResourceMetadataOptions): Promise<Listening> {
  const handler = createHttpHandler({
    createServer: () => new McpServer({ name: "t", version: "0" }),
    authenticator: createAuthenticator({ tokens: parseTokensFile(TOKENS_YAML) }),
    ...(resourceMetadata ? { resourceMetadata } : {}),
  });
  const l = await listenHttp(handler, { host: "127.0.0.1", port: 0 });
  opened.push(l);
  return l;
}

beforeAll(async () => {
  // A minimal authorization server: only its RFC 8414 metadata is needed for the client to build the redirect.
  issuer = createServer((req, res) => {
    const base = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
    if (req.url?.startsWith("/.well-known/oauth-authorization-server")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          response_types_supported: ["code"],
          code_challenge_methods_supported: ["S256"],
        }),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => issuer.listen(0, "127.0.0.1", r));
  issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.allSettled(opened.map((l) => l.close()));
  issuer?.closeAllConnections();
  await new Promise<void>((r) => issuer.close(() => r()));
});

describe("protected-resource metadata (RFC 9728)", () => {
  it("serves the document at the path-specific and root well-known URLs, without auth", async () => {
    const l = await serve({ authorizationServers: [issuerUrl] });
    const origin = new URL(l.url).origin;
    for (const p of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]) {
      const res = await fetch(`${origin}${p}`);
      expect(res.status, p).toBe(200);
      expect(await res.json()).toEqual({
        resource: l.url,
        authorization_servers: [issuerUrl],
        bearer_methods_supported: ["header"],
        resource_name: "innersource-assistant MCP",
      });
    }
    expect(
      (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`, { method: "POST" })).status,
    ).toBe(405);
    expect((await fetch(`${origin}/.well-known/other`)).status).toBe(404);
    // Through the SDK's own discovery.
    const meta = await discoverOAuthProtectedResourceMetadata(new URL(l.url));
    expect(meta.authorization_servers).toEqual([issuerUrl]);
  });

  it("names no authorization server without OIDC, and honours a configured public URL", async () => {
    const plain = await serve();
    const metaRes = await fetch(`${new URL(plain.url).origin}/.well-known/oauth-protected-resource/mcp`);
    const doc = (await metaRes.json()) as Record<string, unknown>;
    expect(doc).not.toHaveProperty("authorization_servers");
    expect(doc.resource).toBe(plain.url);

    const proxied = await serve({ publicUrl: "https://isa.example.com/tools/mcp" });
    const origin = new URL(proxied.url).origin;
    const viaProxyPath = await fetch(`${origin}/.well-known/oauth-protected-resource/tools/mcp`);
    expect(((await viaProxyPath.json()) as { resource: string }).resource).toBe(
      "https://isa.example.com/tools/mcp",
    );
    const res = await fetch(proxied.url, { method: "POST", body: "{}" });
    expect(extractWWWAuthenticateParams(res).resourceMetadataUrl?.href).toBe(
      "https://isa.example.com/.well-known/oauth-protected-resource/tools/mcp",
    );
  });

  it("points every 401 to the metadata; invalid_token only when a token was refused", async () => {
    const l = await serve({ authorizationServers: [issuerUrl] });
    const metaUrl = `${new URL(l.url).origin}/.well-known/oauth-protected-resource/mcp`;
    const none = await fetch(l.url, { method: "POST", body: "{}" });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${metaUrl}"`);
    const bad = await fetch(l.url, { method: "POST", body: "{}", headers: { authorization: "Bearer nope" } });
    expect(bad.status).toBe(401);
    const params = extractWWWAuthenticateParams(bad);
    expect(params.resourceMetadataUrl?.href).toBe(metaUrl);
    expect(params.error).toBe("invalid_token");
    // Host allow-listing applies to the metadata too.
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(metaUrl, { headers: { host: "evil.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it("leads the SDK client, given no token, to the issuer's authorization endpoint for this resource", async () => {
    const l = await serve({ authorizationServers: [issuerUrl] });
    let redirectedTo: URL | undefined;
    let verifier = "";
    const provider: OAuthClientProvider = {
      redirectUrl: "http://127.0.0.1/callback",
      clientMetadata: { redirect_uris: ["http://127.0.0.1/callback"], client_name: "isa-test" },
      clientInformation: () => ({ client_id: "isa-test-client" }),
      tokens: () => undefined,
      saveTokens: () => {},
      redirectToAuthorization: (url) => {
        redirectedTo = url;
      },
      saveCodeVerifier: (v) => {
        verifier = v;
      },
      codeVerifier: () => verifier,
    };
    const client = new Client({ name: "isa-test", version: "0" });
    await expect(
      client.connect(new StreamableHTTPClientTransport(new URL(l.url), { authProvider: provider })),
    ).rejects.toThrow(/Unauthorized/i);
    expect(redirectedTo?.origin + (redirectedTo?.pathname ?? "")).toBe(`${issuerUrl}/authorize`);
    expect(redirectedTo?.searchParams.get("resource")).toBe(l.url);
    expect(redirectedTo?.searchParams.get("client_id")).toBe("isa-test-client");
    expect(redirectedTo?.searchParams.get("code_challenge_method")).toBe("S256");
  });
});
