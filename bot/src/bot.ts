// The Bolt app: listeners translate Slack events into API calls (through @isa/core's client) and answers into
// Block Kit. No business rules live here: who may read what is the API's job, given the audience's token.
import type { AnswerPayload, ApiClient } from "@isa/core";
import { AppError, toAppError } from "@isa/core";
import {
  App,
  type BlockAction,
  type ButtonAction,
  HTTPReceiver,
  type Logger,
  LogLevel,
  SocketModeReceiver,
} from "@slack/bolt";
import { answerInThread, stripMentions, threadContext } from "./answerInThread.js";
import { type Audience, resolveAudience, userDirectory } from "./audience.js";
import {
  ACTION_OPEN_VSCODE,
  ACTION_RETRY,
  ACTION_SHARE,
  decodeRetry,
  ephemeralAnswerBlocks,
  errorBlocks,
  errorText,
  escapeMrkdwn,
} from "./blocks.js";
import { registerCommands } from "./commands.js";
import type { BotConfig } from "./config.js";
import { normalizeGroups } from "./config.js";
import { createDeduper } from "./dedupe.js";
import { registerFeedback } from "./feedback.js";
import {
  ABSTAINED_INTRO,
  createAnswerMemory,
  lookupOwners,
  offerOwnersBlocks,
  topDocument,
} from "./owners.js";
import { streamInThread } from "./streamInThread.js";

export interface BuildBotOptions {
  readonly config: Pick<
    BotConfig,
    | "signingSecret"
    | "botToken"
    | "sourceUrlTemplate"
    | "channels"
    | "users"
    | "updateIntervalMs"
    | "streaming"
    | "owners"
    | "vscodeUriScheme"
  >;
  /** The API client that asks with the given audience's access (see audience.ts). */
  readonly apiClientFor: (audience: Audience) => ApiClient;
  /** Web API base (tests point it at a local server). */
  readonly slackApiUrl?: string;
  readonly logger?: Logger;
  readonly logLevel?: LogLevel;
}

export interface Bot {
  readonly app: App;
  readonly receiver: HTTPReceiver;
  /** Listens on the Events/Interactivity/Commands endpoint `/slack/events`. */
  start(port: number): Promise<void>;
  stop(): Promise<void>;
}

export const PRIVATE_HINT =
  "I answered from documents everyone in this channel may read. You may have access to more: " +
  "DM me or use `/ask` for an answer only you will see.";

const USAGE =
  "Ask me a question about our docs and code, e.g. `/ask how do I rotate the staging db password?`";

export function buildBot(opts: BuildBotOptions): Bot {
  const receiver = new HTTPReceiver({
    signingSecret: opts.config.signingSecret,
    endpoints: "/slack/events",
    ...(opts.logger ? { logger: opts.logger } : {}),
    logLevel: opts.logLevel ?? LogLevel.INFO,
  });
  const app = wire(newApp(opts, receiver), opts);
  return {
    app,
    receiver,
    async start(port) {
      await app.start(port);
    },
    async stop() {
      await app.stop();
    },
  };
}

export interface SocketModeBot {
  readonly app: App;
  /** Opens the Socket Mode connection (apps.connections.open, then a WebSocket). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The same bot over Socket Mode (`SLACK_APP_TOKEN`, `xapp-…`): no public URL; Slack pushes over a WebSocket. */
export function buildSocketModeBot(opts: BuildBotOptions & { readonly appToken: string }): SocketModeBot {
  const receiver = new SocketModeReceiver({
    appToken: opts.appToken,
    ...(opts.logger ? { logger: opts.logger } : {}),
    logLevel: opts.logLevel ?? LogLevel.INFO,
    ...(opts.slackApiUrl ? { installerOptions: { clientOptions: { slackApiUrl: opts.slackApiUrl } } } : {}),
  });
  const app = wire(newApp(opts, receiver), opts);
  return {
    app,
    async start() {
      await app.start();
    },
    async stop() {
      await app.stop();
    },
  };
}

function newApp(opts: BuildBotOptions, receiver: HTTPReceiver | SocketModeReceiver): App {
  return new App({
    token: opts.config.botToken,
    receiver,
    ...(opts.logger ? { logger: opts.logger } : { logLevel: opts.logLevel ?? LogLevel.INFO }),
    ...(opts.slackApiUrl ? { clientOptions: { slackApiUrl: opts.slackApiUrl } } : {}),
  });
}

/** Registers every listener on the app; the receiver (HTTP or Socket Mode) is the only difference. */
function wire(app: App, opts: BuildBotOptions): App {
  const { config } = opts;
  const deduper = createDeduper();
  const memory = createAnswerMemory();
  const groupsOf = userDirectory(
    config,
    async (user) => (await app.client.users.info({ user })).user?.profile?.email,
  );
  const userAudienceOf = async (user: string): Promise<Audience> => ({
    kind: "user",
    id: user,
    groups: normalizeGroups(await groupsOf(user)),
  });

  // Retries of an event already being answered are dropped before any listener runs (Bolt has acked them).
  app.use(async ({ body, next }) => {
    const id = (body as { event_id?: unknown }).event_id;
    if (typeof id === "string" && !deduper.first(id)) return;
    await next();
  });

  async function answerEvent(args: {
    client: App["client"];
    logger: Logger;
    channel: string;
    user: string;
    channelType?: string | undefined;
    text: string;
    ts: string;
    threadTs?: string | undefined;
    botUserId?: string | undefined;
    botId?: string | undefined;
    teamId?: string | undefined;
  }): Promise<void> {
    const question = stripMentions(args.text);
    const threadTs = args.threadTs ?? args.ts;
    if (!question) {
      await args.client.chat.postMessage({ channel: args.channel, thread_ts: threadTs, text: USAGE });
      return;
    }
    try {
      const audience = await resolveAudience(config, groupsOf, args);
      const thread = args.threadTs
        ? await threadContext({
            client: args.client,
            channel: args.channel,
            threadTs: args.threadTs,
            beforeTs: args.ts,
            botUserId: args.botUserId,
            botId: args.botId,
          })
        : { turns: [] };
      const api = opts.apiClientFor(audience);
      const answerIn = config.streaming === "chat-stream" ? streamInThread : answerInThread;
      const answer = await answerIn({
        client: args.client,
        api,
        logger: args.logger,
        channel: args.channel,
        threadTs,
        questionTs: args.ts,
        question,
        history: thread.turns,
        conversationId: thread.conversationId,
        sourceUrlTemplate: config.sourceUrlTemplate,
        vscodeUriScheme: config.vscodeUriScheme,
        updateIntervalMs: config.updateIntervalMs,
        recipientTeamId: args.teamId,
        recipientUserId: args.user,
      });
      if (answer) memory.remember(answer, { question, threadTs });
      // The channel's documents fell short, but the asker may read more: point them (alone) to a private answer.
      // Nothing from their wider access is fetched or shown here.
      const own = await userAudienceOf(args.user);
      if (
        answer?.abstained &&
        audience.kind === "channel" &&
        own.groups.some((g) => !audience.groups.includes(g))
      ) {
        await args.client.chat.postEphemeral({
          channel: args.channel,
          user: args.user,
          thread_ts: threadTs,
          text: PRIVATE_HINT,
        });
      }
      if (answer?.abstained) {
        await offerOwners({ ...args, api, answer, question, threadTs });
      }
    } catch (err) {
      // Failures before or around the placeholder (history, token lookup, Slack itself): still say so visibly.
      const e = toAppError(err);
      args.logger.error(`answer failed: ${e.code} ${e.message}`);
      await args.client.chat
        .postMessage({
          channel: args.channel,
          thread_ts: threadTs,
          text: errorText(e),
          blocks: errorBlocks(e, { q: question, t: threadTs, m: args.ts }),
        })
        .catch((e2: unknown) => args.logger.error("could not post the error message", e2));
    }
  }

  /**
   * An abstained answer: the asker alone is offered to tag the owners of the closest document's project (asked with
   * the same audience, so the offer names only what the answer's readers may see). The asker decides whether to
   * ping a team; a failed lookup just means no offer.
   */
  async function offerOwners(args: {
    client: App["client"];
    logger: Logger;
    api: ApiClient;
    channel: string;
    user: string;
    answer: AnswerPayload;
    question: string;
    threadTs: string;
  }): Promise<void> {
    const doc = topDocument(args.answer);
    if (!doc) return;
    try {
      const offer = await lookupOwners(args.api, doc);
      if (!offer) return;
      await args.client.chat.postEphemeral({
        channel: args.channel,
        user: args.user,
        thread_ts: args.threadTs,
        text: `${ABSTAINED_INTRO} ${offer.name} is owned by ${offer.owners.join(", ")}.`,
        blocks: offerOwnersBlocks(offer, args.question, { intro: ABSTAINED_INTRO, threadTs: args.threadTs }),
      });
    } catch (err) {
      const e = toAppError(err);
      args.logger.warn(`owners lookup failed: ${e.code} ${e.message}`);
    }
  }

  app.event("app_mention", async ({ event, client, logger, context }) => {
    await answerEvent({
      client,
      logger,
      channel: event.channel,
      user: event.user ?? "",
      text: event.text,
      ts: event.ts,
      threadTs: event.thread_ts,
      botUserId: context.botUserId,
      botId: context.botId,
      teamId: context.teamId,
    });
  });

  // Direct messages: answered with the asker's own access, in a thread under their message.
  app.message(async ({ message, client, logger, context }) => {
    if (message.channel_type !== "im" || message.subtype !== undefined || message.bot_id) return;
    await answerEvent({
      client,
      logger,
      channel: message.channel,
      user: message.user,
      channelType: "im",
      text: message.text ?? "",
      ts: message.ts,
      threadTs: message.thread_ts,
      botUserId: context.botUserId,
      botId: context.botId,
      teamId: context.teamId,
    });
  });

  // /ask: acknowledged at once; the answer (read by the asker alone, so asked with their access) follows
  // ephemerally through response_url.
  app.command("/ask", async ({ command, ack, respond, logger }) => {
    const question = command.text.trim();
    if (!question) {
      await ack({ response_type: "ephemeral", text: USAGE });
      return;
    }
    await ack({ response_type: "ephemeral", text: `_${question}_\nThinking… :hourglass_flowing_sand:` });
    await answerEphemeral({ question, user: command.user_id, respond, logger });
  });

  async function answerEphemeral(args: {
    question: string;
    user: string;
    respond: (msg: Record<string, unknown>) => Promise<unknown>;
    logger: Logger;
  }): Promise<void> {
    try {
      const a = await opts.apiClientFor(await userAudienceOf(args.user)).ask(args.question);
      memory.remember(a, { question: args.question });
      await args.respond({
        response_type: "ephemeral",
        replace_original: true,
        text: a.answer,
        blocks: ephemeralAnswerBlocks(a, {
          sourceUrlTemplate: config.sourceUrlTemplate,
          vscodeUriScheme: config.vscodeUriScheme,
          question: args.question,
        }),
      });
    } catch (err) {
      const e = toAppError(err);
      args.logger.error(`/ask failed: ${e.code} ${e.message}`);
      await args.respond({
        response_type: "ephemeral",
        replace_original: true,
        text: errorText(e),
        blocks: errorBlocks(e, { q: args.question }),
      });
    }
  }

  registerCommands(app, { userAudienceOf, apiClientFor: opts.apiClientFor });

  registerFeedback(app, {
    apiClientFor: opts.apiClientFor,
    audienceOf: (where) => resolveAudience(config, groupsOf, where),
    memory,
    owners: config.owners ?? {},
  });

  // The "Continue in VS Code" link opens on the user's machine; Slack still reports the click, which needs an ack.
  app.action(ACTION_OPEN_VSCODE, async ({ ack }) => {
    await ack();
  });

  app.action<BlockAction<ButtonAction>>(
    ACTION_RETRY,
    async ({ ack, action, body, client, respond, logger, context }) => {
      await ack();
      const retry = decodeRetry(action.value);
      const channel = body.channel?.id;
      if (!retry) {
        await respond({
          response_type: "ephemeral",
          replace_original: false,
          text: errorText(new AppError("INPUT_INVALID")),
        });
        return;
      }
      if (retry.t === undefined || !channel) {
        await answerEphemeral({ question: retry.q, user: body.user.id, respond, logger });
        return;
      }
      await answerEvent({
        client,
        logger,
        channel,
        user: body.user.id,
        text: retry.q,
        ts: retry.m ?? retry.t,
        threadTs: retry.t,
        botUserId: context.botUserId,
        botId: context.botId,
        teamId: context.teamId,
      });
    },
  );

  // "Ask in the channel" under an ephemeral answer: the question is posted in the channel and answered in its
  // thread with the channel's audience, like a mention.
  app.action<BlockAction<ButtonAction>>(
    ACTION_SHARE,
    async ({ ack, action, body, client, respond, logger, context }) => {
      await ack();
      const q = decodeRetry(action.value)?.q;
      const channel = body.channel?.id;
      if (!q || !channel) return;
      try {
        const posted = await client.chat.postMessage({
          channel,
          text: `<@${body.user.id}> asked: ${escapeMrkdwn(q)}`,
        });
        await respond({ response_type: "ephemeral", delete_original: true });
        await answerEvent({
          client,
          logger,
          channel,
          user: body.user.id,
          text: q,
          ts: posted.ts ?? "",
          botUserId: context.botUserId,
          botId: context.botId,
          teamId: context.teamId,
        });
      } catch (err) {
        const e = toAppError(err);
        logger.error(`share failed: ${e.code} ${e.message}`);
        await respond({ response_type: "ephemeral", replace_original: false, text: errorText(e) });
      }
    },
  );

  return app;
}
