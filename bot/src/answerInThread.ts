// One question answered in a Slack thread: a "thinking…" message at once, throttled `chat.update`s while tokens
// stream, then the final Block Kit answer — or, on any failure, a friendly error with a retry button in its place.
import type { AnswerPayload, ApiClient, ConversationTurn } from "@isa/core";
import { toAppError } from "@isa/core";
import type { App, Logger } from "@slack/bolt";
import { answerBlocks, ERROR_PREFIX, errorBlocks, errorText, THINKING_TEXT } from "./blocks.js";

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
  readonly sourceUrlTemplate?: string | undefined;
  readonly updateIntervalMs: number;
}

/** Slack shows at most 4000 characters of a message's text nicely; the stream preview stays under that. */
const PREVIEW_MAX = 3500;

/** Mentions (`<@U123>`) are addressing, not content. */
export function stripMentions(text: string): string {
  return text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, "").trim();
}

/** The thread's earlier turns: people's messages as user turns, the bot's answers as assistant turns. */
export async function threadHistory(opts: {
  client: WebClient;
  channel: string;
  threadTs: string;
  beforeTs: string;
  botUserId?: string | undefined;
  botId?: string | undefined;
}): Promise<ConversationTurn[]> {
  const res = await opts.client.conversations.replies({
    channel: opts.channel,
    ts: opts.threadTs,
    limit: 50,
  });
  const turns: ConversationTurn[] = [];
  for (const m of res.messages ?? []) {
    if (!m.ts || Number(m.ts) >= Number(opts.beforeTs) || !m.text) continue;
    const mine = (opts.botId !== undefined && m.bot_id === opts.botId) || m.user === opts.botUserId;
    if (mine) {
      if (m.text.startsWith(ERROR_PREFIX) || m.text === THINKING_TEXT) continue;
      turns.push({ role: "assistant", text: m.text });
    } else {
      const text = stripMentions(m.text);
      if (text) turns.push({ role: "user", text });
    }
  }
  return turns;
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
    const answer = await input.api.ask(input.question, {
      ...(input.history && input.history.length > 0 ? { history: input.history } : {}),
      onToken,
    });
    await inFlight;
    await client.chat.update({
      channel,
      ts,
      text: answer.answer,
      blocks: answerBlocks(answer, { sourceUrlTemplate: input.sourceUrlTemplate }),
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
