// The extension's settings (`innersource.*`, declared in package.json `contributes.configuration`), read in one
// place and validated, so a bad value shows one clear error instead of failing somewhere later.
import * as vscode from "vscode";

export interface Settings {
  readonly backendUrl: string;
  readonly authMode: "token" | "oidc";
  readonly codeLensEnabled: boolean;
  readonly sourceUrlTemplate: string;
  readonly requestTimeoutMs: number;
  readonly mcpEnabled: boolean;
  readonly mcpCommand: string;
  readonly mcpUrl: string;
  /** Device-code sign-in (auth.mode `oidc`); `issuer` is "" when unset or not a URL. */
  readonly oidc: OidcSettings;
}

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly scopes: string;
  readonly audience: string;
}

/** `offline_access` asks for a refresh token, so the session outlives the access token without a new sign-in. */
export const DEFAULT_OIDC_SCOPES = "openid profile email offline_access";

/** Both set: Sign In runs the device flow; otherwise it asks for a pasted JWT. */
export function oidcConfigured(s: Settings): boolean {
  return s.authMode === "oidc" && s.oidc.issuer !== "" && s.oidc.clientId !== "";
}

export const SECTION = "innersource";

function httpUrl(raw: string, fallback: string): string {
  try {
    const u = new URL(raw.trim());
    return u.protocol === "http:" || u.protocol === "https:" ? raw.trim().replace(/\/+$/, "") : fallback;
  } catch {
    return fallback;
  }
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const timeout = c.get<number>("requestTimeoutMs", 60_000);
  const mcpUrl = c.get<string>("mcp.url", "").trim();
  return {
    backendUrl: httpUrl(c.get<string>("backendUrl", ""), "http://127.0.0.1:8080"),
    authMode: c.get<string>("auth.mode", "token") === "oidc" ? "oidc" : "token",
    codeLensEnabled: c.get<boolean>("codeLens.enabled", true),
    sourceUrlTemplate: c.get<string>("sourceUrlTemplate", "").trim(),
    requestTimeoutMs: Number.isFinite(timeout) && timeout >= 1000 ? timeout : 60_000,
    mcpEnabled: c.get<boolean>("mcp.enabled", true),
    mcpCommand: c.get<string>("mcp.command", "npx").trim() || "npx",
    mcpUrl: mcpUrl === "" ? "" : httpUrl(mcpUrl, ""),
    oidc: {
      // Kept as typed (not normalised): it must equal the tokens' `iss` and the backend's ISA_OIDC_ISSUER.
      issuer:
        httpUrl(c.get<string>("oidc.issuer", ""), "") === "" ? "" : c.get<string>("oidc.issuer", "").trim(),
      clientId: c.get<string>("oidc.clientId", "").trim(),
      scopes: c.get<string>("oidc.scopes", "").trim().replace(/\s+/g, " ") || DEFAULT_OIDC_SCOPES,
      audience: c.get<string>("oidc.audience", "").trim(),
    },
  };
}
