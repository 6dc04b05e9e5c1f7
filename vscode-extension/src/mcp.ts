// Our MCP servers registered with VS Code's MCP API, so Copilot agent mode and any other MCP client in the IDE can
// use them without a hand-written .vscode/mcp.json: docs-search over stdio (the local index), files and git over
// the open workspace folders (stdio), and, when `innersource.mcp.url` is set, the remote docs-search server over
// Streamable HTTP with the API token as bearer (read from SecretStorage only when VS Code starts the server). In
// Restricted Mode (an untrusted workspace) only the remote server is offered: the local ones start a process.
import * as vscode from "vscode";
import type { Connection } from "./connection.js";

export const MCP_PROVIDER_ID = "innersource.mcp";

/** `npx isa mcp …` with the default command; an explicit `isa` binary (or bin/isa.mjs via node) takes the args. */
function cli(command: string, args: string[]): { command: string; args: string[] } {
  const base = command.split(/[\\/]/).pop() ?? command;
  return base === "npx" || base === "npx.cmd"
    ? { command, args: ["--no-install", "isa", "mcp", ...args] }
    : { command, args: ["mcp", ...args] };
}

export function serverDefinitions(
  settings: Connection["settings"],
  folders: readonly vscode.WorkspaceFolder[],
  opts: { version: string; trusted: boolean },
): vscode.McpServerDefinition[] {
  if (!settings.mcpEnabled) return [];
  const { version } = opts;
  const remote = settings.mcpUrl
    ? [
        new vscode.McpHttpServerDefinition(
          "InnerSource docs-search (remote)",
          vscode.Uri.parse(settings.mcpUrl),
          {},
          version,
        ),
      ]
    : [];
  // Restricted Mode: nothing that starts a local process (npx could pick a binary from the untrusted workspace).
  if (!opts.trusted) return remote;
  const local = folders.filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
  const cwd = folders[0]?.uri.scheme === "file" ? folders[0].uri : undefined;
  const stdio = (label: string, args: string[]) => {
    const c = cli(settings.mcpCommand, args);
    const def = new vscode.McpStdioServerDefinition(label, c.command, c.args, {}, version);
    if (cwd) def.cwd = cwd;
    return def;
  };
  const defs: vscode.McpServerDefinition[] = [stdio("InnerSource docs-search", ["docs-search"])];
  if (local.length > 0) {
    defs.push(stdio("InnerSource files", ["files", ...local.flatMap((p) => ["--root", p])]));
    defs.push(stdio("InnerSource git", ["git", ...local.flatMap((p) => ["--repo", p])]));
  }
  defs.push(...remote);
  return defs;
}

export class McpProvider implements vscode.McpServerDefinitionProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeMcpServerDefinitions = this.changed.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly connection: Connection,
    private readonly version: string,
  ) {
    this.subs = [
      connection.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.changed.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
    ];
  }

  provideMcpServerDefinitions(): vscode.McpServerDefinition[] {
    return serverDefinitions(this.connection.settings, vscode.workspace.workspaceFolders ?? [], {
      version: this.version,
      trusted: vscode.workspace.isTrusted,
    });
  }

  /** Called when VS Code is about to start a server: the HTTP one gets the bearer token now, not at listing time. */
  async resolveMcpServerDefinition(server: vscode.McpServerDefinition): Promise<vscode.McpServerDefinition> {
    if (server instanceof vscode.McpHttpServerDefinition) {
      const token = await this.connection.getToken();
      if (token) server.headers = { ...server.headers, Authorization: `Bearer ${token}` };
    }
    return server;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
