import type { Project } from "@isa/core";
import { LogLevel } from "@slack/bolt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiClientsFromConfig } from "./audience.js";
import { answerBlocks } from "./blocks.js";
import { buildBot } from "./bot.js";
import { HELP_TEXT, projectBlocks } from "./commands.js";
import {
  buttonClickForm,
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
  sampleProjects,
  slashCommandForm,
} from "./testkit/fakes.js";

const SECRET = "test-signing-secret";
const TEMPLATE = "https://git.example.com/{source}/blob/main/{path}#L{startLine}-L{endLine}";
const audiences = [{ groups: ["public"], token: "tok-public" }];
let slack: FakeSlack;
let backend: FakeBackend;
let apiUrl = "";

const mention = () => ({
  type: "app_mention",
  user: "UALICE",
  text: "<@UBOT> how do I rotate the staging db password?",
  ts: "1700000000.000100",
  channel: "CGEN",
  event_ts: "1700000000.000100",
});

beforeAll(async () => {
  slack = await fakeSlack();
  backend = await fakeBackend();
});

afterAll(async () => {
  await slack.close();
  await backend.close();
});

beforeEach(() => {
  apiUrl = backend.url;
  slack.calls.length = 0;
  backend.calls.length = 0;
});

describe("Slack bot in chat-stream mode (ISA_BOT_STREAMING=chat-stream): commands and streaming", () => {
  let streamServer: Listening;
  let streamUrl: string;

  beforeAll(async () => {
    const streaming = buildBot({
      config: {
        signingSecret: SECRET,
        botToken: "xoxb-test",
        sourceUrlTemplate: TEMPLATE,
        channels: {},
        users: {},
        updateIntervalMs: 0,
        streaming: "chat-stream",
      },
      apiClientFor: (audience) => apiClientsFromConfig({ audiences, apiUrl, apiTimeoutMs: 2000 })(audience),
      slackApiUrl: slack.apiUrl,
      logLevel: LogLevel.ERROR,
    });
    streamServer = await listenBot(streaming.receiver);
    streamUrl = streamServer.url;
  });

  afterAll(async () => {
    await streamServer?.close();
  });

  const postTo = async (url: string, event: Record<string, unknown>) => {
    expect((await postSignedEvent(url, event, { secret: SECRET })).status).toBe(200);
  };

  it("answers /project ephemerally from the API's project discovery, and /assistant-help at once", async () => {
    const res = await postSignedForm(
      streamUrl,
      SECRET,
      slashCommandForm({
        command: "/project",
        text: "billing",
        user: "UBOB",
        channel: "CGEN",
        responseUrl: `${slack.url}/respond/project`,
      }),
    );
    expect(res.status).toBe(200);
    const responded = await eventually(() => slack.calls.find((c) => c.method === "/respond/project"));
    expect(responded.args).toEqual({
      response_type: "ephemeral",
      text: "Projects matching billing",
      blocks: projectBlocks(sampleProjects as Project[], "billing"),
    });
    expect(JSON.stringify(responded.args.blocks)).toContain("Owners: team-billing");
    expect(backend.calls).toEqual([{ path: "/v1/projects?q=billing", token: "tok-public", body: undefined }]);

    const help = await postSignedForm(
      streamUrl,
      SECRET,
      slashCommandForm({
        command: "/assistant-help",
        text: "",
        user: "UBOB",
        channel: "CGEN",
        responseUrl: `${slack.url}/respond/help`,
      }),
    );
    expect(await help.json()).toEqual({ response_type: "ephemeral", text: HELP_TEXT });
  });
  it("shares an /ask question to the channel by asking again with the channel's audience", async () => {
    const value = JSON.stringify({ q: "how do I rotate the staging db password?" });
    const res = await postSignedForm(
      streamUrl,
      SECRET,
      buttonClickForm({
        user: "UALICE",
        channel: "CGEN",
        messageTs: "1700000100.000009",
        container: { is_ephemeral: true },
        responseUrl: `${slack.url}/respond/share`,
        actionId: "isa_share",
        blockId: "isa_share",
        value,
      }),
    );
    expect(res.status).toBe(200);
    await eventually(() => slack.apiCalls().find((c) => c.method === "chat.stopStream"));
    const posted = slack.apiCalls().find((c) => c.method === "chat.postMessage");
    expect(posted?.args).toMatchObject({
      channel: "CGEN",
      text: "<@UALICE> asked: how do I rotate the staging db password?",
    });
    expect(posted?.args.thread_ts).toBeUndefined();
    expect(slack.apiCalls().find((c) => c.method === "chat.startStream")?.args.thread_ts).toBe(
      posted?.result?.ts,
    );
    expect(backend.calls.map((c) => c.token)).toEqual(["tok-public"]);
  });

  it("reacts at once, streams the tokens, and stops the stream with sources and feedback buttons", async () => {
    backend.tokens = ["x".repeat(40), "y".repeat(40), "z"];
    try {
      await postTo(streamUrl, mention());
      const stop = await eventually(() => slack.apiCalls().find((c) => c.method === "chat.stopStream"));
      const calls = slack.apiCalls();
      expect(calls[0]).toMatchObject({
        method: "reactions.add",
        args: { channel: "CGEN", timestamp: "1700000000.000100", name: "eyes" },
      });
      const start = calls.find((c) => c.method === "chat.startStream");
      expect(start?.args).toMatchObject({
        channel: "CGEN",
        thread_ts: "1700000000.000100",
        recipient_team_id: "T1",
        recipient_user_id: "UALICE",
      });
      const text = calls
        .filter((c) => c.method.endsWith("Stream"))
        .map((c) => (c.args.markdown_text as string | undefined) ?? JSON.stringify(c.args.chunks ?? ""))
        .join("");
      expect(text).toContain("x".repeat(40));
      expect(stop.args).toMatchObject({ channel: "CGEN", ts: start?.result?.ts });
      expect(stop.args.blocks).toEqual(answerBlocks(sampleAnswer, { sourceUrlTemplate: TEMPLATE }).slice(1));
      expect(stop.args.metadata).toEqual({
        event_type: "isa_answer",
        event_payload: { trace_id: sampleAnswer.traceId },
      });
    } finally {
      backend.tokens = ["Run ", "`vault rotate staging-db` ", "[1]."];
    }
  });

  it("posts a friendly error with a retry button when the API is down", async () => {
    apiUrl = "http://127.0.0.1:1";
    await postTo(streamUrl, mention());
    const posted = await eventually(() => slack.apiCalls().find((c) => c.method === "chat.postMessage"));
    expect(posted.args).toMatchObject({ channel: "CGEN", thread_ts: "1700000000.000100" });
    expect(JSON.stringify(posted.args.blocks)).toContain("isa_retry");
    expect(slack.apiCalls().some((c) => c.method === "chat.startStream")).toBe(false);
  });
});
