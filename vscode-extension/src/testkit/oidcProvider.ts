// Tests only: a small but real OpenID provider on 127.0.0.1 (node:http + jose): discovery document, JWKS, device
// authorization endpoint, token endpoint (device_code and refresh_token grants, RS256 JWTs) and revocation. Each
// device code answers the polls from a script (default: pending, pending, slow_down, then tokens), like a user who
// approves after a while. Knobs let tests mint tokens the backend rejects, shorten lifetimes and refuse refreshes.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { CryptoKey, JWK } from "jose";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

export type PollAnswer = "authorization_pending" | "slow_down" | "access_denied" | "expired_token" | "ok";

export const DEFAULT_SCRIPT: readonly PollAnswer[] = [
  "authorization_pending",
  "authorization_pending",
  "slow_down",
  "ok",
];

export interface TestOidcProvider {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly clientId: string;
  /** Answers for the polls of each new device code. */
  script: readonly PollAnswer[];
  /** Device codes' polling interval in (protocol) seconds. */
  intervalSec: number;
  /** Lifetime of the access tokens minted from now on. */
  accessTtlSec: number;
  /** How many of the next access tokens are signed with a key not in the JWKS (the API rejects them). */
  badTokens: number;
  /** The issuer the discovery document names (tests set another to see the client refuse it). */
  advertisedIssuer: string;
  /** Each token-endpoint poll for a device code: when, and what it was answered. */
  readonly polls: { at: number; answer: PollAnswer }[];
  /** Form bodies of every POST, by path. */
  readonly posts: { path: string; form: Record<string, string> }[];
  readonly issued: string[];
  readonly revoked: string[];
  readonly userCodes: string[];
  /** Called after each poll is answered (tests cancel from here). */
  onPoll: ((n: number) => void) | undefined;
  /** Forgets every refresh token (the next refresh gets invalid_grant). */
  dropRefreshTokens(): void;
  /** A valid access token for `sub`, outside any flow (the pasted-JWT path). */
  mint(sub: string, audience: string): Promise<string>;
  close(): Promise<void>;
}

export async function startOidcProvider(
  opts: { sub?: string; groups?: readonly string[] } = {},
): Promise<TestOidcProvider> {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const rogue: CryptoKey = (await generateKeyPair("RS256")).privateKey;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: "test-1", alg: "RS256", use: "sig" };
  const devices = new Map<string, { step: number; audience: string }>();
  const refreshTokens = new Map<string, { audience: string }>();
  let issuer = "";
  let polls = 0;

  const mint = async (sub: string, audience: string): Promise<string> => {
    const bad = p.badTokens > 0;
    if (bad) p.badTokens--;
    const jwt = await new SignJWT({ groups: [...(opts.groups ?? ["eng", "security"])], scope: "openid" })
      .setProtectedHeader({ alg: "RS256", kid: "test-1", typ: "at+jwt" })
      .setIssuer(issuer)
      .setSubject(sub)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + p.accessTtlSec)
      .setJti(randomBytes(8).toString("hex"))
      .sign(bad ? rogue : privateKey);
    p.issued.push(jwt);
    return jwt;
  };

  const tokens = async (audience: string) => {
    const refresh = randomBytes(24).toString("base64url");
    refreshTokens.set(refresh, { audience });
    return {
      access_token: await mint(opts.sub ?? "carol", audience),
      token_type: "Bearer",
      expires_in: p.accessTtlSec,
      refresh_token: refresh,
      scope: "openid profile email offline_access",
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", issuer);
    const send = (status: number, body: unknown): void => {
      res
        .writeHead(status, { "content-type": "application/json", "cache-control": "no-store" })
        .end(JSON.stringify(body));
    };
    if (req.method === "GET" && url.pathname === "/.well-known/openid-configuration") {
      return send(200, {
        issuer: p.advertisedIssuer,
        jwks_uri: `${issuer}/jwks`,
        token_endpoint: `${issuer}/token`,
        device_authorization_endpoint: `${issuer}/device_authorization`,
        revocation_endpoint: `${issuer}/revoke`,
        grant_types_supported: ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
      });
    }
    if (req.method === "GET" && url.pathname === "/jwks") return send(200, { keys: [jwk] });
    if (req.method !== "POST") return send(404, { error: "not_found" });
    if (!String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) {
      return send(400, { error: "invalid_request", error_description: "form body expected" });
    }
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const form = Object.fromEntries(new URLSearchParams(raw));
    p.posts.push({ path: url.pathname, form });
    if (form.client_id !== p.clientId) return send(401, { error: "invalid_client" });

    if (url.pathname === "/device_authorization") {
      if (!form.scope?.split(" ").includes("openid")) return send(400, { error: "invalid_scope" });
      const deviceCode = randomBytes(16).toString("hex");
      const userCode = `${randomBytes(2).toString("hex")}-${randomBytes(2).toString("hex")}`.toUpperCase();
      // No audience asked for: the token is for the client itself (Auth0's behaviour), which the API rejects.
      devices.set(deviceCode, { step: 0, audience: form.audience ?? p.clientId });
      p.userCodes.push(userCode);
      return send(200, {
        device_code: deviceCode,
        user_code: userCode,
        verification_uri: `${issuer}/activate`,
        verification_uri_complete: `${issuer}/activate?user_code=${userCode}`,
        expires_in: 600,
        interval: p.intervalSec,
      });
    }
    if (url.pathname === "/token" && form.grant_type === "urn:ietf:params:oauth:grant-type:device_code") {
      const d = devices.get(form.device_code ?? "");
      if (!d) return send(400, { error: "invalid_grant" });
      const answer = p.script[Math.min(d.step++, p.script.length - 1)] ?? "ok";
      p.polls.push({ at: Date.now(), answer });
      polls++;
      if (answer === "ok") {
        devices.delete(form.device_code ?? "");
        send(200, await tokens(d.audience));
      } else send(400, { error: answer });
      p.onPoll?.(polls);
      return;
    }
    if (url.pathname === "/token" && form.grant_type === "refresh_token") {
      const r = refreshTokens.get(form.refresh_token ?? "");
      if (!r)
        return send(400, { error: "invalid_grant", error_description: "refresh token unknown or revoked" });
      refreshTokens.delete(form.refresh_token ?? ""); // rotation: each refresh token works once
      return send(200, await tokens(r.audience));
    }
    if (url.pathname === "/revoke") {
      refreshTokens.delete(form.token ?? "");
      p.revoked.push(form.token ?? "");
      return send(200, {});
    }
    return send(400, { error: "unsupported_grant_type" });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const p: TestOidcProvider = {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    clientId: "isa-vscode",
    script: DEFAULT_SCRIPT,
    intervalSec: 1,
    accessTtlSec: 3600,
    badTokens: 0,
    advertisedIssuer: issuer,
    polls: [],
    posts: [],
    issued: [],
    revoked: [],
    userCodes: [],
    onPoll: undefined,
    dropRefreshTokens: () => refreshTokens.clear(),
    mint,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return p;
}
