// Asking within a conversation, and fetching one by id (the Slack → IDE handoff). The backend keeps conversations:
// an answer carries `conversationId` and a follow-up sends it back. Until an answer has carried an id (a backend
// that predates conversations), the earlier turns are folded into the question instead (the client's `history`).
import type { AnswerPayload, ApiClient, AskOptions, ConversationPayload, ConversationTurn } from "@isa/core";
import type { Conversation } from "./protocol.js";

export interface AskInOptions {
  readonly conversation: Conversation;
  readonly signal?: AbortSignal;
  readonly onToken?: (text: string) => void;
}

/** Earlier answered turns as history (oldest first), for servers without conversations. */
export function historyOf(c: Conversation): ConversationTurn[] {
  return c.turns.flatMap((t) =>
    t.answer
      ? [
          { role: "user" as const, text: t.question },
          { role: "assistant" as const, text: t.answer.answer },
        ]
      : [],
  );
}

export function askIn(client: ApiClient, question: string, opts: AskInOptions): Promise<AnswerPayload> {
  const id = opts.conversation.conversationId;
  const base: AskOptions = {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onToken ? { onToken: opts.onToken } : {}),
  };
  // With a conversation id the server has the history; sending it folded too would repeat it.
  const options: AskOptions = id
    ? { ...base, conversationId: id }
    : { ...base, history: historyOf(opts.conversation) };
  return client.ask(question, options);
}

/** GET /v1/conversations/:id (NOT_FOUND when it does not exist or the caller may not see it). */
export function getConversation(
  client: ApiClient,
  id: string,
  opts: { signal?: AbortSignal } = {},
): Promise<ConversationPayload> {
  return client.getConversation(id, opts);
}
