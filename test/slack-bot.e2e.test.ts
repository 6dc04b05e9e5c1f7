import { apiClientsFromConfig, buildBot } from "@isa/bot";
import {
  ACL_YAML,
  CANARIES,
  CORPUS,
  indexCorpus,
  openTestApp,
  type TestApp,
  type TestCorpus,
  tokenOf,
  USERS,
} from "@isa/server/testkit";
import { LogLevel } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buttonClickForm,
  eventually,
  type FakeSlack,
  fakeSlack,
  type Listening,
  listenBot,
  postSignedForm,
  signedHeaders,
} from "../bot/src/testkit/fakes.js";

const SECRET = "e2e-secret";
let corpus: TestCorpus;
let api: TestApp;
let slack: FakeSlack;
let server: Listening;
let botUrl: string;
let apiBase = "";
let seq = 0;

beforeAll(async () => {
  // The harness corpus plus ownership files: a public CODEOWNERS and an engineering-only catalog entity.
  corpus = await indexCorpus({
    acme: {
      files: {
        ...CORPUS,
        CODEOWNERS: "* @acme/handbook-editors\n/eng/ @acme/eng-leads\n",
        "eng/catalog-info.yaml":
          "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: deploy-pipeline\nspec:\n  owner: group:team-eng\n",
      },
      acl: ACL_YAML,
    },
  });
  api = await openTestApp(corpus);
  const apiUrl = await api.app.listen({ port: 0, host: "127.0.0.1" });
  apiBase = apiUrl;
  slack = await fakeSlack();
  const bot = buildBot({
    config: {
      signingSecret: SECRET,
      botToken: "xoxb-e2e",
      sourceUrlTemplate: "https://git.example.com/{source}/blob/main/{path}#L{startLine}-L{endLine}",
      channels: { CENG: ["eng"] },
      users: { UROOT: [...(USERS.root ?? [])] },
      updateIntervalMs: 50,
      owners: { "team-eng": "S0ENG" },
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
  server = await listenBot(bot.receiver);
  botUrl = server.url;
});

afterAll(async () => {
  await server?.close();
  await slack?.close();
  await api?.close();
  corpus?.cleanup();
});

/** Sends a signed event and returns the final answer message (the chat.update carrying blocks). */
async function ask(event: Record<string, unknown>): Promise<string> {
  return JSON.stringify((await askFull(event)).args);
}

async function askFull(
  event: Record<string, unknown>,
): Promise<{ ts: string; args: Record<string, unknown> }> {
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
  const threadTs = (event.thread_ts as string | undefined) ?? ts;
  expect(slack.apiCalls().find((c) => c.method === "chat.postMessage")?.args.thread_ts).toBe(threadTs);
  return { ts, args: done.args };
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

  it("continues the thread's API conversation on a follow-up, from the id kept in the answer's metadata", async () => {
    const first = await askFull({
      type: "app_mention",
      channel: "CENG",
      user: "UROOT",
      text: "<@UBOT> how do I rotate the staging database password?",
    });
    const meta = first.args.metadata as { event_type: string; event_payload: Record<string, string> };
    expect(meta.event_type).toBe("isa_answer");
    const conversationId = meta.event_payload.conversation_id ?? "";
    expect(conversationId).toMatch(/^c_[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(first.args.blocks)).toContain(
      `vscode://innersource.innersource-assistant/continue?conversation=${conversationId}`,
    );
    // The thread as Slack would return it: the question, and the bot's answer with its metadata.
    slack.replies = [
      { ts: first.ts, user: "UROOT", text: "<@UBOT> how do I rotate the staging database password?" },
      {
        ts: `${first.ts.split(".")[0]}.000200`,
        user: "UBOT",
        bot_id: "BBOT",
        text: String(first.args.text),
        metadata: meta,
      },
    ];
    const follow = await askFull({
      type: "app_mention",
      channel: "CENG",
      user: "UROOT",
      text: "<@UBOT> and which pipeline promotes it to production?",
      thread_ts: first.ts,
    });
    slack.replies = [];
    expect((follow.args.metadata as typeof meta).event_payload.conversation_id).toBe(conversationId);
    // The API recorded both turns in one conversation, the follow-up's question unfolded (the channel's token).
    const res = await fetch(`${apiBase}/v1/conversations/${conversationId}`, {
      headers: { authorization: `Bearer ${tokenOf("alice")}` },
    });
    expect(res.status).toBe(200);
    const conv = (await res.json()) as { turns: { question: string }[] };
    expect(conv.turns.map((t) => t.question)).toEqual([
      "how do I rotate the staging database password?",
      "and which pipeline promotes it to production?",
    ]);
  });

  it("on 👎 offers the catalog owners of the cited document's project and tags their Slack group", async () => {
    const first = await askFull({
      type: "app_mention",
      channel: "CENG",
      user: "UROOT",
      text: "<@UBOT> how do I rotate the staging database password with the deploy pipeline?",
    });
    const meta = first.args.metadata as { event_payload: Record<string, string> };
    const traceId = meta.event_payload.trace_id ?? "";
    expect(String(first.args.text)).toContain("rotate");
    const click = (actionId: string, value: string, respondTo: string) =>
      postSignedForm(
        botUrl,
        SECRET,
        buttonClickForm({
          user: "UROOT",
          channel: "CENG",
          messageTs: first.ts,
          responseUrl: `${slack.url}/respond/${respondTo}`,
          actionId,
          blockId: "b",
          value,
        }),
      );
    slack.calls.length = 0;
    expect((await click("isa_feedback_down", traceId, "down")).status).toBe(200);
    const offer = await eventually(() => slack.calls.find((c) => c.method === "/respond/down"), 10_000);
    // Asked with the engineering channel's token: the engineering-only catalog names the project and its team.
    expect(String(offer.args.text)).toBe("Thanks — noted. deploy-pipeline is owned by group:team-eng.");
    const value = (offer.args.blocks as { elements?: { value?: string }[] }[])[1]?.elements?.[0]?.value ?? "";
    slack.calls.length = 0;
    expect((await click("isa_ask_owners", value, "owners")).status).toBe(200);
    const tagged = await eventually(
      () => slack.apiCalls().find((c) => c.method === "chat.postMessage"),
      10_000,
    );
    expect(tagged.args).toMatchObject({ channel: "CENG", thread_ts: first.ts });
    expect(String(tagged.args.text)).toMatch(/^<!subteam\^S0ENG> — <@UROOT> asked: “how do I rotate/);
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
