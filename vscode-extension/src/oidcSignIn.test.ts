// OIDC sign-in end to end: a real OpenID provider on 127.0.0.1 (testkit/oidcProvider: discovery, JWKS, device and
// token endpoints, RS256 JWTs) and a real backend that verifies its tokens (ISA_OIDC_ISSUER/AUDIENCE/JWKS_URL). The
// extension runs the device flow against them through the vscode double: code shown, "Copy & Open", polling that
// honours authorization_pending and slow_down, tokens in SecretStorage, then a status check and a cited answer with
// the JWT; refresh before expiry and once on a 401; denial, expiry, cancellation and sign-out.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { AnswerPayload } from "@isa/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TOKEN_KEY } from "./connection.js";
import { activateWith, type ExtensionApi } from "./extension.js";
import { OIDC_SESSION_KEY } from "./oidcSession.js";
import { DEFAULT_OIDC_SCOPES } from "./settings.js";
import { VIEW_ID } from "./sidebar.js";
import { COPY_AND_OPEN, type SignInResult } from "./signIn.js";
import { type RunningBackend, recordingFetch, startBackend } from "./testkit/backend.js";
import { EXTENSION_DIR } from "./testkit/extension.js";
import { DEFAULT_SCRIPT, startOidcProvider, type TestOidcProvider } from "./testkit/oidcProvider.js";
import {
  disposeAll,
  grantTrust,
  makeContext,
  reset,
  setConfig,
  setWorkspaceConfig,
  state,
} from "./testkit/vscode.js";

const AUDIENCE = "innersource-api";
/** One protocol second, shrunk: intervals of 1 s become 20 ms, a slow_down adds 100 ms. */
const SECOND_MS = 20;

let idp: TestOidcProvider;
let backend: RunningBackend;
beforeAll(async () => {
  idp = await startOidcProvider({ sub: "carol" });
  backend = await startBackend(undefined, {
    env: { ISA_OIDC_ISSUER: idp.issuer, ISA_OIDC_AUDIENCE: AUDIENCE, ISA_OIDC_JWKS_URL: idp.jwksUrl },
  });
});
afterAll(async () => {
  await backend?.close();
  await idp?.close();
});

let ctx: ReturnType<typeof makeContext>;
let api: ExtensionApi;
let rec: ReturnType<typeof recordingFetch>;

beforeEach(async () => {
  reset();
  idp.script = DEFAULT_SCRIPT;
  idp.accessTtlSec = 3600;
  idp.badTokens = 0;
  idp.advertisedIssuer = idp.issuer;
  idp.onPoll = undefined;
  setConfig({
    backendUrl: backend.url,
    "auth.mode": "oidc",
    "oidc.issuer": idp.issuer,
    "oidc.clientId": idp.clientId,
    "oidc.audience": AUDIENCE,
  });
  ctx = makeContext(EXTENSION_DIR);
  rec = recordingFetch();
  api = activateWith(ctx, { fetch: rec.fetch, oidcSecondMs: SECOND_MS });
  await api.firstCheck;
});
afterEach(() => disposeAll(ctx));

const signIn = async () => (await state.commands.get("innersource.signIn")?.()) as SignInResult;
const stored = async () => {
  const raw = await ctx.secrets.get(OIDC_SESSION_KEY);
  return raw
    ? (JSON.parse(raw) as { accessToken: string; refreshToken?: string; expiresAt?: number })
    : undefined;
};
const refreshGrants = () =>
  idp.posts.filter((p) => p.path === "/token" && p.form.grant_type === "refresh_token");
/** Stops the status bar's background re-checks (on every token change), so only the test's own calls reach the API. */
const quiet = () => api.status.dispose();
const errors = () => state.messages.filter((m) => m.level === "error").map((m) => m.text);

describe("device-code sign-in", () => {
  it("shows the code, polls through pending and slow_down, stores the tokens; the API accepts the JWT", async () => {
    expect((await api.connection.check()).state).toBe("unauthenticated");
    const pollsBefore = idp.polls.length;
    state.messageAnswers.push(COPY_AND_OPEN);
    expect(await signIn()).toBe("signed-in");

    const device = idp.posts.filter((p) => p.path === "/device_authorization").at(-1);
    expect(device?.form).toEqual({ client_id: idp.clientId, scope: DEFAULT_OIDC_SCOPES, audience: AUDIENCE });
    const polls = idp.polls.slice(pollsBefore);
    expect(polls.map((p) => p.answer)).toEqual([
      "authorization_pending",
      "authorization_pending",
      "slow_down",
      "ok",
    ]);
    // After slow_down the interval grows by 5 seconds (RFC 8628 §3.5): 1 → 6 protocol seconds.
    const gaps = polls.slice(1).map((p, i) => p.at - (polls[i]?.at ?? 0));
    expect(gaps[2]).toBeGreaterThanOrEqual(5 * SECOND_MS);

    const code = idp.userCodes.at(-1) ?? "";
    expect(
      state.messages.some((m) => m.text.includes(code) && m.text.includes(`${idp.issuer}/activate`)),
    ).toBe(true);
    expect(state.clipboard).toBe(code);
    expect(state.opened.map(String)).toEqual([`${idp.issuer}/activate?user_code=${code}`]);
    expect(state.progress.at(-1)?.options.cancellable).toBe(true);
    expect(state.progress.at(-1)?.reports.some((r) => r.message?.includes(code))).toBe(true);

    const session = await stored();
    expect(session?.accessToken).toBe(idp.issued.at(-1));
    expect(session?.refreshToken).toBeTruthy();
    expect(await ctx.secrets.get(TOKEN_KEY)).toBeUndefined();

    expect((await api.connection.check()).state).toBe("ok");
    expect(state.statusItems[0]?.text).toBe("$(book) InnerSource");
    // An ask through the command and the sidebar, as a user would.
    await state.commands.get("innersource.ask")?.("How do I rotate the staging database password?");
    await api.controller.idle;
    const posted = state.resolvedViews.get(VIEW_ID)?.webview.posted as {
      type: string;
      answer?: AnswerPayload;
    }[];
    const done = posted.filter((m) => m.type === "answer/done").at(-1);
    expect(done?.answer?.citations.map((c) => c.path)).toContain("eng/deploy.md");
    expect(posted.some((m) => m.type === "answer/error")).toBe(false);
  });

  it("without the audience the provider mints a token for the client itself, which the API refuses", async () => {
    setConfig({ "oidc.audience": "" });
    expect(await signIn()).toBe("signed-in");
    expect(idp.posts.filter((p) => p.path === "/device_authorization").at(-1)?.form.audience).toBeUndefined();
    const s = await api.connection.check();
    expect(s.state).toBe("unauthenticated");
  });

  it("refreshes shortly before the access token expires, and the client uses the fresh token", async () => {
    quiet();
    idp.accessTtlSec = 30; // under the one-minute refresh margin
    expect(await signIn()).toBe("signed-in");
    const first = await stored();
    idp.accessTtlSec = 3600;
    const before = refreshGrants().length;
    expect((await api.connection.check()).state).toBe("ok");
    expect(refreshGrants()).toHaveLength(before + 1);
    expect(refreshGrants().at(-1)?.form.refresh_token).toBe(first?.refreshToken);
    const second = await stored();
    expect(second?.accessToken).toBe(idp.issued.at(-1));
    expect(second?.accessToken).not.toBe(first?.accessToken);
    expect(second?.refreshToken).not.toBe(first?.refreshToken); // rotated
    expect(await api.connection.getToken()).toBe(second?.accessToken);
    // Fresh for an hour now: no more refreshes.
    expect((await api.connection.check()).state).toBe("ok");
    expect(refreshGrants()).toHaveLength(before + 1);
  });

  it("spends one refresh for a burst of requests (single-flight)", async () => {
    quiet();
    idp.accessTtlSec = 30;
    expect(await signIn()).toBe("signed-in");
    idp.accessTtlSec = 3600;
    const before = refreshGrants().length;
    const tokens = await Promise.all([1, 2, 3, 4].map(() => api.connection.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toBe(idp.issued.at(-1));
    expect(refreshGrants()).toHaveLength(before + 1);
  });

  it("refreshes once when the API answers 401, then retries with the new token", async () => {
    quiet();
    idp.badTokens = 1; // the first access token is signed with a key the JWKS does not hold
    expect(await signIn()).toBe("signed-in");
    const before = refreshGrants().length;
    const lookupsBefore = rec.calls.filter((c) => c.path === "/v1/lookup").length;
    expect((await api.connection.check()).state).toBe("ok");
    expect(refreshGrants()).toHaveLength(before + 1);
    expect(rec.calls.filter((c) => c.path === "/v1/lookup").length - lookupsBefore).toBe(2);
    expect((await stored())?.accessToken).toBe(idp.issued.at(-1));
  });

  it("refreshes only once per 401: a refreshed token that is refused too ends unauthenticated", async () => {
    quiet();
    idp.badTokens = 2;
    expect(await signIn()).toBe("signed-in");
    const before = refreshGrants().length;
    expect((await api.connection.check()).state).toBe("unauthenticated");
    expect(refreshGrants()).toHaveLength(before + 1);
  });

  it("a refused refresh token drops the session and says to sign in again", async () => {
    quiet();
    idp.accessTtlSec = 30;
    expect(await signIn()).toBe("signed-in");
    idp.dropRefreshTokens();
    const s = await api.connection.check();
    expect(s.state).toBe("unauthenticated");
    expect(s.detail).toContain("invalid_grant");
    expect(s.detail).toContain("Sign In");
    expect(await stored()).toBeUndefined();
  });

  it("denied in the browser: a clear error, nothing stored", async () => {
    idp.script = ["authorization_pending", "access_denied"];
    expect(await signIn()).toBe("failed");
    expect(errors()).toEqual([
      "InnerSource sign-in failed: Sign-in was denied in the browser. Run Sign In to try again.",
    ]);
    expect(await stored()).toBeUndefined();
  });

  it("an expired device code: a clear error", async () => {
    idp.script = ["authorization_pending", "expired_token"];
    expect(await signIn()).toBe("failed");
    expect(errors()).toEqual([
      "InnerSource sign-in failed: The sign-in code expired before it was approved. Run Sign In again.",
    ]);
  });

  it("cancel stops the polling", async () => {
    idp.script = ["authorization_pending"]; // would poll forever
    const before = idp.polls.length;
    idp.onPoll = () => {
      if (idp.polls.length - before === 2) state.progress.at(-1)?.cancel();
    };
    expect(await signIn()).toBe("cancelled");
    const polled = idp.polls.length - before;
    expect(polled).toBe(2);
    await new Promise((r) => setTimeout(r, 10 * SECOND_MS));
    expect(idp.polls.length - before).toBe(polled);
    expect(errors()).toEqual([]);
    expect(await stored()).toBeUndefined();
  });

  it("refuses a discovery document that names another issuer", async () => {
    idp.advertisedIssuer = "https://idp.evil.example";
    const posts = idp.posts.length;
    expect(await signIn()).toBe("failed");
    expect(errors()[0]).toContain('names the issuer "https://idp.evil.example"');
    expect(idp.posts.length).toBe(posts); // nothing was sent to the endpoints it advertised
  });

  it("sign out clears the tokens from SecretStorage and revokes the refresh token", async () => {
    expect(await signIn()).toBe("signed-in");
    const session = await stored();
    await ctx.secrets.store(TOKEN_KEY, "a-pasted-token");
    await state.commands.get("innersource.signOut")?.();
    expect(await ctx.secrets.keys()).toEqual([]);
    expect(idp.revoked).toContain(session?.refreshToken);
    expect((await api.connection.check()).state).toBe("unauthenticated");
  });

  it("ignores a session from another issuer or client", async () => {
    expect(await signIn()).toBe("signed-in");
    setConfig({ "oidc.clientId": "another-client" });
    expect(await api.connection.getToken()).toBeUndefined();
  });
});

describe("the other credentials still work", () => {
  it("oidc mode without issuer/client id: a pasted JWT", async () => {
    setConfig({ "oidc.issuer": "", "oidc.clientId": "" });
    state.inputAnswers.push(await idp.mint("dave", AUDIENCE));
    const posts = idp.posts.length;
    await signIn();
    expect(idp.posts.length).toBe(posts); // no device flow
    expect(await ctx.secrets.get(TOKEN_KEY)).toBe(idp.issued.at(-1));
    expect((await api.connection.check()).state).toBe("ok");
  });

  it("token mode: Sign In asks for the static token", async () => {
    setConfig({ "auth.mode": "token" });
    state.inputAnswers.push("some-static-token");
    await signIn();
    expect(await ctx.secrets.get(TOKEN_KEY)).toBe("some-static-token");
    expect(await stored()).toBeUndefined();
  });
});

describe("Restricted Mode", () => {
  it("ignores the workspace's issuer and client id until the workspace is trusted", async () => {
    const rogue = await startOidcProvider({ sub: "mallory" }); // a provider an untrusted folder's settings name
    try {
      state.trusted = false;
      setWorkspaceConfig({ "oidc.issuer": rogue.issuer, "oidc.clientId": rogue.clientId });
      expect(api.connection.settings.oidc.issuer).toBe(idp.issuer);
      expect(await signIn()).toBe("signed-in");
      expect(rogue.posts).toEqual([]);
      expect((await api.connection.check()).state).toBe("ok");

      grantTrust();
      expect(api.connection.settings.oidc.issuer).toBe(rogue.issuer);
      // The session belongs to the other issuer: not sent to anyone under the new settings.
      expect(await api.connection.getToken()).toBeUndefined();
    } finally {
      await rogue.close();
    }
  });
});

describe("manifest", () => {
  const manifest = JSON.parse(readFileSync(path.join(EXTENSION_DIR, "package.json"), "utf8"));
  it("contributes the OIDC settings and Sign Out, and ignores the OIDC settings of an untrusted workspace", () => {
    const props = Object.keys(manifest.contributes.configuration.properties);
    for (const k of [
      "innersource.oidc.issuer",
      "innersource.oidc.clientId",
      "innersource.oidc.scopes",
      "innersource.oidc.audience",
    ]) {
      expect(props).toContain(k);
      expect(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations).toContain(k);
    }
    expect(manifest.contributes.configuration.properties["innersource.oidc.scopes"].default).toBe(
      DEFAULT_OIDC_SCOPES,
    );
    expect(manifest.contributes.commands.map((c: { command: string }) => c.command)).toContain(
      "innersource.signOut",
    );
  });
});
