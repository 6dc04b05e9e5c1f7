// One question answered in a Slack thread: a "thinking…" message at once, throttled `chat.update`s while tokens
// stream, then the final Block Kit answer — or, on any failure, a friendly error with a retry button in its place.
// A thread is one API conversation: the answer message carries its `conversationId` in Slack message metadata, and a
// follow-up reads it back from the thread and sends it, so the bot itself keeps no state.
import type { AnswerPayload, ApiClient, AskOptions, ConversationTurn } from "@isa/core";
import { CONVERSATION_ID, isAppError, toAppError } from "@isa/core";
import type { App, Logger } from "@slack/bolt";
import {
  ANSWER_EVENT,
  answerBlocks,
  answerMetadata,
  ERROR_PREFIX,
  errorBlocks,
  errorText,
  THINKING_TEXT,
} from "./blocks.js";

type WebClient = App["client"];

export interface ThreadAnswerInput {
  readonly client: WebClient;
  readonly api: ApiClient;
  readonly logger: Logger;
  readonly channel: string;
  /** The thread's root ts (the asking message's own ts when it starts a thread). */
  readonly threadTs: string;
  /** The asking message's ts (carried by the retry button). */
  readonly questionTs: string;
  readonly question: string;
  readonly history?: readonly ConversationTurn[];
  /** The thread's API conversation (from an earlier answer's metadata); preferred over `history`. */
  readonly conversationId?: string | undefined;
  readonly sourceUrlTemplate?: string | undefined;
  readonly vscodeUriScheme?: string | undefined;
  readonly updateIntervalMs: number;
}

/** Slack shows at most 4000 characters of a message's text nicely; the stream preview stays under that. */
const PREVIEW_MAX = 3500;

/** Mentions (`<@U123>`) are addressing, not content. */
export function stripMentions(text: string): string {
  return text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, "").trim();
}

export interface ThreadContext {
  /** People's messages as user turns, the bot's answers as assistant turns (the fallback context). */
  readonly turns: ConversationTurn[];
  /** The conversation id of the bot's latest answer in the thread, when its metadata carries one. */
  readonly conversationId?: string;
}

/** What the thread already holds before `beforeTs`: its turns and the API conversation of the bot's answers. */
export async function threadContext(opts: {
  client: WebClient;
  channel: string;
  threadTs: string;
  beforeTs: string;
  botUserId?: string | undefined;
  botId?: string | undefined;
}): Promise<ThreadContext> {
  const res = await opts.client.conversations.replies({
    channel: opts.channel,
    ts: opts.threadTs,
    limit: 50,
    include_all_metadata: true,
  });
  const turns: ConversationTurn[] = [];
  let conversationId: string | undefined;
  for (const m of res.messages ?? []) {
    if (!m.ts || Number(m.ts) >= Number(opts.beforeTs) || !m.text) continue;
    const mine = (opts.botId !== undefined && m.bot_id === opts.botId) || m.user === opts.botUserId;
    if (mine) {
      // Only our own answers' metadata counts: anyone can post a message with metadata in a thread.
      const payload = m.metadata?.event_type === ANSWER_EVENT ? m.metadata.event_payload : undefined;
      const id = (payload as Record<string, unknown> | undefined)?.conversation_id;
      if (typeof id === "string" && CONVERSATION_ID.test(id)) conversationId = id;
      if (m.text.startsWith(ERROR_PREFIX) || m.text === THINKING_TEXT) continue;
      turns.push({ role: "assistant", text: m.text });
    } else {
      const text = stripMentions(m.text);
      if (text) turns.push({ role: "user", text });
    }
  }
  return { turns, ...(conversationId ? { conversationId } : {}) };
}

/** The thread's earlier turns (see threadContext). */
export async function threadHistory(opts: Parameters<typeof threadContext>[0]): Promise<ConversationTurn[]> {
  return (await threadContext(opts)).turns;
}

/**
 * Asks with the thread's conversation id when there is one, else with its turns folded into the question. A
 * conversation the API no longer has (expired, another audience's) or that is full falls back to the turns, once.
 */
export async function askInThread(
  api: ApiClient,
  input: Pick<ThreadAnswerInput, "question" | "history" | "conversationId">,
  opts: Pick<AskOptions, "onToken" | "signal">,
): Promise<AnswerPayload> {
  const withHistory = () =>
    api.ask(input.question, {
      ...opts,
      ...(input.history && input.history.length > 0 ? { history: input.history } : {}),
    });
  if (!input.conversationId) return withHistory();
  try {
    return await api.ask(input.question, { ...opts, conversationId: input.conversationId });
  } catch (err) {
    if (isAppError(err) && (err.code === "NOT_FOUND" || err.code === "CONVERSATION_FULL"))
      return withHistory();
    throw err;
  }
}

/** The final answer, or undefined when a failure message was shown instead. */
export async function answerInThread(input: ThreadAnswerInput): Promise<AnswerPayload | undefined> {
  const { client, channel, threadTs } = input;
  const placeholder = await client.chat.postMessage({ channel, thread_ts: threadTs, text: THINKING_TEXT });
  const ts = placeholder.ts;
  if (!ts) throw new Error("chat.postMessage returned no ts");

  let text = "";
  let lastUpdate = Date.now();
  let inFlight: Promise<unknown> = Promise.resolve();
  let busy = false;
  const onToken = (t: string) => {
    text += t;
    const now = Date.now();
    if (busy || now - lastUpdate < input.updateIntervalMs) return;
    busy = true;
    lastUpdate = now;
    const preview = text.length > PREVIEW_MAX ? `${text.slice(0, PREVIEW_MAX)}…` : text;
    inFlight = client.chat
      .update({ channel, ts, text: `${preview} ▍` })
      .catch((err: unknown) => input.logger.warn("stream update failed", err))
      .finally(() => {
        busy = false;
      });
  };

  try {
    const answer = await askInThread(input.api, input, { onToken });
    await inFlight;
    await client.chat.update({
      channel,
      ts,
      text: answer.answer,
      blocks: answerBlocks(answer, input),
      metadata: answerMetadata(answer),
    });
    return answer;
  } catch (err) {
    await inFlight;
    const e = toAppError(err);
    input.logger.error(`answer failed: ${e.code} ${e.message}`);
    await client.chat.update({
      channel,
      ts,
      text: errorText(e),
      blocks: errorBlocks(e, { q: input.question, t: threadTs, m: input.questionTs }),
    });
    return undefined;
  }
}
