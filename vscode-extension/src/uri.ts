// The Slack → IDE handoff: `vscode://innersource.innersource-assistant/continue?conversation=<id>` opens the sidebar
// and loads that conversation from the backend, so the next question continues it. Only this one path and a
// well-formed id are accepted; anything else is refused with a message (a URI is untrusted input).
import { CONVERSATION_ID, toAppError } from "@isa/core";
import * as vscode from "vscode";
import type { Connection } from "./connection.js";
import { getConversation } from "./conversations.js";
import type { ChatController, ChatViewProvider, Logger } from "./sidebar.js";

export type UriOutcome =
  | { readonly ok: true; readonly conversationId: string; readonly turns: number }
  | { readonly ok: false; readonly reason: string };

export class HandoffUriHandler implements vscode.UriHandler {
  constructor(
    private readonly deps: {
      connection: Connection;
      controller: ChatController;
      view: ChatViewProvider;
      log: Logger;
    },
  ) {}

  handleUri(uri: vscode.Uri): void {
    void this.handle(uri);
  }

  async handle(uri: vscode.Uri): Promise<UriOutcome> {
    const fail = (reason: string): UriOutcome => {
      this.deps.log.warn(`Refused URI ${uri.toString(true)}: ${reason}`);
      void vscode.window.showErrorMessage(`InnerSource: ${reason}`);
      return { ok: false, reason };
    };
    if (uri.path.replace(/\/+$/, "") !== "/continue") return fail(`Unknown link "${uri.path}".`);
    const id = new URLSearchParams(uri.query).get("conversation") ?? "";
    if (!CONVERSATION_ID.test(id)) return fail("The link does not carry a valid conversation id.");
    await this.deps.view.reveal();
    try {
      const client = await this.deps.connection.client();
      const payload = await getConversation(client, id);
      const conv = await this.deps.controller.load(payload);
      return { ok: true, conversationId: id, turns: conv.turns.length };
    } catch (err) {
      const e = toAppError(err);
      return fail(
        e.code === "NOT_FOUND"
          ? "That conversation does not exist or is not visible to you."
          : `Could not load the conversation: ${e.message}`,
      );
    }
  }
}
