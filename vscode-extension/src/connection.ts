// The one place that knows how to reach the backend: settings + the credential → an ApiClient from @isa/core, rebuilt
// when either changes; plus the connection check behind the status bar (liveness, readiness and whether the token is
// accepted), which turns every failure into one sentence a user can act on. The credential is the OIDC session's
// access token when signed in with the device flow (refreshed before expiry, and once on a 401 through the fetch the
// client is given), else the static token or pasted JWT from SecretStorage.
import type { ApiClient } from "@isa/core";
import { AppError, createApiClient } from "@isa/core";
import * as vscode from "vscode";
import { OIDC_SESSION_KEY, OidcSession } from "./oidcSession.js";
import type { Settings } from "./settings.js";
import { oidcConfigured, readSettings } from "./settings.js";

export const TOKEN_KEY = "innersource.apiToken";

export type ConnectionState = "ok" | "unreachable" | "unauthenticated" | "not-ready" | "checking";

export interface ConnectionStatus {
  readonly state: ConnectionState;
  readonly detail: string;
}

export class Connection implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when settings or the token change (clients built before are stale). */
  readonly onDidChange = this.changed.event;
  private readonly statusChanged = new vscode.EventEmitter<ConnectionStatus>();
  readonly onDidChangeStatus = this.statusChanged.event;
  private settingsCache: Settings = readSettings();
  private token: string | undefined;
  private tokenLoaded = false;
  private lastStatus: ConnectionStatus = { state: "checking", detail: "Checking the connection…" };
  private readonly subs: vscode.Disposable[] = [];
  /** The device-flow session (used when `auth.mode` is `oidc` with an issuer and client id). */
  readonly oidc: OidcSession;
  /** The API client's fetch: on a 401 with an OIDC session, refreshes once and retries with the new token. */
  private readonly authedFetch: typeof fetch;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly fetchImpl: typeof fetch = fetch,
    opts: { oidcSecondMs?: number } = {},
  ) {
    this.oidc = new OidcSession(secrets, fetchImpl, () => this.settingsCache.oidc, {
      ...(opts.oidcSecondMs === undefined ? {} : { secondMs: opts.oidcSecondMs }),
    });
    this.authedFetch = async (input, init) => {
      const res = await fetchImpl(input, init);
      if (res.status !== 401 || !oidcConfigured(this.settingsCache) || !(await this.oidc.isSignedIn()))
        return res;
      const headers = new Headers(init?.headers);
      // Another request may have refreshed meanwhile: then its token is retried, without spending a refresh.
      const current = await this.oidc.accessToken();
      const fresh =
        current && `Bearer ${current}` !== headers.get("authorization") ? current : await this.oidc.refresh();
      if (!fresh) return res;
      await res.body?.cancel().catch(() => undefined); // the 401's body is not read: free its connection
      headers.set("authorization", `Bearer ${fresh}`);
      return fetchImpl(input, { ...init, headers });
    };
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration("innersource")) return;
        this.settingsCache = readSettings();
        this.changed.fire();
      }),
      // Restricted settings (backendUrl, oidc.*) may take their workspace values once the workspace is trusted.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        const next = readSettings();
        if (JSON.stringify(next) === JSON.stringify(this.settingsCache)) return;
        this.settingsCache = next;
        this.changed.fire();
      }),
      secrets.onDidChange((e) => {
        if (e.key === OIDC_SESSION_KEY) this.oidc.invalidate();
        else if (e.key === TOKEN_KEY) this.tokenLoaded = false;
        else return;
        this.changed.fire();
      }),
    );
  }

  get settings(): Settings {
    return this.settingsCache;
  }

  get status(): ConnectionStatus {
    return this.lastStatus;
  }

  /** The bearer credential: the OIDC access token when signed in that way, else the stored token. */
  async getToken(): Promise<string | undefined> {
    if (oidcConfigured(this.settingsCache)) {
      const jwt = await this.oidc.accessToken();
      if (jwt) return jwt;
    }
    return this.storedToken();
  }

  private async storedToken(): Promise<string | undefined> {
    if (!this.tokenLoaded) {
      this.token = (await this.secrets.get(TOKEN_KEY)) || undefined;
      this.tokenLoaded = true;
    }
    return this.token;
  }

  async setToken(token: string | undefined): Promise<void> {
    if (token) await this.secrets.store(TOKEN_KEY, token);
    else await this.secrets.delete(TOKEN_KEY);
    this.token = token || undefined;
    this.tokenLoaded = true;
    this.changed.fire();
  }

  /** A client for the current settings and token; UNAUTHENTICATED (with a hint) when no token is set. */
  async client(): Promise<ApiClient> {
    const token = await this.getToken();
    if (!token) {
      const why = oidcConfigured(this.settingsCache) ? this.oidc.lastError?.message : undefined;
      throw new AppError(
        "UNAUTHENTICATED",
        why ?? 'No API token is set. Run "InnerSource: Sign In" (or "InnerSource: Set API Token").',
      );
    }
    return createApiClient({
      baseUrl: this.settingsCache.backendUrl,
      token,
      timeoutMs: this.settingsCache.requestTimeoutMs,
      fetch: this.authedFetch,
    });
  }

  /** /healthz, /readyz, then one authenticated call: the first that fails names the state. */
  async check(): Promise<ConnectionStatus> {
    this.publish({ state: "checking", detail: "Checking the connection…" });
    const base = this.settingsCache.backendUrl;
    const probe = async (path: string) => {
      const res = await this.fetchImpl(`${base}${path}`, { signal: AbortSignal.timeout(5000) });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown };
    };
    try {
      const health = await probe("/healthz");
      if (health.status !== 200)
        return this.publish(unreachable(base, `HTTP ${health.status} from /healthz`));
    } catch (err) {
      return this.publish(unreachable(base, err instanceof Error ? err.message : String(err)));
    }
    try {
      const ready = await probe("/readyz");
      if (ready.status !== 200) {
        const checks = (ready.body as { checks?: Record<string, string> } | undefined)?.checks ?? {};
        const failing = Object.entries(checks)
          .filter(([, v]) => v !== "ok")
          .map(([k, v]) => `${k}: ${v}`);
        return this.publish({
          state: "not-ready",
          detail: `The backend at ${base} is starting or degraded${failing.length ? ` (${failing.join(", ")})` : ""}.`,
        });
      }
    } catch (err) {
      return this.publish(unreachable(base, err instanceof Error ? err.message : String(err)));
    }
    try {
      await (await this.client()).lookup(["innersource-connection-check"]);
    } catch (err) {
      if (err instanceof AppError && err.code === "UNAUTHENTICATED") {
        return this.publish({ state: "unauthenticated", detail: err.message });
      }
      return this.publish(unreachable(base, err instanceof Error ? err.message : String(err)));
    }
    return this.publish({ state: "ok", detail: `Connected to ${base}.` });
  }

  private publish(s: ConnectionStatus): ConnectionStatus {
    this.lastStatus = s;
    this.statusChanged.fire(s);
    return s;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
    this.statusChanged.dispose();
  }
}

function unreachable(base: string, why: string): ConnectionStatus {
  return {
    state: "unreachable",
    detail: `Cannot reach the InnerSource backend at ${base} (${why}). Check "innersource.backendUrl" and that \`isa serve\` runs.`,
  };
}
