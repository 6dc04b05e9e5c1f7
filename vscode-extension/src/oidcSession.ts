// The signed-in OIDC session: access + refresh token kept in SecretStorage (one JSON entry, tied to the issuer and
// client it came from), refreshed shortly before the access token expires and once more when the API answers 401.
// Refreshes are single-flight, so a burst of requests (CodeLens, chat, status check) spends one refresh token.
import { AppError } from "@isa/core";
import type * as vscode from "vscode";
import type { DeviceAuthorization, OidcClientConfig, ProviderMetadata, TokenSet } from "./oidc.js";
import { discover, pollForTokens, refreshTokens, revokeToken, startDeviceAuthorization } from "./oidc.js";

export const OIDC_SESSION_KEY = "innersource.oidc.session";

/** Refresh when less than this is left: a request started now should not arrive with an expired token. */
export const REFRESH_MARGIN_MS = 60_000;

interface StoredSession extends TokenSet {
  readonly issuer: string;
  readonly clientId: string;
}

function parseStored(raw: string | undefined): StoredSession | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof v.accessToken !== "string" || typeof v.issuer !== "string" || typeof v.clientId !== "string")
      return undefined;
    return {
      issuer: v.issuer,
      clientId: v.clientId,
      accessToken: v.accessToken,
      ...(typeof v.refreshToken === "string" ? { refreshToken: v.refreshToken } : {}),
      ...(typeof v.expiresAt === "number" ? { expiresAt: v.expiresAt } : {}),
    };
  } catch {
    return undefined;
  }
}

export interface SignInSteps {
  /** Called once the provider handed out a user code: show it. */
  readonly onCode: (device: DeviceAuthorization) => void;
  readonly signal: AbortSignal;
}

export class OidcSession {
  private cached: StoredSession | undefined;
  private loaded = false;
  private refreshing: Promise<string | undefined> | undefined;
  private readonly metadata = new Map<string, Promise<ProviderMetadata>>();
  /** Why the last refresh failed (shown instead of the generic "no token" hint). */
  lastError: AppError | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly fetchImpl: typeof fetch,
    private readonly config: () => OidcClientConfig,
    private readonly opts: { secondMs?: number } = {},
  ) {}

  /** SecretStorage changed under us (another window signed in or out). */
  invalidate(): void {
    this.loaded = false;
  }

  private async stored(): Promise<StoredSession | undefined> {
    if (!this.loaded) {
      this.cached = parseStored(await this.secrets.get(OIDC_SESSION_KEY));
      this.loaded = true;
    }
    const c = this.config();
    // A session from another issuer or client is not valid for the current settings.
    return this.cached && this.cached.issuer === c.issuer && this.cached.clientId === c.clientId
      ? this.cached
      : undefined;
  }

  private async save(s: StoredSession | undefined): Promise<void> {
    this.cached = s;
    this.loaded = true;
    if (s) await this.secrets.store(OIDC_SESSION_KEY, JSON.stringify(s));
    else await this.secrets.delete(OIDC_SESSION_KEY);
    // store/delete fire onDidChange, which invalidates: the value just written is the current one.
    this.cached = s;
    this.loaded = true;
  }

  private meta(issuer: string): Promise<ProviderMetadata> {
    let m = this.metadata.get(issuer);
    if (!m) {
      m = discover({ issuer }, this.fetchImpl);
      m.catch(() => this.metadata.delete(issuer));
      this.metadata.set(issuer, m);
    }
    return m;
  }

  async isSignedIn(): Promise<boolean> {
    return (await this.stored()) !== undefined;
  }

  /** The access token to send, refreshed first when it is about to expire; undefined when not signed in. */
  async accessToken(): Promise<string | undefined> {
    const s = await this.stored();
    if (!s) return undefined;
    if (s.expiresAt !== undefined && s.expiresAt - Date.now() < REFRESH_MARGIN_MS && s.refreshToken) {
      const fresh = await this.refresh();
      if (fresh) return fresh;
      // The provider was unreachable (the session is kept): a token that has not yet expired is still usable. A
      // refused refresh token dropped the session: sign in again.
      return (await this.stored()) && s.expiresAt > Date.now() ? s.accessToken : undefined;
    }
    return s.accessToken;
  }

  /** Trades the refresh token for new tokens (single-flight); undefined when there is none or it was refused. */
  refresh(): Promise<string | undefined> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<string | undefined> {
    const s = await this.stored();
    if (!s?.refreshToken) return undefined;
    try {
      const meta = await this.meta(s.issuer);
      const t = await refreshTokens(meta, { clientId: s.clientId }, s.refreshToken, this.fetchImpl);
      this.lastError = undefined;
      await this.save({ issuer: s.issuer, clientId: s.clientId, ...t });
      return t.accessToken;
    } catch (err) {
      this.lastError =
        err instanceof AppError ? err : new AppError("UNAUTHENTICATED", String(err), { cause: err });
      // A refused refresh token is dead: drop the session so the status bar asks for a sign-in. A network
      // failure keeps it for the next try.
      if (this.lastError.code === "UNAUTHENTICATED") await this.save(undefined);
      return undefined;
    }
  }

  /** The device flow end to end; true when signed in, false when cancelled. Throws AppError on any failure. */
  async signIn(steps: SignInSteps): Promise<boolean> {
    const config = this.config();
    const meta = await this.meta(config.issuer);
    const device = await startDeviceAuthorization(meta, config, this.fetchImpl);
    steps.onCode(device);
    const tokens = await pollForTokens(meta, config, device, this.fetchImpl, {
      signal: steps.signal,
      ...(this.opts.secondMs === undefined ? {} : { secondMs: this.opts.secondMs }),
    });
    if (!tokens) return false;
    this.lastError = undefined;
    await this.save({ issuer: config.issuer, clientId: config.clientId, ...tokens });
    return true;
  }

  /** Forgets the tokens (and asks the provider to revoke the refresh token, best effort). */
  async signOut(): Promise<void> {
    const s = await this.stored();
    await this.save(undefined);
    this.lastError = undefined;
    if (s?.refreshToken) {
      const meta = await this.meta(s.issuer).catch(() => undefined);
      if (meta) await revokeToken(meta, { clientId: s.clientId }, s.refreshToken, this.fetchImpl);
    }
  }
}
