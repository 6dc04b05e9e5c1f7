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
  };
}
