// 👍/👎 on an answer: recorded through /v1/feedback; on 👎, when the bot remembers the answer, the owners of its
// top source are looked up (/v1/owners) and the clicker is offered to tag them in the thread.
import type { ApiClient } from "@isa/core";
import { toAppError } from "@isa/core";
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import type { Audience } from "./audience.js";
import { ACTION_FEEDBACK_DOWN, ACTION_FEEDBACK_UP, errorText } from "./blocks.js";
import {
  ACTION_ASK_OWNERS,
  type AnswerMemory,
  askOwnersText,
  decodeAskOwners,
  lookupOwners,
  offerOwnersBlocks,
} from "./owners.js";

export interface FeedbackDeps {
  readonly apiClientFor: (audience: Audience) => ApiClient;
  /** The audience of the place a button was clicked in. */
  readonly audienceOf: (where: { channel: string; user: string }) => Promise<Audience>;
  readonly memory: AnswerMemory;
  readonly owners: Readonly<Record<string, string>>;
}

export function registerFeedback(app: App, deps: FeedbackDeps): void {
  for (const [actionId, rating] of [
    [ACTION_FEEDBACK_UP, "up"],
    [ACTION_FEEDBACK_DOWN, "down"],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, action, body, respond, logger }) => {
      await ack();
      const channel = body.channel?.id ?? "";
      const traceId = action.value ?? "";
      try {
        const api = deps.apiClientFor(await deps.audienceOf({ channel, user: body.user.id }));
        await api.feedback({ traceId, rating });
        const remembered = rating === "down" ? deps.memory.get(traceId) : undefined;
        if (remembered?.top) {
          // Same audience as the answer's place, so only ownership files everyone there may read are used.
          const offer = await lookupOwners(api, remembered.top);
          if (offer) {
            await respond({
              response_type: "ephemeral",
              replace_original: false,
              text: `Thanks — noted. ${offer.name} is owned by ${offer.owners.join(", ")}.`,
              blocks: offerOwnersBlocks(offer, remembered.question, { threadTs: remembered.threadTs }),
            });
            return;
          }
        }
        await respond({
          response_type: "ephemeral",
          replace_original: false,
          text:
            rating === "up" ? "Thanks for the feedback! :+1:" : "Thanks — noted that this answer fell short.",
        });
      } catch (err) {
        const e = toAppError(err);
        logger.error(`feedback failed: ${e.code} ${e.message}`);
        await respond({ response_type: "ephemeral", replace_original: false, text: errorText(e) });
      }
    });
  }

  app.action<BlockAction<ButtonAction>>(
    ACTION_ASK_OWNERS,
    async ({ ack, action, body, client, respond, logger }) => {
      await ack();
      const v = decodeAskOwners(action.value);
      const channel = body.channel?.id;
      // The offer is ephemeral, so Slack sends no message; the thread is found from the container.
      const container = body.container as { thread_ts?: string; message_ts?: string } | undefined;
      if (!v || !channel) return;
      const threadTs = v.t ?? container?.thread_ts ?? container?.message_ts;
      try {
        await client.chat.postMessage({
          channel,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          text: askOwnersText(v, body.user.id, deps.owners),
        });
        await respond({ response_type: "ephemeral", delete_original: true });
      } catch (err) {
        const e = toAppError(err);
        logger.error(`ask owners failed: ${e.code} ${e.message}`);
        await respond({ response_type: "ephemeral", replace_original: false, text: errorText(e) });
      }
    },
  );
}
