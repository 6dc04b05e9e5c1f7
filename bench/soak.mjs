#!/usr/bin/env node
// Soak: sustained mixed load on the built `isa serve` (one port: API + A2A; embedded default: LanceDB,
// all-MiniLM-L6-v2, extractive answers) plus `isa mcp docs-search --http`, over an index of examples/acme in a temp
// ISA_DATA_DIR, 127.0.0.1 only. N concurrent askers (one principal each) mix: ask as JSON, ask as SSE (a third of
// them disconnect after the first event), search, lookup (20 terms), feedback on their own answers, A2A SendMessage
// and MCP tools/call search_docs. Bounded in time (--minutes) and count (--max-requests); each request times out.
// Every 30 s: requests, throughput, server RSS and heap (from /metrics), RSS slope since warm-up. At the end: per
// route count, p50/p95/p99 and errors by status/code; the last line is one JSON object (requests, errors_5xx,
// rss_slope_mb_per_min after warm-up, …).
//
// The in-memory stores are bounded by bytes; with the production budgets (64 MiB of conversations, 32 MiB of tasks
// per agent) they take longer than a short soak to fill, and RSS grows with them until they do. The soak sets
// --store-cap-mb (default 8) as both budgets so they fill during warm-up and a flat slope afterwards means what it
// says; each sample prints the stores' bytes from /metrics.
//
// Usage: npm run bench:soak -- [--minutes 5] [--askers 50] [--warmup-s 60] [--max-requests 1000000] [--seed 1]
//   [--store-cap-mb 8]
//   (needs `npx tsc -b` and the models in .isa/models or $ISA_MODELS_DIR: `isa setup --no-llm`)
import { spawn } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ACME_QUESTIONS } from "./lib/acme.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "5" },
    askers: { type: "string", default: "50" },
    "warmup-s": { type: "string", default: "60" },
    "max-requests": { type: "string", default: "1000000" },
    "timeout-s": { type: "string", default: "60" },
    "sample-s": { type: "string", default: "30" },
    seed: { type: "string", default: "1" },
    "store-cap-mb": { type: "string", default: "8" },
  },
});
const minutes = Number(values.minutes);
const askers = Number(values.askers);
const warmupS = Number(values["warmup-s"]);
const maxRequests = Number(values["max-requests"]);
const timeoutMs = Number(values["timeout-s"]) * 1000;
const sampleMs = Number(values["sample-s"]) * 1000;
for (const [k, v] of Object.entries({ minutes, askers, maxRequests, timeoutMs, sampleMs })) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k} must be a positive number`);
}

// Deterministic mix (mulberry32), so two runs send the same sequence per asker.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const MIX = [
  ["ask_json", 20],
  ["ask_sse", 15],
  ["search", 20],
  ["lookup", 12],
  ["feedback", 8],
  ["a2a_send", 13],
  ["mcp_call", 12],
];
const MIX_TOTAL = MIX.reduce((s, [, w]) => s + w, 0);
const pick = (r) => {
  let x = r() * MIX_TOTAL;
  for (const [name, w] of MIX) {
    x -= w;
    if (x < 0) return name;
  }
  return MIX[0][0];
};
const LOOKUP_TERMS = ["billing", "deploy", "rotate", "invoice", "backup", "incident", "staging", "release"];

const GROUPS = [[], ["engineering"], ["security"], ["engineering", "security"]];
const work = mkdtempSync(path.join(tmpdir(), "isa-soak-"));
const dataDir = path.join(work, "data");
mkdirSync(dataDir, { recursive: true });
const users = Array.from({ length: askers }, (_, i) => ({
  user: `soak-${i}`,
  groups: GROUPS[i % GROUPS.length],
  token: randomBytes(24).toString("hex"),
}));
const tokensFile = path.join(work, "tokens.yaml");
writeFileSync(
  tokensFile,
  users
    .map(
      (u) =>
        `- token_sha256: ${createHash("sha256").update(u.token).digest("hex")}\n  user: ${u.user}\n  groups: [${u.groups.join(", ")}]\n`,
    )
    .join(""),
);
const env = {
  ...process.env,
  ISA_DATA_DIR: dataDir,
  ISA_MODELS_DIR: process.env.ISA_MODELS_DIR ?? path.join(repo, ".isa", "models"),
  ISA_TOKENS_FILE: tokensFile,
  // High enough that the mix is not refused (each asker sends a few requests a second); the limiter stays in the
  // path, so its cost is in the figures.
  ISA_RATE_LIMIT_PER_MIN: process.env.ISA_RATE_LIMIT_PER_MIN ?? "100000",
  ISA_LOG_LEVEL: process.env.ISA_LOG_LEVEL ?? "warn",
  ISA_HOST: "127.0.0.1",
  ISA_MEMORY_CONVERSATIONS_MAX_BYTES: String(Number(values["store-cap-mb"]) * 1024 * 1024),
  ISA_MEMORY_TASKS_MAX_BYTES: String(Number(values["store-cap-mb"]) * 1024 * 1024),
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const rssMb = (pid) => {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};
const pct = (sorted, p) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
/** Least-squares slope of (t minutes, y). */
function slope(points) {
  if (points.length < 2) return Number.NaN;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

function startProcess(args) {
  const child = spawn(process.execPath, [path.join(repo, "bin/isa.mjs"), ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = [];
  child.stdout.on("data", (c) => log.push(c));
  child.stderr.on("data", (c) => {
    log.push(c);
    if (log.length > 2000) log.splice(0, 1000);
  });
  const state = { child, log, exited: false };
  child.on("exit", () => {
    state.exited = true;
  });
  return state;
}

async function waitFor(state, check, what) {
  const t0 = performance.now();
  for (;;) {
    if (state.exited) throw new Error(`${what} exited during start:\n${Buffer.concat(state.log).toString()}`);
    if (performance.now() - t0 > 180_000) throw new Error(`${what} not ready after 180 s`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, "bin/isa.mjs"), ...args], {
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`isa ${args[0]} exited ${code}`))));
  });
}

const stats = new Map(); // route → {lat: number[], outcomes: Map<string, number>}
let requests = 0;
let errors5xx = 0;
const record = (route, ms, outcome) => {
  let s = stats.get(route);
  if (!s) {
    s = { lat: [], outcomes: new Map() };
    stats.set(route, s);
  }
  s.lat.push(ms);
  s.outcomes.set(outcome, (s.outcomes.get(outcome) ?? 0) + 1);
  requests++;
  if (/^5\d\d/.test(outcome)) errors5xx++;
};
const codeOf = (status, text) => {
  let code = "";
  try {
    const j = JSON.parse(text);
    code = j.error?.code ?? j.error?.data?.code ?? "";
  } catch {}
  return `${status}${code ? ` ${code}` : ""}`;
};

let server;
let mcp;
let exitCode = 0;
try {
  await run(["ingest", path.join(repo, "examples/acme"), "--json"]);
  const port = await freePort();
  const mcpPort = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
  server = startProcess(["serve", "--host", "127.0.0.1", "--port", String(port)]);
  mcp = startProcess(["mcp", "docs-search", "--http", "--host", "127.0.0.1", "--port", String(mcpPort)]);
  await waitFor(server, async () => (await fetch(`${base}/readyz`)).status === 200, "isa serve");
  await waitFor(
    mcp,
    async () => (await fetch(mcpUrl, { method: "POST", body: "{}" })).status === 401,
    "isa mcp docs-search",
  );

  let storesMb = Number.NaN;
  const heapMb = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const m = /^isa_nodejs_heap_size_used_bytes (\S+)/m.exec(text);
    storesMb = 0;
    for (const s of text.matchAll(/^isa_memory_store_bytes\{store="[^"]+"\} (\S+)/gm))
      storesMb += Number(s[1]) / 1024 / 1024;
    return m ? Number(m[1]) / 1024 / 1024 : Number.NaN;
  };

  const started = performance.now();
  const deadline = started + minutes * 60_000;
  const samples = []; // [t min, rss MB, heap MB]
  const sample = async () => {
    const t = (performance.now() - started) / 60_000;
    const s = [t, rssMb(server.child.pid), await heapMb().catch(() => Number.NaN), rssMb(mcp.child.pid)];
    s.stores = storesMb;
    samples.push(s);
    const after = samples.filter(([x]) => x * 60 >= warmupS);
    const sl = slope(after.map(([x, r]) => [x, r]));
    const prev = samples.at(-2);
    const rps = prev ? (requests - (prev.requests ?? 0)) / ((t - prev[0]) * 60) : 0;
    s.requests = requests;
    console.log(
      `t=${(t * 60).toFixed(0).padStart(4)}s  requests=${String(requests).padStart(7)}  ${rps.toFixed(1).padStart(6)}/s  ` +
        `5xx=${errors5xx}  serve RSS=${s[1].toFixed(1)} MB heap=${s[2].toFixed(1)} MB stores=${s.stores.toFixed(1)} MB  mcp RSS=${s[3].toFixed(1)} MB  ` +
        `RSS slope after warm-up=${Number.isFinite(sl) ? sl.toFixed(2) : "n/a"} MB/min`,
    );
  };
  await sample();
  const timer = setInterval(() => void sample(), sampleMs);

  const traceIds = [];
  const asker = async (i) => {
    const u = users[i];
    const r = rng(Number(values.seed) * 1000 + i);
    const auth = { authorization: `Bearer ${u.token}` };
    let mcpSession;
    let rpcId = 1;
    const mcpPost = async (body, sid) => {
      const res = await fetch(mcpUrl, {
        method: "POST",
        headers: {
          ...auth,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...(sid ? { "mcp-session-id": sid } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { res, text: await res.text() };
    };
    while (performance.now() < deadline && requests < maxRequests) {
      const op = pick(r);
      const q = ACME_QUESTIONS[Math.floor(r() * ACME_QUESTIONS.length)];
      const t0 = performance.now();
      let outcome = "ok";
      try {
        switch (op) {
          case "ask_json": {
            const res = await fetch(`${base}/v1/ask`, {
              method: "POST",
              headers: { ...auth, "content-type": "application/json", accept: "application/json" },
              body: JSON.stringify({ question: q }),
              signal: AbortSignal.timeout(timeoutMs),
            });
            const text = await res.text();
            if (res.status !== 200) outcome = codeOf(res.status, text);
            else {
              const j = JSON.parse(text);
              if (typeof j.traceId === "string") {
                traceIds[i] = j.traceId;
              }
              if (typeof j.answer !== "object" && typeof j.text !== "string" && !j.traceId)
                outcome = "200 bad body";
            }
            break;
          }
          case "ask_sse": {
            const ctl = new AbortController();
            const timer2 = setTimeout(() => ctl.abort(), timeoutMs);
            const disconnect = r() < 1 / 3;
            const res = await fetch(`${base}/v1/ask`, {
              method: "POST",
              headers: { ...auth, "content-type": "application/json", accept: "text/event-stream" },
              body: JSON.stringify({ question: q }),
              signal: ctl.signal,
            });
            if (res.status !== 200) {
              outcome = codeOf(res.status, await res.text());
            } else {
              const reader = res.body.getReader();
              const dec = new TextDecoder();
              let buf = "";
              for (;;) {
                const { done, value } = await reader.read();
                if (done) break;
                buf += dec.decode(value, { stream: true });
                if (disconnect && buf.includes("\n\n")) {
                  ctl.abort();
                  outcome = "ok (disconnected)";
                  break;
                }
              }
              if (!disconnect) {
                const frames = buf.split("\n\n").filter((f) => f.startsWith("event: "));
                const last = frames.at(-1) ?? "";
                if (!last.startsWith("event: answer\n")) {
                  const m = /"code":"([A-Z_]+)"/.exec(last);
                  outcome = `stream ${m ? m[1] : "no answer event"}`;
                  if (m && /INTERNAL|UNAVAILABLE/.test(m[1])) errors5xx++;
                }
              }
            }
            clearTimeout(timer2);
            break;
          }
          case "search": {
            const res = await fetch(`${base}/v1/search`, {
              method: "POST",
              headers: { ...auth, "content-type": "application/json" },
              body: JSON.stringify({ query: q }),
              signal: AbortSignal.timeout(timeoutMs),
            });
            const text = await res.text();
            if (res.status !== 200) outcome = codeOf(res.status, text);
            break;
          }
          case "lookup": {
            const terms = Array.from(
              { length: 20 },
              (_, k) => `${LOOKUP_TERMS[k % LOOKUP_TERMS.length]}${k >= 8 ? k : ""}`,
            );
            const res = await fetch(`${base}/v1/lookup`, {
              method: "POST",
              headers: { ...auth, "content-type": "application/json" },
              body: JSON.stringify({ terms }),
              signal: AbortSignal.timeout(timeoutMs),
            });
            const text = await res.text();
            if (res.status !== 200) outcome = codeOf(res.status, text);
            break;
          }
          case "feedback": {
            const traceId = traceIds[i] ?? randomBytes(16).toString("hex");
            const res = await fetch(`${base}/v1/feedback`, {
              method: "POST",
              headers: { ...auth, "content-type": "application/json" },
              body: JSON.stringify({ traceId, rating: r() < 0.5 ? "up" : "down", comment: "soak" }),
              signal: AbortSignal.timeout(timeoutMs),
            });
            const text = await res.text();
            if (res.status >= 300) outcome = codeOf(res.status, text);
            break;
          }
          case "a2a_send": {
            const res = await fetch(`${base}/agents/docs`, {
              method: "POST",
              headers: { ...auth, "content-type": "application/json", "a2a-version": "1.0" },
              body: JSON.stringify({
                jsonrpc: "2.0",
                id: rpcId++,
                method: "SendMessage",
                params: { message: { messageId: randomUUID(), role: "ROLE_USER", parts: [{ text: q }] } },
              }),
              signal: AbortSignal.timeout(timeoutMs),
            });
            const text = await res.text();
            if (res.status !== 200) outcome = codeOf(res.status, text);
            else if (JSON.parse(text).error) outcome = `rpc ${JSON.parse(text).error.code}`;
            break;
          }
          case "mcp_call": {
            if (!mcpSession) {
              const init = await mcpPost({
                jsonrpc: "2.0",
                id: rpcId++,
                method: "initialize",
                params: {
                  protocolVersion: "2025-06-18",
                  capabilities: {},
                  clientInfo: { name: "soak", version: "0" },
                },
              });
              if (init.res.status !== 200) {
                outcome = codeOf(init.res.status, init.text);
                break;
              }
              mcpSession = init.res.headers.get("mcp-session-id");
              await mcpPost({ jsonrpc: "2.0", method: "notifications/initialized" }, mcpSession);
            }
            const call = await mcpPost(
              {
                jsonrpc: "2.0",
                id: rpcId++,
                method: "tools/call",
                params: { name: "search_docs", arguments: { query: q } },
              },
              mcpSession,
            );
            if (call.res.status !== 200) outcome = codeOf(call.res.status, call.text);
            else if (!call.text.includes('"result"')) outcome = "200 no result";
            else if (call.text.includes('"isError":true')) outcome = "tool error";
            break;
          }
        }
      } catch (err) {
        outcome =
          err?.name === "TimeoutError" || err?.name === "AbortError"
            ? "timeout"
            : `client ${err?.code ?? err?.name}`;
      }
      record(op, performance.now() - t0, outcome);
    }
  };
  await Promise.all(users.map((_, i) => asker(i)));
  clearInterval(timer);
  await sample();

  const durS = (performance.now() - started) / 1000;
  console.log(
    `\n${requests} requests in ${durS.toFixed(0)} s (${(requests / durS).toFixed(1)}/s), ${askers} askers`,
  );
  console.log("route       count    rps     p50 ms   p95 ms   p99 ms  outcomes");
  const routes = {};
  for (const [name] of MIX) {
    const s = stats.get(name);
    if (!s) continue;
    const lat = [...s.lat].sort((a, b) => a - b);
    const row = {
      count: lat.length,
      p50_ms: Math.round(pct(lat, 50)),
      p95_ms: Math.round(pct(lat, 95)),
      p99_ms: Math.round(pct(lat, 99)),
      outcomes: Object.fromEntries(s.outcomes),
    };
    routes[name] = row;
    console.log(
      `${name.padEnd(10)} ${String(row.count).padStart(6)} ${(row.count / durS).toFixed(1).padStart(6)} ` +
        `${String(row.p50_ms).padStart(8)} ${String(row.p95_ms).padStart(8)} ${String(row.p99_ms).padStart(8)}  ` +
        JSON.stringify(row.outcomes),
    );
  }
  const after = samples.filter(([x]) => x * 60 >= warmupS);
  const rssSlope = slope(after.map(([x, rss]) => [x, rss]));
  const heapSlope = slope(after.map(([x, , h]) => [x, h]));
  const mcpSlope = slope(after.map(([x, , , m]) => [x, m]));
  const last = samples.at(-1);
  const summary = {
    bench: "soak",
    minutes,
    askers,
    seed: Number(values.seed),
    requests,
    rps: Number((requests / durS).toFixed(1)),
    errors_5xx: errors5xx,
    rss_slope_mb_per_min: Number(rssSlope.toFixed(3)),
    heap_slope_mb_per_min: Number(heapSlope.toFixed(3)),
    mcp_rss_slope_mb_per_min: Number(mcpSlope.toFixed(3)),
    warmup_s: warmupS,
    rss_mb_end: Number(last[1].toFixed(1)),
    heap_mb_end: Number(last[2].toFixed(1)),
    samples: samples.map(([t, rss, heap, m]) => [
      Number((t * 60).toFixed(0)),
      Number(rss.toFixed(1)),
      Number(heap.toFixed(1)),
      Number(m.toFixed(1)),
    ]),
    routes,
  };
  console.log(JSON.stringify(summary));
  if (errors5xx > 0) exitCode = 1;
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  for (const p of [server, mcp]) p?.child.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
