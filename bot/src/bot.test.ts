import { LogLevel } from "@slack/bolt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiClientsFromConfig } from "./audience.js";
import { answerBlocks, ephemeralAnswerBlocks } from "./blocks.js";
import { type Bot, buildBot, PRIVATE_HINT } from "./bot.js";
import { ABSTAINED_INTRO, offerOwnersBlocks } from "./owners.js";
import {
  buttonClickForm,
  EXPIRED_CONVERSATION,
  eventually,
  type FakeBackend,
  type FakeSlack,
  fakeBackend,
  fakeSlack,
  type Listening,
  listenBot,
  postSignedEvent,
  postSignedForm,
  sampleAnswer,
  sampleOwners,
  slashCommandForm,
} from "./testkit/fakes.js";

const SECRET = "test-signing-secret";
const TEMPLATE = "https://git.example.com/{source}/blob/main/{path}#L{startLine}-L{endLine}";
const audiences = [
  { groups: ["public"], token: "tok-public" },
  { groups: ["engineering", "public"], token: "tok-eng" },
  { groups: ["engineering", "public", "security"], token: "tok-sec" },
];

let slack: FakeSlack;
let backend: FakeBackend;
let bot: Bot;
let server: Listening;
let botUrl: string;
/** The API the bot's clients call; switched to a dead port to simulate the backend being down. */
let apiUrl = "";

async function startBot(): Promise<void> {
  bot = buildBot({
    config: {
      signingSecret: SECRET,
      botToken: "xoxb-test",
      sourceUrlTemplate: TEMPLATE,
      channels: { CENG: ["engineering"] },
      users: { UALICE: ["engineering", "security"], "carol@example.com": ["engineering"] },
      updateIntervalMs: 0,
      owners: { "team-billing": "S0BILLING" },
      vscodeUriScheme: "vscode-insiders",
    },
    apiClientFor: (audience) => apiClientsFromConfig({ audiences, apiUrl, apiTimeoutMs: 2000 })(audience),
    slackApiUrl: slack.apiUrl,
    logLevel: LogLevel.ERROR,
  });
  server = await listenBot(bot.receiver);
  botUrl = server.url;
}

beforeAll(async () => {
  slack = await fakeSlack();
  backend = await fakeBackend();
  apiUrl = backend.url;
  await startBot();
});

afterAll(async () => {
  await server?.close();
  await slack.close();
  await backend.close();
});

/** Waits until no Web API call has arrived for 100 ms, so a test's stragglers never land in the next one. */
async function quiet(): Promise<void> {
  for (let n = -1; n !== slack.calls.length; ) {
    n = slack.calls.length;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeEach(async () => {
  await quiet();
  apiUrl = backend.url;
  backend.answer = sampleAnswer;
  backend.owners = sampleOwners;
  slack.calls.length = 0;
  backend.calls.length = 0;
  slack.replies = [];
});

const postEvent = (
  event: Record<string, unknown>,
  opts: { eventId?: string; headers?: Record<string, string>; timestamp?: number; secret?: string } = {},
) => postSignedEvent(botUrl, event, { ...opts, secret: opts.secret ?? SECRET });

const postForm = (fields: Record<string, string>) => postSignedForm(botUrl, SECRET, fields);

const mention = (over: Record<string, unknown> = {}) => ({
  type: "app_mention",
  user: "UALICE",
  text: "<@UBOT> how do I rotate the staging db password?",
  ts: "1700000000.000100",
  channel: "CGEN",
  event_ts: "1700000000.000100",
  ...over,
});

/** The ts the fake Slack gave the (first) thinking message. */
const placeholderTs = () =>
  slack.apiCalls().find((c) => c.method === "chat.postMessage")?.result?.ts as string | undefined;

const finalUpdate = () =>
  slack.apiCalls().find((c) => c.method === "chat.update" && c.args.blocks !== undefined);

describe("Slack bot over the real Bolt HTTP receiver", () => {
  it("answers a mention in its thread: thinking message, streamed updates, then cited blocks", async () => {
    const res = await postEvent(mention());
    expect(res.status).toBe(200);
    const done = await eventually(finalUpdate);
    const calls = slack.apiCalls();
    expect(calls[0]?.method).toBe("chat.postMessage");
    expect(calls[0]?.args).toMatchObject({
      channel: "CGEN",
      thread_ts: "1700000000.000100",
      text: "Thinking… :hourglass_flowing_sand:",
    });
    const ts = placeholderTs();
    const streamed = calls.filter((c) => c.method === "chat.update" && c.args.blocks === undefined);
    expect(streamed.length).toBeGreaterThanOrEqual(1);
    expect(streamed.every((c) => c.args.channel === "CGEN" && c.args.ts === ts)).toBe(true);
    expect(String(streamed.at(-1)?.args.text)).toMatch(/^Run /);
    expect(done.args).toMatchObject({ channel: "CGEN", ts, text: sampleAnswer.answer });
    expect(done.args.blocks).toEqual(answerBlocks(sampleAnswer, { sourceUrlTemplate: TEMPLATE }));
    const blocks = JSON.stringify(done.args.blocks);
    expect(blocks).toContain("<https://git.example.com/handbook/blob/main/ops/db.md#L3-L9|ops/db.md L3–9>");
    expect(blocks).toContain('"action_id":"isa_feedback_up"');
    expect(blocks).toContain('"action_id":"isa_feedback_down"');
    // A general channel is public-only: asked with the public token, the mention stripped.
    expect(backend.calls).toEqual([
      {
        path: "/v1/ask",
        token: "tok-public",
        body: { question: "how do I rotate the staging db password?" },
      },
    ]);
  });

  it("asks with the channel's audience in a mapped channel and with the asker's groups in a DM", async () => {
    await postEvent(mention({ channel: "CENG" }));
    await eventually(finalUpdate);
    await postEvent({
      type: "message",
      channel_type: "im",
      channel: "DALICE",
      user: "UALICE",
      text: "where is the break-glass token?",
      ts: "1700000000.000200",
      event_ts: "1700000000.000200",
    });
    await eventually(() => (backend.calls.length === 2 ? true : undefined));
    expect(backend.calls.map((c) => c.token)).toEqual(["tok-eng", "tok-sec"]);
    // Carol is mapped by email: looked up through users.info.
    await postEvent({
      type: "message",
      channel_type: "im",
      channel: "DCAROL",
      user: "UCAROL",
      text: "how do we deploy?",
      ts: "1700000000.000250",
      event_ts: "1700000000.000250",
    });
    await eventually(() => (backend.calls.length === 3 ? true : undefined));
    expect(backend.calls[2]?.token).toBe("tok-eng");
    expect(slack.calls.find((c) => c.method === "users.info")?.args.user).toBe("UCAROL");
    await eventually(
      () => slack.apiCalls().filter((c) => c.args.blocks !== undefined).length === 2 || undefined,
    );
    const dmPost = slack
      .apiCalls()
      .find((c) => c.method === "chat.postMessage" && c.args.channel === "DALICE");
    expect(dmPost?.args.thread_ts).toBe("1700000000.000200");
  });

  it("answers a follow-up in a thread with the thread's earlier turns as context", async () => {
    slack.replies = [
      { ts: "1700000000.000100", user: "UALICE", text: "<@UBOT> how do I rotate the prod db password?" },
      { ts: "1700000000.000150", user: "UBOT", bot_id: "BBOT", text: "Use vault [1]." },
      { ts: "1700000000.000300", user: "UALICE", text: "<@UBOT> and staging?" },
    ];
    await postEvent(
      mention({ text: "<@UBOT> and staging?", ts: "1700000000.000300", thread_ts: "1700000000.000100" }),
    );
    await eventually(finalUpdate);
    const replies = slack.apiCalls().find((c) => c.method === "conversations.replies");
    expect(replies?.args).toMatchObject({ channel: "CGEN", ts: "1700000000.000100" });
    expect(slack.apiCalls().find((c) => c.method === "chat.postMessage")?.args.thread_ts).toBe(
      "1700000000.000100",
    );
    expect(backend.calls[0]?.body).toEqual({
      question:
        "Earlier in this conversation:\nUser: how do I rotate the prod db password?\nAssistant: Use vault [1].\n\nCurrent question: and staging?",
    });
  });

  it("when a channel answer abstains, points an asker with wider access to a private answer, ephemerally", async () => {
    backend.answer = { ...sampleAnswer, answer: "I could not find this.", abstained: true, citations: [] };
    await postEvent(mention({ user: "UALICE", ts: "1700000000.000400", event_ts: "1700000000.000400" }));
    const hint = await eventually(() => slack.apiCalls().find((c) => c.method === "chat.postEphemeral"));
    expect(hint.args).toMatchObject({
      channel: "CGEN",
      user: "UALICE",
      thread_ts: "1700000000.000400",
      text: PRIVATE_HINT,
    });
    expect(backend.calls.map((c) => c.token)).toEqual(["tok-public"]);
    // Someone with no wider access gets no hint.
    await quiet();
    slack.calls.length = 0;
    await postEvent(mention({ user: "UBOB", ts: "1700000000.000500", event_ts: "1700000000.000500" }));
    await eventually(finalUpdate);
    await quiet();
    expect(slack.apiCalls().filter((c) => c.method === "chat.postEphemeral")).toEqual([]);
  });

  it("offers the asker the owners of the closest document's project when the answer abstains", async () => {
    const closest = {
      ...sampleAnswer.citations[0]!,
      source: "acme",
      path: "services/billing/docs/refunds.md",
    };
    backend.answer = {
      ...sampleAnswer,
      answer: "I could not find this.",
      abstained: true,
      citations: [],
      closest: [closest],
    };
    await postEvent(
      mention({
        user: "UBOB",
        text: "<@UBOT> who books refunds?",
        ts: "1700000000.000700",
        event_ts: "1700000000.000700",
      }),
    );
    const offer = await eventually(() => slack.apiCalls().find((c) => c.method === "chat.postEphemeral"));
    expect(offer.args).toMatchObject({ channel: "CGEN", user: "UBOB", thread_ts: "1700000000.000700" });
    expect(offer.args.blocks).toEqual(
      offerOwnersBlocks({ name: "billing", owners: ["team-billing"] }, "who books refunds?", {
        intro: ABSTAINED_INTRO,
        threadTs: "1700000000.000700",
      }),
    );
    // Looked up with the channel's audience, for the closest document.
    expect(backend.calls.map((c) => [c.path, c.token])).toEqual([
      ["/v1/ask", "tok-public"],
      ["/v1/owners?path=services%2Fbilling%2Fdocs%2Frefunds.md&source=acme", "tok-public"],
    ]);
    // Clicking tags the mapped Slack group in the thread.
    await quiet();
    slack.calls.length = 0;
    const value = (offer.args.blocks as { elements?: { value?: string }[] }[])[1]?.elements?.[0]?.value ?? "";
    await click("isa_ask_owners", value, "abstain-owners");
    const tagged = await eventually(() => slack.apiCalls().find((c) => c.method === "chat.postMessage"));
    expect(tagged.args).toMatchObject({ channel: "CGEN", thread_ts: "1700000000.000700" });
    expect(String(tagged.args.text)).toMatch(
      /^<!subteam\^S0BILLING> — <@UALICE> asked: “who books refunds\?”/,
    );

    // No owners known (CODEOWNERS and catalog silent): no offer, and an answer that did not abstain gets none.
    await quiet();
    slack.calls.length = 0;
    backend.owners = { owners: [] };
    await postEvent(mention({ user: "UBOB", ts: "1700000000.000800", event_ts: "1700000000.000800" }));
    await eventually(finalUpdate);
    await quiet();
    expect(slack.apiCalls().filter((c) => c.method === "chat.postEphemeral")).toEqual([]);
  });

  it("keeps the API conversation in the answer's metadata, links it to VS Code, and continues it on a follow-up", async () => {
    const conversationId = "c_AbCdEfGhIjKlMnOpQrStUv";
    backend.answer = { ...sampleAnswer, conversationId };
    await postEvent(mention({ ts: "1700000000.000900", event_ts: "1700000000.000900" }));
    const done = await eventually(finalUpdate);
    expect(done.args.metadata).toEqual({
      event_type: "isa_answer",
      event_payload: { trace_id: sampleAnswer.traceId, conversation_id: conversationId },
    });
    const link = JSON.stringify(done.args.blocks);
    expect(link).toContain(
      `"url":"vscode-insiders://innersource.innersource-assistant/continue?conversation=${conversationId}"`,
    );
    expect(link).toContain('"action_id":"isa_open_vscode"');
    expect(backend.calls[0]?.body).toEqual({ question: "how do I rotate the staging db password?" });

    // The follow-up: the thread holds the answer with its metadata; the id is sent instead of folded turns.
    await quiet();
    slack.calls.length = 0;
    backend.calls.length = 0;
    slack.replies = [
      { ts: "1700000000.000900", user: "UALICE", text: "<@UBOT> how do I rotate the staging db password?" },
      {
        ts: "1700000000.000950",
        user: "UBOT",
        bot_id: "BBOT",
        text: "Run `vault rotate staging-db` [1].",
        metadata: {
          event_type: "isa_answer",
          event_payload: { trace_id: sampleAnswer.traceId, conversation_id: conversationId },
        },
      },
      // Someone else's message with look-alike metadata is ignored.
      {
        ts: "1700000000.000960",
        user: "UMALLORY",
        text: "hi",
        metadata: {
          event_type: "isa_answer",
          event_payload: { conversation_id: "c_MalloryMalloryMallory0" },
        },
      },
      { ts: "1700000000.001000", user: "UALICE", text: "<@UBOT> and in prod?" },
    ];
    await postEvent(
      mention({ text: "<@UBOT> and in prod?", ts: "1700000000.001000", thread_ts: "1700000000.000900" }),
    );
    await eventually(finalUpdate);
    const replies = slack.apiCalls().find((c) => c.method === "conversations.replies");
    expect(replies?.args).toMatchObject({
      channel: "CGEN",
      ts: "1700000000.000900",
      include_all_metadata: "true",
    });
    expect(backend.calls[0]?.body).toEqual({ question: "and in prod?", conversationId });

    // The ack-only link button click is accepted.
    expect((await click("isa_open_vscode", "", "vscode")).status).toBe(200);
  });

  it("falls back to folding the thread's turns when the API no longer has the conversation", async () => {
    slack.replies = [
      { ts: "1700000000.001100", user: "UALICE", text: "<@UBOT> how do I rotate the prod db password?" },
      {
        ts: "1700000000.001150",
        user: "UBOT",
        bot_id: "BBOT",
        text: "Use vault [1].",
        metadata: { event_type: "isa_answer", event_payload: { conversation_id: EXPIRED_CONVERSATION } },
      },
    ];
    await postEvent(
      mention({ text: "<@UBOT> and staging?", ts: "1700000000.001200", thread_ts: "1700000000.001100" }),
    );
    await eventually(finalUpdate);
    expect(backend.calls.map((c) => c.body)).toEqual([
      { question: "and staging?", conversationId: EXPIRED_CONVERSATION },
      {
        question:
          "Earlier in this conversation:\nUser: how do I rotate the prod db password?\nAssistant: Use vault [1].\n\nCurrent question: and staging?",
      },
    ]);
  });

  it("answers a retried event once", async () => {
    const first = postEvent(mention(), { eventId: "EvDup" });
    const retry = postEvent(mention(), {
      eventId: "EvDup",
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    expect((await first).status).toBe(200);
    expect((await retry).status).toBe(200);
    await eventually(finalUpdate);
    await new Promise((r) => setTimeout(r, 150));
    expect(slack.apiCalls().filter((c) => c.method === "chat.postMessage")).toHaveLength(1);
    expect(backend.calls).toHaveLength(1);
  });

  it("refuses a bad signature and a stale timestamp with 401, answering nothing", async () => {
    expect((await postEvent(mention(), { secret: "wrong" })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await postEvent(mention(), { timestamp: stale })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(slack.apiCalls()).toEqual([]);
    expect(backend.calls).toEqual([]);
  });

  const click = (
    actionId: string,
    value: string,
    respondTo: string,
    container: Record<string, string> = {},
  ) =>
    postForm(
      buttonClickForm({
        user: "UALICE",
        channel: "CGEN",
        messageTs: "1700000100.000001",
        container,
        responseUrl: `${slack.url}/respond/${respondTo}`,
        actionId,
        blockId: "b",
        value,
      }),
    );

  it("posts feedback from the 👎 button to /v1/feedback and thanks the clicker", async () => {
    const unknown = "fedcba9876543210fedcba9876543210";
    expect((await click("isa_feedback_down", unknown, "fb")).status).toBe(200);
    const thanks = await eventually(() => slack.calls.find((c) => c.method === "/respond/fb"));
    expect(thanks.args).toMatchObject({ text: "Thanks — noted that this answer fell short." });
    expect(backend.calls).toEqual([
      { path: "/v1/feedback", token: "tok-public", body: { traceId: unknown, rating: "down" } },
    ]);
  });

  it("on 👎 offers to ask the project's owners, and tags their Slack group in the thread", async () => {
    const trace = "abcdefabcdefabcdefabcdefabcdef01";
    const billingDoc = {
      ...sampleAnswer.citations[0]!,
      source: "acme",
      path: "services/billing/docs/refunds.md",
    };
    backend.answer = { ...sampleAnswer, traceId: trace, citations: [billingDoc] };
    await postEvent(mention({ text: "<@UBOT> how are refunds booked?", ts: "1700000000.000600" }));
    await eventually(finalUpdate);
    await quiet();
    backend.calls.length = 0;
    await click("isa_feedback_down", trace, "down");
    const offer = await eventually(() => slack.calls.find((c) => c.method === "/respond/down"));
    expect(backend.calls.map((c) => c.path)).toEqual([
      "/v1/feedback",
      "/v1/owners?path=services%2Fbilling%2Fdocs%2Frefunds.md&source=acme",
    ]);
    expect(backend.calls[1]?.token).toBe("tok-public");
    expect(offer.args.blocks).toEqual(
      offerOwnersBlocks({ name: "billing", owners: ["team-billing"] }, "how are refunds booked?", {
        threadTs: "1700000000.000600",
      }),
    );
    const value = JSON.stringify({
      q: "how are refunds booked?",
      p: "billing",
      o: ["team-billing"],
      t: "1700000000.000600",
    });
    expect(JSON.stringify(offer.args.blocks)).toContain(JSON.stringify(value).slice(1, -1));

    slack.calls.length = 0;
    await click("isa_ask_owners", value, "owners");
    const tagged = await eventually(() => slack.apiCalls().find((c) => c.method === "chat.postMessage"));
    expect(tagged.args).toMatchObject({
      channel: "CGEN",
      thread_ts: "1700000000.000600",
      text: "<!subteam^S0BILLING> — <@UALICE> asked: “how are refunds booked?”. The assistant's answer fell short (it looked in *billing*). Could you help?",
    });
  });

  it("acks /ask at once and answers ephemerally through response_url with the asker's access", async () => {
    const res = await postForm(
      slashCommandForm({
        command: "/ask",
        text: "how do I rotate the staging db password?",
        user: "UALICE",
        channel: "CGEN",
        responseUrl: `${slack.url}/respond/ask`,
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ response_type: "ephemeral" });
    const responded = await eventually(() => slack.calls.find((c) => c.method === "/respond/ask"));
    expect(responded.args).toEqual({
      response_type: "ephemeral",
      replace_original: true,
      text: sampleAnswer.answer,
      blocks: ephemeralAnswerBlocks(sampleAnswer, {
        sourceUrlTemplate: TEMPLATE,
        question: "how do I rotate the staging db password?",
      }),
    });
    expect(backend.calls[0]?.token).toBe("tok-sec");
  });
});

describe("Slack bot with the backend down", () => {
  it("replaces the thinking message with a friendly error and a retry button that answers once it is back", async () => {
    apiUrl = "http://127.0.0.1:1";
    await postEvent(mention());
    const failed = await eventually(finalUpdate);
    expect(failed.args).toMatchObject({ channel: "CGEN", ts: placeholderTs() });
    expect(String(failed.args.text)).toContain("can't reach the knowledge service");
    const retryValue = JSON.stringify({
      q: "how do I rotate the staging db password?",
      t: "1700000000.000100",
      m: "1700000000.000100",
    });
    expect(failed.args.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: failed.args.text } },
      {
        type: "actions",
        block_id: "isa_retry",
        elements: [
          {
            type: "button",
            action_id: "isa_retry",
            text: { type: "plain_text", text: "Try again", emoji: true },
            value: retryValue,
          },
        ],
      },
      { type: "context", elements: [{ type: "mrkdwn", text: "error `BACKEND_UNAVAILABLE`" }] },
    ]);

    apiUrl = backend.url;
    slack.calls.length = 0;
    const res = await postForm(
      buttonClickForm({
        user: "UALICE",
        channel: "CGEN",
        messageTs: String(failed.args.ts),
        message: { ts: String(failed.args.ts), text: "x" },
        responseUrl: `${slack.url}/respond/retry`,
        actionId: "isa_retry",
        blockId: "isa_retry",
        value: retryValue,
      }),
    );
    expect(res.status).toBe(200);
    const done = await eventually(finalUpdate);
    expect(slack.apiCalls().find((c) => c.method === "chat.postMessage")?.args).toMatchObject({
      channel: "CGEN",
      thread_ts: "1700000000.000100",
    });
    expect(done.args.blocks).toEqual(answerBlocks(sampleAnswer, { sourceUrlTemplate: TEMPLATE }));
  });
});
