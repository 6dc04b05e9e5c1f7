// The Slack bot in front of the real API (buildApp over an indexed corpus with ACLs and canaries, echoing LLM),
// through the real Bolt receiver: a channel answer may cite only what the channel's audience can read, whoever
// asks; a DM answer uses the asker's own access.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { apiClientsFromConfig, buildBot } from "@isa/bot";
import { LogLevel } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CANARIES,
  indexCorpus,
  openTestApp,
  type TestApp,
  type TestCorpus,
  tokenOf,
  USERS,
} from "../backend/src/api/testkit/harness.js";
import { eventually, type FakeSlack, fakeSlack, signedHeaders } from "../bot/src/testkit/fakes.js";

const SECRET = "e2e-secret";
let corpus: TestCorpus;
let api: TestApp;
let slack: FakeSlack;
let server: Server;
let botUrl: string;
let seq = 0;

beforeAll(async () => {
  corpus = await indexCorpus();
  api = await openTestApp(corpus);
  const apiUrl = await api.app.listen({ port: 0, host: "127.0.0.1" });
  slack = await fakeSlack();
  const bot = buildBot({
    config: {
      signingSecret: SECRET,
      botToken: "xoxb-e2e",
      sourceUrlTemplate: "https://git.example.com/{source}/blob/main/{path}#L{startLine}-L{endLine}",
      channels: { CENG: ["eng"] },
      users: { UROOT: [...(USERS.root ?? [])] },
      updateIntervalMs: 50,
    },
    // One service token per audience: the harness's users stand in for service principals.
    apiClientFor: apiClientsFromConfig({
      apiUrl,
      apiTimeoutMs: 10_000,
      audiences: [
        { groups: ["public"], token: tokenOf("dan") },
        { groups: ["eng", "public"], token: tokenOf("alice") },
        { groups: [...(USERS.root ?? []), "public"].sort(), token: tokenOf("root") },
      ],
    }),
    slackApiUrl: slack.apiUrl,
    logLevel: LogLevel.ERROR,
  });
  server = createServer(bot.receiver.requestListener);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await slack?.close();
  await api?.close();
  corpus?.cleanup();
});

/** Sends a signed event and returns the final answer message (the chat.update carrying blocks). */
async function ask(event: Record<string, unknown>): Promise<string> {
  seq += 1;
  const ts = `1700000${String(seq).padStart(3, "0")}.000100`;
  const body = JSON.stringify({
    type: "event_callback",
    team_id: "T1",
    api_app_id: "A1",
    event_id: `EvE2E${seq}`,
    event: { ts, event_ts: ts, ...event },
  });
  slack.calls.length = 0;
  const res = await fetch(botUrl, {
    method: "POST",
    headers: signedHeaders({ secret: SECRET, body, contentType: "application/json" }),
    body,
  });
  expect(res.status).toBe(200);
  const done = await eventually(
    () => slack.apiCalls().find((c) => c.method === "chat.update" && c.args.blocks !== undefined),
    20_000,
  );
  expect(slack.apiCalls().find((c) => c.method === "chat.postMessage")?.args.thread_ts).toBe(ts);
  return JSON.stringify(done.args);
}

const canariesIn = (s: string) => Object.values(CANARIES).filter((c) => s.includes(c));

describe("Slack bot → real API: audience-safe answers", () => {
  it("answers in a public channel from public documents only, even when an admin asks", async () => {
    const out = await ask({
      type: "app_mention",
      channel: "CGEN",
      user: "UROOT",
      text: "<@UBOT> where is the break-glass token and how do I rotate the staging database password?",
    });
    expect(out).toContain("isa_feedback_up");
    expect(canariesIn(out)).toEqual([]);
  });

  it("answers in an engineering channel with engineering documents and nothing beyond", async () => {
    const out = await ask({
      type: "app_mention",
      channel: "CENG",
      user: "UROOT",
      text: "<@UBOT> how do I rotate the staging database password with the deploy pipeline?",
    });
    expect(canariesIn(out).length).toBeGreaterThan(0);
    expect(canariesIn(out).every((c) => c.startsWith("CANARY-ENG-"))).toBe(true);
    expect(out).toContain("https://git.example.com/acme/blob/main/eng/deploy.md#L");
  });

  it("answers a DM with the asker's own access", async () => {
    const out = await ask({
      type: "message",
      channel_type: "im",
      channel: "DROOT",
      user: "UROOT",
      text: "where is the break-glass token kept in the vault?",
    });
    expect(out).toContain("CANARY-SEC-BREAKGLASS");
  });
});
