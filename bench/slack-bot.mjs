#!/usr/bin/env node
// Slack bot latency: signed app_mention → first visible message (the "Thinking…" chat.postMessage reaching Slack's
// Web API) and → final answer (the chat.update carrying blocks), p50/p95, through the real Bolt HTTP receiver, with
// a local recording fake of Slack's Web API and a local fake API streaming `--tokens` tokens `--token-ms` apart.
// The fake API's own streaming time is printed beside it as the floor the bot adds to.
// With --embedded the bot talks to the real API instead: the built `isa serve` (embedded default: LanceDB,
// all-MiniLM-L6-v2, extractive answers without LLM_BASE_URL) over an index of examples/acme in a temp ISA_DATA_DIR,
// asked a rotation of real questions; the API's own /v1/ask time for the same questions (SSE to the answer event,
// no bot) is printed as the floor.
// Usage: node bench/slack-bot.mjs [--n 50] [--tokens 20] [--token-ms 20]   (needs `npm run build`)
//        node bench/slack-bot.mjs --embedded [--n 40]   (also needs the models: `isa setup --no-llm`)
import { spawn } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ACME_QUESTIONS } from "./lib/acme.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    n: { type: "string", default: "50" },
    tokens: { type: "string", default: "20" },
    "token-ms": { type: "string", default: "20" },
    embedded: { type: "boolean", default: false },
  },
});
const embedded = values.embedded;
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
const QUESTIONS = ACME_QUESTIONS;

/** The real API (`isa serve`) over examples/acme in a temp data dir; returns its URL, a token and a stop(). */
async function startEmbeddedApi() {
  const work = mkdtempSync(path.join(tmpdir(), "isa-bench-slack-"));
  const dataDir = path.join(work, "data");
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString("hex");
  const tokensFile = path.join(work, "tokens.yaml");
  writeFileSync(
    tokensFile,
    `- token_sha256: ${createHash("sha256").update(token).digest("hex")}\n  user: slack-bot:public\n  groups: []\n`,
  );
  const env = {
    ...process.env,
    ISA_DATA_DIR: dataDir,
    ISA_MODELS_DIR: process.env.ISA_MODELS_DIR ?? path.join(repo, ".isa", "models"),
    ISA_TOKENS_FILE: tokensFile,
    ISA_RATE_LIMIT_PER_MIN: "100000",
    ISA_LOG_LEVEL: "warn",
  };
  const isa = (args) =>
    spawn(process.execPath, [path.join(repo, "bin/isa.mjs"), ...args], {
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
  await new Promise((resolve, reject) => {
    const c = isa(["ingest", path.join(repo, "examples/acme"), "--json"]);
    c.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`isa ingest exited ${code}`))));
  });
  const port = await new Promise((resolve) => {
    const s = createNetServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const server = isa(["serve", "--port", String(port)]);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 600) throw new Error("isa serve did not become ready");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    token,
    async stop() {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** The API alone: POST /v1/ask as SSE until the answer event (the floor the bot adds to). */
async function askDirect(apiUrl, token, question) {
  const t0 = performance.now();
  const res = await fetch(`${apiUrl}/v1/ask`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ question }),
  });
  const text = await res.text();
  if (!res.ok || !text.includes("event: answer"))
    throw new Error(`ask failed: ${res.status} ${text.slice(0, 200)}`);
  return performance.now() - t0;
}

const fake = embedded
  ? undefined
  : await listen((_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let i = 0;
      const tick = () => {
        if (i++ >= nTokens) return res.end(`event: answer\ndata: ${JSON.stringify(answer)}\n\n`);
        res.write(`event: token\ndata: {"text":"t "}\n\n`);
        setTimeout(tick, tokenMs);
      };
      tick();
    });
const real = embedded ? await startEmbeddedApi() : undefined;
const api = fake ?? { url: real.url };
const apiToken = real?.token ?? "t";

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
    audiences: [{ groups: ["public"], token: apiToken }],
  }),
  slackApiUrl: `${slack.url}/api/`,
  logLevel: LogLevel.ERROR,
});
const botServer = createServer(b.receiver.requestListener);
await new Promise((r) => botServer.listen(0, "127.0.0.1", r));
const botUrl = `http://127.0.0.1:${botServer.address().port}/slack/events`;

const first = [];
const final = [];
const direct = [];
if (real) {
  // Warm-up (model sessions, LanceDB caches), then the API's own time per question.
  for (const q of QUESTIONS) await askDirect(real.url, real.token, q);
  for (let i = 0; i < n; i++)
    direct.push(await askDirect(real.url, real.token, QUESTIONS[i % QUESTIONS.length]));
}
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
      text: `<@UBOT> ${embedded ? QUESTIONS[i % QUESTIONS.length] : "q?"}`,
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
if (real) {
  console.log(
    `slack bot, ${n} mentions, real API (isa serve, embedded default: extractive, MiniLM, LanceDB)`,
  );
} else {
  console.log(`slack bot, ${n} mentions, fake API streaming ${nTokens} tokens ${tokenMs} ms apart`);
}
console.log(`  event → first visible message: p50 ${fmt(pct(first, 50))}  p95 ${fmt(pct(first, 95))}`);
console.log(`  event → final answer:          p50 ${fmt(pct(final, 50))}  p95 ${fmt(pct(final, 95))}`);
if (real) {
  console.log(`  floor (/v1/ask SSE alone):     p50 ${fmt(pct(direct, 50))}  p95 ${fmt(pct(direct, 95))}`);
} else {
  console.log(`  floor (fake API stream alone): ${fmt(nTokens * tokenMs)}`);
}
console.log(
  JSON.stringify({
    mode: real ? "embedded" : "fake",
    n,
    firstP50: pct(first, 50),
    firstP95: pct(first, 95),
    finalP50: pct(final, 50),
    finalP95: pct(final, 95),
    ...(real ? { apiP50: pct(direct, 50), apiP95: pct(direct, 95) } : {}),
  }),
);
botServer.closeAllConnections();
botServer.close();
slack.server.closeAllConnections();
slack.server.close();
fake?.server.closeAllConnections();
fake?.server.close();
await real?.stop();
await b.stop().catch(() => {});
