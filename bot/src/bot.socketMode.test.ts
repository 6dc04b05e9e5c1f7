// Socket Mode: the bot opens its connection through apps.connections.open (answered by the recording fake of
// Slack's Web API with a ws:// URL on 127.0.0.1), receives events as socket-mode envelopes over a local WebSocket
// server, acknowledges each by envelope_id, and answers through the Web API as in HTTP mode.
import { LogLevel } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { apiClientsFromConfig } from "./audience.js";
import { answerBlocks } from "./blocks.js";
import { buildSocketModeBot, type SocketModeBot } from "./bot.js";
import {
  eventually,
  type FakeBackend,
  type FakeSlack,
  fakeBackend,
  fakeSlack,
  sampleAnswer,
} from "./testkit/fakes.js";

let slack: FakeSlack;
let backend: FakeBackend;
let wss: WebSocketServer;
let socket: WebSocket | undefined;
const acks: string[] = [];
let bot: SocketModeBot;

beforeAll(async () => {
  wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((r) => wss.once("listening", () => r()));
  const port = (wss.address() as { port: number }).port;
  wss.on("connection", (ws) => {
    socket = ws;
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { envelope_id?: string };
      if (msg.envelope_id) acks.push(msg.envelope_id);
    });
    ws.send(JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "A1" } }));
  });
  slack = await fakeSlack();
  slack.extra = { "apps.connections.open": { ok: true, url: `ws://127.0.0.1:${port}/link` } };
  backend = await fakeBackend();
  bot = buildSocketModeBot({
    appToken: "xapp-test",
    config: { signingSecret: "", botToken: "xoxb-test", channels: {}, users: {}, updateIntervalMs: 0 },
    apiClientFor: (audience) =>
      apiClientsFromConfig({
        apiUrl: backend.url,
        apiTimeoutMs: 2000,
        audiences: [{ groups: ["public"], token: "tok-public" }],
      })(audience),
    slackApiUrl: slack.apiUrl,
    logLevel: LogLevel.ERROR,
  });
  await bot.start();
});

afterAll(async () => {
  await bot.stop().catch(() => {});
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
  await slack.close();
  await backend.close();
});

describe("Slack bot over Socket Mode", () => {
  it("acknowledges an events_api envelope and answers the mention in its thread", async () => {
    const ws = await eventually(() => socket);
    expect(slack.calls.find((c) => c.method === "apps.connections.open")).toBeDefined();
    ws.send(
      JSON.stringify({
        envelope_id: "env-1",
        type: "events_api",
        accepts_response_payload: false,
        retry_attempt: 0,
        retry_reason: "",
        payload: {
          type: "event_callback",
          team_id: "T1",
          api_app_id: "A1",
          event_id: "EvSock1",
          event: {
            type: "app_mention",
            user: "UALICE",
            channel: "CGEN",
            text: "<@UBOT> how do I rotate the staging db password?",
            ts: "1700000000.000100",
            event_ts: "1700000000.000100",
          },
        },
      }),
    );
    const done = await eventually(() =>
      slack.apiCalls().find((c) => c.method === "chat.update" && c.args.blocks !== undefined),
    );
    expect(acks).toContain("env-1");
    expect(slack.apiCalls().find((c) => c.method === "chat.postMessage")?.args).toMatchObject({
      channel: "CGEN",
      thread_ts: "1700000000.000100",
    });
    expect(done.args.blocks).toEqual(answerBlocks(sampleAnswer, {}));
    expect(backend.calls[0]?.token).toBe("tok-public");
  });
});
