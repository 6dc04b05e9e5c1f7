#!/usr/bin/env node
// Slack bot latency: signed app_mention → first visible message (the "Thinking…" chat.postMessage reaching Slack's
// Web API) and → final answer (the chat.update carrying blocks), p50/p95, through the real Bolt HTTP receiver, with
// a local recording fake of Slack's Web API and a local fake API streaming `--tokens` tokens `--token-ms` apart.
// The fake API's own streaming time is printed beside it as the floor the bot adds to.
// Usage: node bench/slack-bot.mjs [--n 50] [--tokens 20] [--token-ms 20]   (needs `npm run build`)
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";

const repo = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    n: { type: "string", default: "50" },
    tokens: { type: "string", default: "20" },
    "token-ms": { type: "string", default: "20" },
  },
});
const n = Number(values.n);
const nTokens = Number(values.tokens);
const tokenMs = Number(values["token-ms"]);
const bot = await import(path.join(repo, "bot/dist/index.js"));
const { LogLevel } = await import(path.join(repo, "node_modules/@slack/bolt/dist/index.js"));

async function listen(handler) {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => handler(req, body, res));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

const TRACE = "0123456789abcdef0123456789abcdef";
const answer = {
  answer: "t ".repeat(nTokens).trim(),
  citations: [],
  abstained: false,
  closest: [],
  traceId: TRACE,
};
const api = await listen((_req, _body, res) => {
  res.writeHead(200, { "content-type": "text/event-stream" });
  let i = 0;
  const tick = () => {
    if (i++ >= nTokens) return res.end(`event: answer\ndata: ${JSON.stringify(answer)}\n\n`);
    res.write(`event: token\ndata: {"text":"t "}\n\n`);
    setTimeout(tick, tokenMs);
  };
  tick();
});

/** thread ts → {first, final} arrival times. */
const seen = new Map();
let ts = 0;
const slack = await listen((req, body, res) => {
  const method = req.url.replace(/^\/api\//, "");
  const args = Object.fromEntries(new URLSearchParams(body));
  res.writeHead(200, { "content-type": "application/json" });
  if (method === "auth.test") return res.end(JSON.stringify({ ok: true, user_id: "UBOT", bot_id: "BBOT" }));
  const now = performance.now();
  ts += 1;
  const msgTs = `1800000000.${String(ts).padStart(6, "0")}`;
  if (method === "chat.postMessage") {
    const rec = seen.get(args.thread_ts);
    if (rec) {
      rec.first = now;
      seen.set(msgTs, rec);
    }
  } else if (method === "chat.update" && args.blocks) {
    const rec = seen.get(args.ts);
    if (rec) {
      rec.final = now;
      rec.done();
    }
  }
  res.end(JSON.stringify({ ok: true, ts: msgTs, channel: args.channel }));
});

const SECRET = "bench";
const b = bot.buildBot({
  config: {
    signingSecret: SECRET,
    botToken: "xoxb-bench",
    channels: {},
    users: {},
    updateIntervalMs: 1000,
  },
  apiClientFor: bot.apiClientsFromConfig({
    apiUrl: api.url,
    apiTimeoutMs: 30_000,
    audiences: [{ groups: ["public"], token: "t" }],
  }),
  slackApiUrl: `${slack.url}/api/`,
  logLevel: LogLevel.ERROR,
});
const botServer = createServer(b.receiver.requestListener);
await new Promise((r) => botServer.listen(0, "127.0.0.1", r));
const botUrl = `http://127.0.0.1:${botServer.address().port}/slack/events`;

const first = [];
const final = [];
for (let i = 0; i < n; i++) {
  const eventTs = `1700000000.${String(i).padStart(6, "0")}`;
  const body = JSON.stringify({
    type: "event_callback",
    team_id: "T1",
    api_app_id: "A1",
    event_id: `EvBench${i}`,
    event: {
      type: "app_mention",
      user: "U1",
      channel: "C1",
      text: "<@UBOT> q?",
      ts: eventTs,
      event_ts: eventTs,
    },
  });
  const stamp = Math.floor(Date.now() / 1000);
  const sig = `v0=${createHmac("sha256", SECRET).update(`v0:${stamp}:${body}`).digest("hex")}`;
  const done = new Promise((resolve) => {
    seen.set(eventTs, { start: 0, done: resolve });
  });
  const rec = seen.get(eventTs);
  rec.start = performance.now();
  await fetch(botUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(stamp),
      "x-slack-signature": sig,
    },
    body,
  });
  await done;
  first.push(rec.first - rec.start);
  final.push(rec.final - rec.start);
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, c) => a - c);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (x) => `${x.toFixed(1)} ms`;
console.log(`slack bot, ${n} mentions, fake API streaming ${nTokens} tokens ${tokenMs} ms apart`);
console.log(`  event → first visible message: p50 ${fmt(pct(first, 50))}  p95 ${fmt(pct(first, 95))}`);
console.log(`  event → final answer:          p50 ${fmt(pct(final, 50))}  p95 ${fmt(pct(final, 95))}`);
console.log(`  floor (fake API stream alone): ${fmt(nTokens * tokenMs)}`);
botServer.closeAllConnections();
botServer.close();
slack.server.closeAllConnections();
slack.server.close();
api.server.closeAllConnections();
api.server.close();
await b.stop().catch(() => {});
