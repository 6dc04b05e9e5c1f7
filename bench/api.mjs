#!/usr/bin/env node
// Load on the real HTTP API: the built `isa serve` (embedded default: LanceDB, all-MiniLM-L6-v2, the default answer
// mode, i.e. extractive without LLM_BASE_URL) over an index of examples/acme in a temp ISA_DATA_DIR, with N
// concurrent askers (one keep-alive connection and one API token each) posting questions to /v1/ask for D seconds.
// Reports throughput, latency p50/p95/p99, errors and non-2xx answers (by status and error code), and the server's
// RSS (VmRSS from /proc) before and after. Prints a table, then one JSON line.
//
// Usage: node bench/api.mjs [--connections 50] [--duration 60] [--sse] [--rate-limit 120] [--warmup 3]
//   (needs `npx tsc -b` and the models in .isa/models or $ISA_MODELS_DIR: `isa setup --no-llm`)
// --sse: the default Accept (Server-Sent Events) instead of `Accept: application/json`; latency is then to the
//   final `answer` event, and time to the first event is reported too.
// Each connection has its own principal (and token). The per-principal limit is raised for the bench
// (ISA_RATE_LIMIT_PER_MIN=100000, `--rate-limit N` to change it): at ~2 answers a second per connection, each
// principal passes the production default of 120 a minute within the first minute and would get 429s. The
// limiter stays in the request path, so its cost is part of the figures.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ACME_QUESTIONS } from "./lib/acme.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "60" },
    warmup: { type: "string", default: "3" },
    "rate-limit": { type: "string", default: "100000" },
    sse: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const connections = Number(values.connections);
const durationS = Number(values.duration);
const warmupS = Number(values.warmup);
const rateLimit = Number(values["rate-limit"]);
const sse = values.sse;
for (const [name, v] of [
  ["connections", connections],
  ["duration", durationS],
  ["rate-limit", rateLimit],
]) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
}

const QUESTIONS = ACME_QUESTIONS;
const GROUPS = [[], ["engineering"], ["security"], ["engineering", "security"]];

const work = mkdtempSync(path.join(tmpdir(), "isa-bench-api-"));
const dataDir = path.join(work, "data");
mkdirSync(dataDir, { recursive: true });
const users = Array.from({ length: connections }, (_, i) => ({
  user: `bench-${i}`,
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
  ISA_RATE_LIMIT_PER_MIN: String(rateLimit),
  ISA_LOG_LEVEL: process.env.ISA_LOG_LEVEL ?? "warn",
};

function run(args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, "bin/isa.mjs"), ...args], {
      env,
      stdio: ["ignore", "ignore", "inherit"],
      ...opts,
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`isa ${args[0]} exited ${code}`))));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function rssKb(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : Number.NaN;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });

/** One request; resolves with status, body and time to the first body byte. */
function request(port, { method = "GET", urlPath, token, body, accept }) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path: urlPath,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(accept ? { accept } : {}),
          ...(data ? { "content-type": "application/json", "content-length": data.length } : {}),
        },
      },
      (res) => {
        const chunks = [];
        let firstByte;
        res.on("data", (c) => {
          firstByte ??= performance.now();
          chunks.push(c);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), firstByte }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

const pct = (sorted, p) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

let server;
let exitCode = 0;
try {
  const t0 = performance.now();
  await run(["ingest", path.join(repo, "examples/acme"), "--json"]);
  const ingestS = (performance.now() - t0) / 1000;

  const port = await freePort();
  server = spawn(
    process.execPath,
    [path.join(repo, "bin/isa.mjs"), "serve", "--host", "127.0.0.1", "--port", String(port)],
    {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const log = [];
  server.stdout.on("data", (c) => log.push(c));
  server.stderr.on("data", (c) => log.push(c));
  let exited = false;
  server.on("exit", () => {
    exited = true;
  });

  // Ready: store, embedder and LLM loaded.
  const readyStart = performance.now();
  for (;;) {
    if (exited) throw new Error(`server exited during start:\n${Buffer.concat(log).toString()}`);
    if (performance.now() - readyStart > 180_000) throw new Error("server not ready after 180 s");
    const r = await request(port, { urlPath: "/readyz" }).catch(() => undefined);
    if (r?.status === 200) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  const readyS = (performance.now() - readyStart) / 1000;

  const accept = sse ? "text/event-stream" : "application/json";
  /** A request counts as ok: 200, and a parsable answer (JSON, or an SSE stream ending with an answer event). */
  const judge = (r) => {
    if (r.status !== 200) {
      let code = "";
      try {
        code = JSON.parse(r.body).error?.code ?? "";
      } catch {}
      return `${r.status}${code ? ` ${code}` : ""}`;
    }
    if (sse) {
      const frames = r.body.split("\n\n").filter((f) => f.startsWith("event: "));
      const last = frames.at(-1) ?? "";
      if (!last.startsWith("event: answer\n")) {
        const m = /"code":"([A-Z_]+)"/.exec(last);
        return `200 sse-${m ? m[1] : "no-answer"}`;
      }
      return undefined;
    }
    try {
      return typeof JSON.parse(r.body).answer === "string" ? undefined : "200 no-answer";
    } catch {
      return "200 bad-json";
    }
  };

  // Warm-up (not measured): every connection opens and the model paths are hot.
  const warmEnd = performance.now() + warmupS * 1000;
  await Promise.all(
    users.map(async (u, i) => {
      let n = i;
      do {
        await request(port, {
          method: "POST",
          urlPath: "/v1/ask",
          token: u.token,
          accept,
          body: { question: QUESTIONS[n++ % QUESTIONS.length] },
        });
      } while (performance.now() < warmEnd);
    }),
  );

  const rssBefore = rssKb(server.pid);
  let rssMax = rssBefore;
  const sampler = setInterval(() => {
    if (!exited) rssMax = Math.max(rssMax, rssKb(server.pid));
  }, 500);

  const latencies = [];
  const firstEvent = [];
  const failures = new Map();
  let transportErrors = 0;
  let abstained = 0;
  const start = performance.now();
  const end = start + durationS * 1000;
  await Promise.all(
    users.map(async (u, i) => {
      let n = i * 3;
      while (performance.now() < end) {
        const q = QUESTIONS[n++ % QUESTIONS.length];
        const t = performance.now();
        try {
          const r = await request(port, {
            method: "POST",
            urlPath: "/v1/ask",
            token: u.token,
            accept,
            body: { question: q },
          });
          const done = performance.now();
          const bad = judge(r);
          if (bad) failures.set(bad, (failures.get(bad) ?? 0) + 1);
          else {
            latencies.push(done - t);
            if (r.firstByte !== undefined) firstEvent.push(r.firstByte - t);
            if (!sse && JSON.parse(r.body).abstained) abstained++;
          }
        } catch (err) {
          transportErrors++;
          failures.set(
            `transport ${err.code ?? err.message}`,
            (failures.get(`transport ${err.code ?? err.message}`) ?? 0) + 1,
          );
        }
      }
    }),
  );
  const elapsedS = (performance.now() - start) / 1000;
  clearInterval(sampler);
  const rssAfter = rssKb(server.pid);
  rssMax = Math.max(rssMax, rssAfter);

  latencies.sort((a, b) => a - b);
  firstEvent.sort((a, b) => a - b);
  const failed = [...failures.values()].reduce((a, b) => a + b, 0);
  const ok = latencies.length;
  const result = {
    bench: "api",
    route: "POST /v1/ask",
    accept,
    answerMode: process.env.ISA_ANSWER_MODE ?? (process.env.LLM_BASE_URL ? "generate" : "extractive"),
    connections,
    durationS: Number(elapsedS.toFixed(1)),
    rateLimitPerMin: rateLimit,
    requests: ok + failed,
    ok,
    failed,
    transportErrors,
    failures: Object.fromEntries(failures),
    abstained: sse ? undefined : abstained,
    throughputRps: Number((ok / elapsedS).toFixed(1)),
    latencyMs: {
      p50: Number(pct(latencies, 50).toFixed(1)),
      p95: Number(pct(latencies, 95).toFixed(1)),
      p99: Number(pct(latencies, 99).toFixed(1)),
      max: Number((latencies.at(-1) ?? Number.NaN).toFixed(1)),
    },
    ...(sse
      ? {
          firstEventMs: {
            p50: Number(pct(firstEvent, 50).toFixed(1)),
            p95: Number(pct(firstEvent, 95).toFixed(1)),
            p99: Number(pct(firstEvent, 99).toFixed(1)),
          },
        }
      : {}),
    rssMiB: {
      before: Number((rssBefore / 1024).toFixed(1)),
      after: Number((rssAfter / 1024).toFixed(1)),
      max: Number((rssMax / 1024).toFixed(1)),
    },
    ingestS: Number(ingestS.toFixed(1)),
    readyS: Number(readyS.toFixed(1)),
    cpus: (await import("node:os")).availableParallelism(),
    node: process.version,
  };
  const rows = [
    ["route", `${result.route} (Accept: ${accept})`],
    ["connections × duration", `${connections} × ${result.durationS} s`],
    ["requests (ok / failed)", `${result.requests} (${ok} / ${failed})`],
    ["throughput", `${result.throughputRps} req/s`],
    [
      "latency p50 / p95 / p99",
      `${result.latencyMs.p50} / ${result.latencyMs.p95} / ${result.latencyMs.p99} ms`,
    ],
    ["latency max", `${result.latencyMs.max} ms`],
    ...(sse
      ? [
          [
            "first event p50 / p95 / p99",
            `${result.firstEventMs.p50} / ${result.firstEventMs.p95} / ${result.firstEventMs.p99} ms`,
          ],
        ]
      : [["abstained answers", String(abstained)]]),
    ["failures", failed === 0 ? "none" : JSON.stringify(result.failures)],
    [
      "server RSS before / after / max",
      `${result.rssMiB.before} / ${result.rssMiB.after} / ${result.rssMiB.max} MiB`,
    ],
    ["rate limit per principal", `${rateLimit}/min (ISA_RATE_LIMIT_PER_MIN; one principal per connection)`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nisa API load (${result.answerMode} answers, ${result.cpus} CPUs, node ${process.version})`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
  console.log(JSON.stringify(result));
  if (failed > 0) exitCode = 1;
} catch (err) {
  console.error(err);
  exitCode = 2;
} finally {
  agent.destroy();
  if (server && server.exitCode === null) {
    const gone = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    const timer = setTimeout(() => server.kill("SIGKILL"), 25_000);
    await gone;
    clearTimeout(timer);
  }
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  else console.error(`kept ${work}`);
}
process.exit(exitCode);
