// The sidebar chat: a WebviewView (strict CSP, see webview/html.ts) and the controller behind it. The controller
// owns the conversation: it streams answers from the backend into the view, records them per workspace, sends
// feedback, opens citations, and continues a conversation handed over by URI. Messages from the view are parsed
// with the shared zod map; anything else is dropped and logged.
import type { AnswerPayload, ConversationPayload } from "@isa/core";
import { AppError, toAppError } from "@isa/core";
import * as vscode from "vscode";
import { openCitation } from "./citations.js";
import type { Connection } from "./connection.js";
import { askIn } from "./conversations.js";
import type { ConversationStore } from "./history.js";
import type { Conversation, ToExtension, ToWebview, Turn } from "./protocol.js";
import { parseToExtension } from "./protocol.js";
import { renderHtml } from "./webview/html.js";

export const VIEW_ID = "innersource.chat";

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ChatControllerDeps {
  readonly connection: Connection;
  readonly store: ConversationStore;
  readonly log: Logger;
}

let seq = 0;
const newTurnId = () => `t${Date.now().toString(36)}${(seq++).toString(36)}`;

export class ChatController {
  private post: ((m: ToWebview) => unknown) | undefined;
  private running: AbortController | undefined;
  /** Resolves when the answer in flight settles (tests and the URI handler wait on it). */
  idle: Promise<void> = Promise.resolve();

  constructor(readonly deps: ChatControllerDeps) {}

  /** The view's postMessage (undefined when the view is disposed). */
  attach(post: ((m: ToWebview) => unknown) | undefined): void {
    this.post = post;
  }

  private send(m: ToWebview): void {
    this.post?.(m);
  }

  /** Entry point for every message from the webview. Returns false when the message was dropped. */
  async receive(raw: unknown): Promise<boolean> {
    const r = parseToExtension(raw);
    if (!r.ok) {
      this.deps.log.warn(`Dropped an invalid message from the sidebar webview: ${r.error}`);
      return false;
    }
    await this.handle(r.message);
    return true;
  }

  private async handle(m: ToExtension): Promise<void> {
    switch (m.type) {
      case "view/ready":
        this.send({ type: "conversation/load", conversation: this.deps.store.current() });
        this.send({ type: "connection/status", ...this.deps.connection.status });
        return;
      case "ask/send":
        await this.ask(m.text);
        return;
      case "ask/cancel":
        this.running?.abort();
        return;
      case "citation/open":
        await openCitation(m.citation, this.deps.connection.settings.sourceUrlTemplate);
        return;
      case "feedback/send":
        await this.feedback(m.turnId, m.traceId, m.rating);
        return;
      case "conversation/new":
        this.running?.abort();
        this.send({ type: "conversation/load", conversation: await this.deps.store.startNew() });
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  /** Asks in the current conversation, streaming into the view; resolves when the answer (or error) is shown. */
  async ask(question: string): Promise<void> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    const turnId = newTurnId();
    const before = this.deps.store.current();
    let turn: Turn = { id: turnId, question, partial: "" };
    await this.deps.store.save({ ...before, turns: [...before.turns, turn] });
    this.send({ type: "answer/start", turnId, question });
    let settle = () => {};
    this.idle = new Promise((r) => {
      settle = r;
    });
    try {
      const client = await this.deps.connection.client();
      const answer: AnswerPayload = await askIn(client, question, {
        conversation: before,
        signal: controller.signal,
        onToken: (text) => {
          turn = { ...turn, partial: (turn.partial ?? "") + text };
          this.send({ type: "answer/token", turnId, text });
        },
      });
      const { partial: _p, ...rest } = turn;
      turn = { ...rest, answer };
      this.send({ type: "answer/done", turnId, answer });
      await this.updateTurn(turn, answer.conversationId);
    } catch (err) {
      const e = controller.signal.aborted
        ? new AppError("INTERNAL", "Stopped.")
        : err instanceof AppError
          ? err
          : toAppError(err);
      if (!controller.signal.aborted) this.deps.log.warn(`Ask failed: ${e.code} ${e.message}`);
      turn = { ...turn, error: { code: e.code, message: e.message } };
      this.send({ type: "answer/error", turnId, code: e.code, message: e.message });
      await this.updateTurn(turn);
    } finally {
      if (this.running === controller) this.running = undefined;
      settle();
    }
  }

  private async updateTurn(turn: Turn, conversationId?: string): Promise<void> {
    const cur = this.deps.store.current();
    await this.deps.store.save({
      ...cur,
      ...(conversationId ? { conversationId } : {}),
      turns: cur.turns.map((t) => (t.id === turn.id ? turn : t)),
    });
  }

  private async feedback(turnId: string, traceId: string, rating: "up" | "down"): Promise<void> {
    try {
      await (await this.deps.connection.client()).feedback({ traceId, rating });
      const cur = this.deps.store.current();
      const t = cur.turns.find((x) => x.id === turnId);
      if (t) await this.updateTurn({ ...t, rating });
      this.send({ type: "feedback/recorded", turnId, rating });
    } catch (err) {
      const e = toAppError(err);
      this.deps.log.warn(`Feedback failed: ${e.code} ${e.message}`);
      void vscode.window.showErrorMessage(`InnerSource: feedback was not recorded: ${e.message}`);
    }
  }

  /** Shows a conversation loaded from the backend (URI handoff) and makes it the current one. */
  async load(payload: ConversationPayload): Promise<Conversation> {
    this.running?.abort();
    const conversation: Conversation = {
      conversationId: payload.id,
      turns: payload.turns.map((t) => ({
        id: t.traceId,
        question: t.question,
        answer: {
          answer: t.answer,
          citations: t.citations,
          abstained: t.abstained,
          closest: [],
          traceId: t.traceId,
          conversationId: payload.id,
        },
      })),
    };
    await this.deps.store.replace(conversation);
    this.send({ type: "conversation/load", conversation });
    return conversation;
  }

  /** Lets the user pick an earlier conversation of this workspace and shows it. */
  async pickArchived(): Promise<Conversation | undefined> {
    const archived = this.deps.store.archived();
    if (archived.length === 0) {
      void vscode.window.showInformationMessage("InnerSource: no earlier conversations in this workspace.");
      return undefined;
    }
    const items = archived.map((c, index) => ({
      label: c.turns[0]?.question.slice(0, 80) ?? "(empty)",
      description: `${c.turns.length} question${c.turns.length === 1 ? "" : "s"}`,
      index,
    }));
    const pick = await vscode.window.showQuickPick(items, { title: "Earlier InnerSource conversations" });
    if (!pick) return undefined;
    this.running?.abort();
    const conversation = await this.deps.store.restore(pick.index);
    if (conversation) this.send({ type: "conversation/load", conversation });
    return conversation;
  }

  /** Relays a connection status change to the view. */
  status(state: ToWebview & { type: "connection/status" }): void {
    this.send(state);
  }

  cancel(): void {
    this.running?.abort();
  }
}

export class ChatViewProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  /** Resolved once the view exists (the URI handler waits for it after focusing the view). */
  private readonly viewReady: Promise<vscode.WebviewView>;
  private resolveView: (v: vscode.WebviewView) => void = () => {};

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly controller: ChatController,
  ) {
    this.viewReady = new Promise((r) => {
      this.resolveView = r;
    });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, "out");
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.webview.html = renderHtml({
      cspSource: view.webview.cspSource,
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, "webview.js")).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, "webview.css")).toString(),
    });
    const sub = view.webview.onDidReceiveMessage((m: unknown) => {
      void this.controller.receive(m);
    });
    this.controller.attach((m) => view.webview.postMessage(m));
    view.onDidDispose(() => {
      sub.dispose();
      this.controller.attach(undefined);
      this.view = undefined;
    });
    this.resolveView(view);
  }

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  /** Reveals the view (creating it if needed) and waits until it is resolved. */
  async reveal(): Promise<vscode.WebviewView> {
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    return this.viewReady;
  }
}
