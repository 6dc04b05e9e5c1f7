// One question answered with Slack's streaming messages (Web API ≥ 8.2 `chatStream`: chat.startStream /
// appendStream / stopStream): an 👀 reaction on the question at once, the answer's tokens appended as they arrive,
// then the stream stopped with the sources and 👍/👎 blocks — or with a friendly error and a retry button.
import type { AnswerPayload } from "@isa/core";
import { toAppError } from "@isa/core";
import { askInThread, type ThreadAnswerInput } from "./answerInThread.js";
import { answerBlocks, answerMetadata, errorBlocks, errorText } from "./blocks.js";

export interface StreamAnswerInput extends ThreadAnswerInput {
  /** Required by Slack outside DMs: who the streamed message is for. */
  readonly recipientTeamId?: string | undefined;
  readonly recipientUserId?: string | undefined;
}

export async function streamInThread(input: StreamAnswerInput): Promise<AnswerPayload | undefined> {
  const { client, channel, threadTs } = input;
  await client.reactions
    .add({ channel, timestamp: input.questionTs, name: "eyes" })
    .catch((err: unknown) => input.logger.warn("could not add the acknowledgement reaction", err));
  const streamer = client.chatStream({
    channel,
    thread_ts: threadTs,
    ...(input.recipientTeamId ? { recipient_team_id: input.recipientTeamId } : {}),
    ...(input.recipientUserId ? { recipient_user_id: input.recipientUserId } : {}),
    buffer_size: 64,
  });
  // Tokens arrive in a synchronous callback; appends are chained so they reach Slack in order.
  let chain: Promise<unknown> = Promise.resolve();
  let streamed = false;
  let slackError: unknown;
  const onToken = (t: string) => {
    streamed = true;
    chain = chain
      .then(() => streamer.append({ markdown_text: t }))
      .catch((err: unknown) => {
        slackError ??= err;
      });
  };
  try {
    const answer = await askInThread(input.api, input, { onToken });
    await chain;
    if (slackError) throw slackError;
    const footer = answerBlocks(answer, input).slice(1);
    await streamer.stop({
      ...(streamed ? {} : { markdown_text: answer.answer }),
      blocks: footer,
      metadata: answerMetadata(answer),
    });
    return answer;
  } catch (err) {
    await chain;
    const e = toAppError(err);
    input.logger.error(`answer failed: ${e.code} ${e.message}`);
    const blocks = errorBlocks(e, { q: input.question, t: threadTs, m: input.questionTs });
    if (streamer.ts) {
      await streamer.stop({ markdown_text: `\n\n${errorText(e)}`, blocks });
    } else {
      await client.chat.postMessage({ channel, thread_ts: threadTs, text: errorText(e), blocks });
    }
    return undefined;
  }
}
