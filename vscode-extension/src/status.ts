// The status-bar item: connection state at a glance (checked at start, on settings or token changes, and every
// few minutes), and a click that re-checks or signs in (device flow, pasted JWT or token, per auth.mode).
import * as vscode from "vscode";
import type { Connection, ConnectionStatus } from "./connection.js";

const ICON: Readonly<Record<ConnectionStatus["state"], string>> = {
  ok: "$(book)",
  checking: "$(sync~spin)",
  unreachable: "$(debug-disconnect)",
  unauthenticated: "$(key)",
  "not-ready": "$(warning)",
};

export function statusText(s: ConnectionStatus): string {
  const word = s.state === "ok" ? "" : s.state === "unauthenticated" ? " Sign in" : ` ${s.state}`;
  return `${ICON[s.state]} InnerSource${word}`;
}

export class StatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subs: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(connection: Connection, recheckMs = 5 * 60_000) {
    this.item = vscode.window.createStatusBarItem("innersource.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "InnerSource Assistant";
    this.show(connection.status);
    this.item.show();
    this.subs.push(
      connection.onDidChangeStatus((s) => this.show(s)),
      connection.onDidChange(() => void connection.check()),
    );
    if (recheckMs > 0) {
      this.timer = setInterval(() => void connection.check(), recheckMs);
      this.timer.unref?.();
    }
  }

  private show(s: ConnectionStatus): void {
    this.item.text = statusText(s);
    this.item.tooltip = s.detail;
    this.item.command = s.state === "unauthenticated" ? "innersource.signIn" : "innersource.checkConnection";
    this.item.backgroundColor =
      s.state === "unreachable" || s.state === "unauthenticated"
        ? new vscode.ThemeColor("statusBarItem.warningBackground")
        : undefined;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
