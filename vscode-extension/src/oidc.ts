// The OAuth side of OIDC sign-in, with no VS Code in it: OpenID Connect discovery, the Device Authorization Grant
// (RFC 8628: the editor shows a code, the user approves in a browser, the editor polls the token endpoint) and the
// refresh grant (RFC 6749 §6). Every response is parsed by a zod schema; every failure is an AppError whose message
// a user can act on. The device flow suits an editor: no redirect URI, no local listener, works over remote SSH.
import { AppError } from "@isa/core";
import { z } from "zod";

export interface OidcClientConfig {
  /** The issuer URL exactly as the backend's ISA_OIDC_ISSUER (the `iss` of the tokens). */
  readonly issuer: string;
  readonly clientId: string;
  /** Space-separated scopes sent with the device authorization request. */
  readonly scopes: string;
  /** Sent as `audience` (Auth0 and others mint an access token for that API); "" = not sent. */
  readonly audience: string;
}

export interface ProviderMetadata {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly deviceAuthorizationEndpoint: string;
  readonly revocationEndpoint?: string;
}

export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch ms; absent when the provider did not say (then only a 401 triggers a refresh). */
  readonly expiresAt?: number;
}

export interface DeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUri: string;
  /** The verification URI with the code filled in (the user only confirms), when the provider offers one. */
  readonly verificationUriComplete?: string;
  readonly expiresInSec: number;
  /** Seconds between polls (RFC 8628 default 5). */
  readonly intervalSec: number;
}

const discoverySchema = z.object({
  issuer: z.string(),
  token_endpoint: z.string(),
  device_authorization_endpoint: z.string().optional(),
  revocation_endpoint: z.string().optional(),
});

const deviceAuthorizationSchema = z.object({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  verification_uri: z.string(),
  verification_uri_complete: z.string().optional(),
  expires_in: z.coerce.number().positive(),
  interval: z.coerce.number().positive().optional(),
});

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
});

const tokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const REQUEST_TIMEOUT_MS = 15_000;

/** https only, except loopback (a developer's local provider): a token endpoint over plain http leaks tokens. */
export function checkedUrl(raw: string, what: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new AppError("CONFIG_INVALID", `The ${what} "${raw}" is not a URL.`);
  }
  const loopback = u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]";
  if (u.protocol !== "https:" && !(u.protocol === "http:" && loopback)) {
    throw new AppError("CONFIG_INVALID", `The ${what} "${raw}" must use https.`);
  }
  return u.href;
}

const sameIssuer = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

async function send(
  fetchImpl: typeof fetch,
  url: string,
  init: { form?: Record<string, string>; signal?: AbortSignal | undefined },
): Promise<{ status: number; body: unknown }> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: init.form ? "POST" : "GET",
      headers: {
        accept: "application/json",
        ...(init.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
      signal,
    });
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new AppError(
      "BACKEND_UNAVAILABLE",
      `Cannot reach the identity provider at ${new URL(url).origin} (${err instanceof Error ? err.message : String(err)}).`,
      { cause: err },
    );
  }
  return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown };
}

function badResponse(what: string, status: number, body: unknown): AppError {
  const e = tokenErrorSchema.safeParse(body);
  const why = e.success
    ? `${e.data.error}${e.data.error_description ? `: ${e.data.error_description}` : ""}`
    : `HTTP ${status}`;
  return new AppError("UNAUTHENTICATED", `The identity provider refused the ${what} (${why}).`, {
    details: { status, ...(e.success ? { error: e.data.error } : {}) },
  });
}

/** `<issuer>/.well-known/openid-configuration`, checked to name the same issuer (OIDC Discovery §4.3). */
export async function discover(
  config: Pick<OidcClientConfig, "issuer">,
  fetchImpl: typeof fetch,
): Promise<ProviderMetadata> {
  const issuer = checkedUrl(config.issuer, 'setting "innersource.oidc.issuer"');
  const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const { status, body } = await send(fetchImpl, url, {});
  const doc = discoverySchema.safeParse(body);
  if (status !== 200 || !doc.success) {
    throw new AppError(
      "CONFIG_INVALID",
      `No OpenID Connect discovery document at ${url} (HTTP ${status}). Check "innersource.oidc.issuer".`,
    );
  }
  if (!sameIssuer(doc.data.issuer, config.issuer)) {
    throw new AppError(
      "CONFIG_INVALID",
      `The discovery document at ${url} names the issuer "${doc.data.issuer}", not "${config.issuer}".`,
    );
  }
  if (!doc.data.device_authorization_endpoint) {
    throw new AppError(
      "CONFIG_INVALID",
      `The identity provider at ${config.issuer} does not offer the device authorization grant (no device_authorization_endpoint); enable it for the client, or paste a token.`,
    );
  }
  return {
    issuer: doc.data.issuer,
    tokenEndpoint: checkedUrl(doc.data.token_endpoint, "token endpoint"),
    deviceAuthorizationEndpoint: checkedUrl(
      doc.data.device_authorization_endpoint,
      "device authorization endpoint",
    ),
    ...(doc.data.revocation_endpoint
      ? { revocationEndpoint: checkedUrl(doc.data.revocation_endpoint, "revocation endpoint") }
      : {}),
  };
}

/** RFC 8628 §3.1–3.2: asks for a device code and the user code to show. */
export async function startDeviceAuthorization(
  meta: ProviderMetadata,
  config: OidcClientConfig,
  fetchImpl: typeof fetch,
): Promise<DeviceAuthorization> {
  const form: Record<string, string> = { client_id: config.clientId, scope: config.scopes };
  if (config.audience) form.audience = config.audience;
  const { status, body } = await send(fetchImpl, meta.deviceAuthorizationEndpoint, { form });
  const parsed = deviceAuthorizationSchema.safeParse(body);
  if (status !== 200 || !parsed.success) throw badResponse("device authorization request", status, body);
  const d = parsed.data;
  return {
    deviceCode: d.device_code,
    userCode: d.user_code,
    verificationUri: checkedUrl(d.verification_uri, "verification URI"),
    ...(d.verification_uri_complete
      ? { verificationUriComplete: checkedUrl(d.verification_uri_complete, "verification URI") }
      : {}),
    expiresInSec: d.expires_in,
    intervalSec: d.interval ?? 5,
  };
}

function tokenSet(body: unknown, previousRefresh?: string): TokenSet | undefined {
  const t = tokenResponseSchema.safeParse(body);
  if (!t.success) return undefined;
  const refreshToken = t.data.refresh_token ?? previousRefresh;
  return {
    accessToken: t.data.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    ...(t.data.expires_in === undefined ? {} : { expiresAt: Date.now() + t.data.expires_in * 1000 }),
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const done = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", done);
      resolve();
    }, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

export interface PollOptions {
  readonly signal: AbortSignal;
  /** Length of one protocol second in ms (tests shrink it; the intervals and `slow_down` step scale with it). */
  readonly secondMs?: number;
}

/**
 * RFC 8628 §3.4–3.5: polls the token endpoint every `interval` seconds (5 more after each `slow_down`) until the
 * user approves (tokens), denies or lets the code expire (AppError UNAUTHENTICATED), or the signal aborts
 * (undefined: nothing more is sent).
 */
export async function pollForTokens(
  meta: ProviderMetadata,
  config: Pick<OidcClientConfig, "clientId">,
  device: DeviceAuthorization,
  fetchImpl: typeof fetch,
  opts: PollOptions,
): Promise<TokenSet | undefined> {
  const second = opts.secondMs ?? 1000;
  const deadline = Date.now() + device.expiresInSec * second;
  let interval = device.intervalSec;
  const expired = () =>
    new AppError("UNAUTHENTICATED", "The sign-in code expired before it was approved. Run Sign In again.", {
      details: { error: "expired_token" },
    });
  try {
    for (;;) {
      await sleep(interval * second, opts.signal);
      if (Date.now() >= deadline) throw expired();
      const { status, body } = await send(fetchImpl, meta.tokenEndpoint, {
        form: { grant_type: DEVICE_CODE_GRANT, device_code: device.deviceCode, client_id: config.clientId },
        signal: opts.signal,
      });
      if (status === 200) {
        const tokens = tokenSet(body);
        if (tokens) return tokens;
        throw badResponse("token response", status, body);
      }
      const e = tokenErrorSchema.safeParse(body);
      switch (e.success ? e.data.error : "") {
        case "authorization_pending":
          continue;
        case "slow_down":
          interval += 5;
          continue;
        case "access_denied":
          throw new AppError(
            "UNAUTHENTICATED",
            "Sign-in was denied in the browser. Run Sign In to try again.",
            {
              details: { error: "access_denied" },
            },
          );
        case "expired_token":
          throw expired();
        default:
          throw badResponse("sign-in", status, body);
      }
    }
  } catch (err) {
    if (opts.signal.aborted) return undefined;
    throw err;
  }
}

/** RFC 6749 §6. A refused refresh token (invalid_grant…) is UNAUTHENTICATED: the user has to sign in again. */
export async function refreshTokens(
  meta: ProviderMetadata,
  config: Pick<OidcClientConfig, "clientId">,
  refreshToken: string,
  fetchImpl: typeof fetch,
): Promise<TokenSet> {
  const { status, body } = await send(fetchImpl, meta.tokenEndpoint, {
    form: { grant_type: "refresh_token", refresh_token: refreshToken, client_id: config.clientId },
  });
  const tokens = status === 200 ? tokenSet(body, refreshToken) : undefined;
  if (!tokens) {
    const e = badResponse("token refresh", status, body);
    throw new AppError("UNAUTHENTICATED", `${e.message} Run "InnerSource: Sign In" again.`, {
      details: e.details,
    });
  }
  return tokens;
}

/** RFC 7009, best effort: sign-out must not fail because the provider is down. */
export async function revokeToken(
  meta: ProviderMetadata,
  config: Pick<OidcClientConfig, "clientId">,
  token: string,
  fetchImpl: typeof fetch,
): Promise<boolean> {
  if (!meta.revocationEndpoint) return false;
  try {
    const { status } = await send(fetchImpl, meta.revocationEndpoint, {
      form: { token, token_type_hint: "refresh_token", client_id: config.clientId },
    });
    return status === 200;
  } catch {
    return false;
  }
}
