// The one place that knows how to reach the backend: settings + the token from SecretStorage → an ApiClient from
// @isa/core, rebuilt when either changes; plus the connection check behind the status bar (liveness, readiness and
// whether the token is accepted), which turns every failure into one sentence a user can act on.
import type { ApiClient } from "@isa/core";
import { AppError, createApiClient } from "@isa/core";
import * as vscode from "vscode";
import type { Settings } from "./settings.js";
import { readSettings } from "./settings.js";

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

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration("innersource")) return;
        this.settingsCache = readSettings();
        this.changed.fire();
      }),
      secrets.onDidChange((e) => {
        if (e.key !== TOKEN_KEY) return;
        this.tokenLoaded = false;
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

  async getToken(): Promise<string | undefined> {
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
      throw new AppError(
        "UNAUTHENTICATED",
        'No API token is set. Run "InnerSource: Set API Token" (or "InnerSource: Sign In").',
      );
    }
    return createApiClient({
      baseUrl: this.settingsCache.backendUrl,
      token,
      timeoutMs: this.settingsCache.requestTimeoutMs,
      fetch: this.fetchImpl,
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
