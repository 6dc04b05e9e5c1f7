// Activation: wires the pieces (connection, sidebar chat, chat participant, CodeLens/hover, MCP provider, status
// bar, URI handler, commands) and returns them, which tests and the activation bench use. Everything is a thin
// adapter over the backend API through @isa/core's client; no backend code runs in the extension host. Activation
// does no network I/O on its own path: the first connection check runs in the background.
import type { LookupDoc, WireCitation } from "@isa/core";
import * as vscode from "vscode";
import { openCitation } from "./citations.js";
import { DocLensProvider, OPEN_DOCS_COMMAND } from "./codelens.js";
import { Connection } from "./connection.js";
import { ConversationStore } from "./history.js";
import { MCP_PROVIDER_ID, McpProvider } from "./mcp.js";
import { registerParticipant } from "./participant.js";
import { oidcConfigured } from "./settings.js";
import { ChatController, ChatViewProvider, VIEW_ID } from "./sidebar.js";
import { signInWithDeviceCode, signInWithPastedJwt } from "./signIn.js";
import { StatusBar } from "./status.js";
import { HandoffUriHandler } from "./uri.js";

export interface ExtensionApi {
  readonly connection: Connection;
  readonly controller: ChatController;
  readonly view: ChatViewProvider;
  readonly lenses: DocLensProvider;
  readonly mcp: McpProvider;
  readonly status: StatusBar;
  readonly uriHandler: HandoffUriHandler;
  /** The first connection check (started, not awaited, by activate). */
  readonly firstCheck: Promise<unknown>;
}

/** Languages that get lenses and hovers (the term patterns know these; config files for keys). */
const LENS_SELECTOR: vscode.DocumentSelector = [
  "typescript",
  "typescriptreact",
  "javascript",
  "javascriptreact",
  "python",
  "go",
  "java",
  "kotlin",
  "yaml",
  "properties",
  "dotenv",
  "ini",
  "toml",
].map((language) => ({ language, scheme: "file" }));

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  return activateWith(context);
}

/** activate() with injectable parts (tests record the HTTP calls through `fetch`). */
export function activateWith(
  context: vscode.ExtensionContext,
  opts: { fetch?: typeof fetch; codeLensDebounceMs?: number; oidcSecondMs?: number } = {},
): ExtensionApi {
  const log = vscode.window.createOutputChannel("InnerSource Assistant", { log: true });
  const connection = new Connection(context.secrets, opts.fetch ?? fetch, {
    ...(opts.oidcSecondMs === undefined ? {} : { oidcSecondMs: opts.oidcSecondMs }),
  });
  const store = new ConversationStore(context.workspaceState);
  const controller = new ChatController({ connection, store, log });
  const view = new ChatViewProvider(context.extensionUri, controller);
  const lenses = new DocLensProvider(connection, log, {
    ...(opts.codeLensDebounceMs === undefined ? {} : { debounceMs: opts.codeLensDebounceMs }),
  });
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? "0.0.0");
  const mcp = new McpProvider(connection, version);
  const status = new StatusBar(connection);
  const uriHandler = new HandoffUriHandler({ connection, controller, view, log });

  context.subscriptions.push(
    log,
    connection,
    lenses,
    mcp,
    status,
    connection.onDidChangeStatus((s) => controller.status({ type: "connection/status", ...s })),
    vscode.window.registerWebviewViewProvider(VIEW_ID, view, {
      webviewOptions: { retainContextWhenHidden: true },
    }),
    vscode.languages.registerCodeLensProvider(LENS_SELECTOR, lenses),
    vscode.languages.registerHoverProvider(LENS_SELECTOR, lenses),
    vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, mcp),
    vscode.window.registerUriHandler(uriHandler),
    vscode.commands.registerCommand("innersource.setToken", async () => {
      const token = await vscode.window.showInputBox({
        title: "InnerSource API token",
        prompt: `A token for ${connection.settings.backendUrl} (kept in VS Code's SecretStorage).`,
        password: true,
        ignoreFocusOut: true,
      });
      if (token === undefined) return;
      await connection.setToken(token.trim() || undefined);
      void vscode.window.showInformationMessage(
        token.trim() ? "InnerSource: token saved." : "InnerSource: token cleared.",
      );
    }),
    vscode.commands.registerCommand("innersource.clearToken", async () => {
      await connection.setToken(undefined);
      void vscode.window.showInformationMessage("InnerSource: token cleared.");
    }),
    vscode.commands.registerCommand("innersource.signIn", async () => {
      if (connection.settings.authMode !== "oidc") {
        return vscode.commands.executeCommand("innersource.setToken");
      }
      if (!oidcConfigured(connection.settings)) return signInWithPastedJwt(connection);
      return signInWithDeviceCode(connection, log);
    }),
    vscode.commands.registerCommand("innersource.signOut", async () => {
      await connection.oidc.signOut();
      await connection.setToken(undefined);
      void vscode.window.showInformationMessage("InnerSource: signed out.");
    }),
    vscode.commands.registerCommand("innersource.ask", async (question?: unknown) => {
      const q =
        typeof question === "string" && question.trim()
          ? question
          : await vscode.window.showInputBox({ title: "Ask InnerSource", prompt: "Your question" });
      if (!q?.trim()) return;
      await view.reveal();
      await controller.ask(q.trim());
    }),
    vscode.commands.registerCommand("innersource.newConversation", () =>
      controller.receive({ type: "conversation/new" }),
    ),
    vscode.commands.registerCommand("innersource.openConversation", async () => {
      await view.reveal();
      return controller.pickArchived();
    }),
    vscode.commands.registerCommand("innersource.checkConnection", async () => {
      const s = await connection.check();
      const show = s.state === "ok" ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
      void show(`InnerSource: ${s.detail}`);
      return s;
    }),
    vscode.commands.registerCommand("innersource.openCitation", (c: WireCitation) =>
      openCitation(c, connection.settings.sourceUrlTemplate),
    ),
    vscode.commands.registerCommand(OPEN_DOCS_COMMAND, async (term: string, top: readonly LookupDoc[]) => {
      const pick =
        top.length <= 1
          ? top[0]
          : (
              await vscode.window.showQuickPick(
                top.map((d) => ({
                  label: d.title || d.path,
                  description: d.path,
                  detail: d.snippet,
                  doc: d,
                })),
                { title: `Docs mentioning ${term}` },
              )
            )?.doc;
      if (pick) return openCitation(pick, connection.settings.sourceUrlTemplate);
      return undefined;
    }),
  );
  registerParticipant(context, connection, log);
  // After activation returns: the first fetch() of a process loads Node's HTTP client, which activation need not wait for.
  const firstCheck = new Promise((r) => setImmediate(r))
    .then(() => connection.check())
    .catch(() => undefined);
  return { connection, controller, view, lenses, mcp, status, uriHandler, firstCheck };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
