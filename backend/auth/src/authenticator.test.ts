// Authenticator through its public surface: static tokens from a real YAML file, and OIDC JWTs verified against a
// real JWKS served over HTTP on 127.0.0.1 with keys generated here.
import { mkdtempSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError } from "@isa/core";
import type { CryptoKey, JWK } from "jose";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthenticator } from "./authenticator.js";
import { hashToken, parseTokensFile } from "./tokensFile.js";

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("static tokens", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "isa-auth-"));
  const file = path.join(dir, "tokens.yaml");
  writeFileSync(
    file,
    [
      `- token_sha256: ${hashToken("alice-secret")}`,
      "  user: alice",
      "  groups: [eng, security]",
      `- token_sha256: ${hashToken("bob-secret").toUpperCase()}`,
      "  user: bob",
    ].join("\n"),
  );
  const auth = createAuthenticator({ tokensFile: file });

  it("resolves a known token to its principal, always in `public`", async () => {
    expect(await auth.authenticate("Bearer alice-secret")).toEqual({
      id: "alice",
      groups: ["public", "eng", "security"],
    });
    expect(await auth.authenticate("bearer   bob-secret")).toEqual({ id: "bob", groups: ["public"] });
  });

  it.each([
    undefined,
    "",
    "Bearer",
    "Bearer ",
    "Basic YWxpY2U6c2VjcmV0",
    "alice-secret",
    "Bearer alice-secret2",
    "Bearer alice-secret extra",
    `Bearer ${hashToken("alice-secret")}`,
    `Bearer ${"x".repeat(20_000)}`,
  ])("rejects %j with UNAUTHENTICATED", async (header) => {
    const e = await rejection(auth.authenticate(header));
    expect(e.code).toBe("UNAUTHENTICATED");
    expect(e.httpStatus).toBe(401);
  });

  it("fails at creation naming the problem for a malformed or missing file", () => {
    expect(() => parseTokensFile("- token_sha256: abc\n  user: x\n")).toThrow(/64 hex digits/);
    expect(() => parseTokensFile("- {token_sha256: 'aa', user: x, extra: 1}")).toThrow(AppError);
    expect(() => parseTokensFile("{not: [a list")).toThrow(/YAML/);
    const h = hashToken("t");
    expect(() => parseTokensFile(`- {token_sha256: ${h}, user: a}\n- {token_sha256: ${h}, user: b}`)).toThrow(
      /twice/,
    );
    expect(() => createAuthenticator({ tokensFile: path.join(dir, "missing.yaml") })).toThrow(
      /ISA_TOKENS_FILE/,
    );
  });

  it("with no credentials configured, rejects everyone", async () => {
    expect((await rejection(createAuthenticator({}).authenticate("Bearer x"))).code).toBe("UNAUTHENTICATED");
  });
});

describe("OIDC JWTs against a real JWKS endpoint", () => {
  const issuer = "https://idp.example.test/";
  const audience = "innersource-assistant";
  let server: Server;
  let jwksUrl: string;
  let key: CryptoKey;
  let otherKey: CryptoKey;
  let jwksFetches = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair("ES256");
    key = pair.privateKey;
    otherKey = (await generateKeyPair("ES256")).privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    server = createServer((req, res) => {
      jwksFetches++;
      if (req.url !== "/jwks.json") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sign = (
    claims: Record<string, unknown>,
    opts: { k?: CryptoKey; iss?: string; aud?: string; exp?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer(opts.iss ?? issuer)
      .setAudience(opts.aud ?? audience)
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? "5m")
      .sign(opts.k ?? key);

  const make = (groupsClaim = "groups") =>
    createAuthenticator({ oidc: { issuer, audience, jwksUrl, groupsClaim } });

  it("verifies signature, issuer and audience and maps sub + groups", async () => {
    const jwt = await sign({ sub: "carol", groups: ["eng", "eng"] });
    expect(await make().authenticate(`Bearer ${jwt}`)).toEqual({ id: "carol", groups: ["public", "eng"] });
    expect(jwksFetches).toBeGreaterThan(0);
  });

  it("reads groups from a configurable (nested or string) claim", async () => {
    const nested = await sign({ sub: "dan", realm_access: { roles: ["ops"] } });
    expect((await make("realm_access.roles").authenticate(`Bearer ${nested}`)).groups).toEqual([
      "public",
      "ops",
    ]);
    const str = await sign({ sub: "erin", roles: "a, b c" });
    expect((await make("roles").authenticate(`Bearer ${str}`)).groups).toEqual(["public", "a", "b", "c"]);
    const none = await sign({ sub: "fay" });
    expect((await make().authenticate(`Bearer ${none}`)).groups).toEqual(["public"]);
  });

  it("rejects wrong key, issuer, audience, expiry, missing sub, alg none and garbage", async () => {
    const auth = make();
    const bad = [
      await sign({ sub: "x" }, { k: otherKey }),
      await sign({ sub: "x" }, { iss: "https://evil.example/" }),
      await sign({ sub: "x" }, { aud: "someone-else" }),
      await sign({ sub: "x" }, { exp: "-10m" }),
      await sign({}),
      // alg:none: header {"alg":"none"}, no signature.
      `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(
        JSON.stringify({ sub: "x", iss: issuer, aud: audience, exp: 9_999_999_999 }),
      ).toString("base64url")}.`,
      "a.b.c",
    ];
    for (const jwt of bad) {
      const e = await rejection(auth.authenticate(`Bearer ${jwt}`));
      expect(e.code).toBe("UNAUTHENTICATED");
    }
  });

  it("a token file and OIDC together: either credential works", async () => {
    const auth = createAuthenticator({
      tokens: parseTokensFile(`- {token_sha256: ${hashToken("svc")}, user: bot, groups: [bots]}`),
      oidc: { issuer, audience, jwksUrl, groupsClaim: "groups" },
    });
    expect((await auth.authenticate("Bearer svc")).id).toBe("bot");
    expect((await auth.authenticate(`Bearer ${await sign({ sub: "gil" })}`)).id).toBe("gil");
  });
});
