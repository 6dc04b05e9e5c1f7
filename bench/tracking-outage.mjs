#!/usr/bin/env node
// Does an MLflow outage slow answers? The built `isa serve` (embedded default: LanceDB, all-MiniLM-L6-v2,
// extractive answers) over examples/acme, started three times in one run: tracking off; MLFLOW_TRACKING_URI at a
// port where nothing listens (connection refused); and at a black hole that accepts connections and never answers
// (the worst case: every export waits for its timeout). Each phase sends the same questions sequentially and with
// a few concurrent askers, and reports p50/p95 of /v1/ask and the drops the server counted in /metrics.
//
// Usage: node bench/tracking-outage.mjs [--requests 60] [--concurrency 4]
//   (needs `npx tsc -b` and the models: `isa setup --no-llm`)
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ACME_QUESTIONS } from "./lib/acme.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: { requests: { type: "string", default: "60" }, concurrency: { type: "string", default: "4" } },
});
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);

const work = mkdtempSync(path.join(tmpdir(), "isa-bench-tracking-"));
const dataDir = path.join(work, "data");
mkdirSync(dataDir, { recursive: true });
const token = randomBytes(24).toString("hex");
const tokensFile = path.join(work, "tokens.yaml");
writeFileSync(
  tokensFile,
  `- token_sha256: ${createHash("sha256").update(token).digest("hex")}\n  user: bench\n  groups: [engineering]\n`,
);
const baseEnv = {
  ...process.env,
  ISA_DATA_DIR: dataDir,
  ISA_MODELS_DIR: process.env.ISA_MODELS_DIR ?? path.join(repo, ".isa", "models"),
  ISA_TOKENS_FILE: tokensFile,
  ISA_RATE_LIMIT_PER_MIN: "100000",
  ISA_LOG_LEVEL: "warn",
};

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

function isa(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, "bin/isa.mjs"), ...args], {
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`isa ${args[0]} exited ${code}`))));
  });
}

async function serve(env) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(repo, "bin/isa.mjs"), "serve", "--host", "127.0.0.1", "--port", String(port)],
    { env, stdio: ["ignore", "ignore", "pipe"] },
  );
  let err = "";
  child.stderr.on("data", (c) => {
    err = (err + c).slice(-4000);
  });
  const t0 = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`isa serve exited:\n${err}`);
    if (performance.now() - t0 > 180_000) throw new Error("isa serve not ready after 180 s");
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, child };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function phase(name, extraEnv) {
  const { port, child } = await serve({ ...baseEnv, ...extraEnv });
  const ask = async (q) => {
    const t0 = performance.now();
    const r = await fetch(`http://127.0.0.1:${port}/v1/ask`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: JSON.stringify({ question: q }),
    });
    await r.text();
    return { ms: performance.now() - t0, ok: r.ok };
  };
  // Warm-up: the embedder's first call and the tracer's exporter load.
  for (const q of ACME_QUESTIONS.slice(0, 3)) await ask(q.question ?? q);
  const lat = [];
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const q = ACME_QUESTIONS[i % ACME_QUESTIONS.length];
        const r = await ask(q.question ?? q);
        lat.push(r.ms);
        if (!r.ok) failed++;
      }
    }),
  );
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const dropped = Number(/isa_trace_spans_dropped_total (\d+)/.exec(metrics)?.[1] ?? 0);
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  return {
    phase: name,
    n: lat.length,
    failed,
    p50_ms: +pct(lat, 50).toFixed(1),
    p95_ms: +pct(lat, 95).toFixed(1),
    dropped_spans: dropped,
  };
}

const blackhole = createServer((s) => {
  s.on("error", () => {});
  // Accept and never answer.
});
await new Promise((r) => blackhole.listen(0, "127.0.0.1", r));
const refusedPort = await freePort();
try {
  await isa(["ingest", path.join(repo, "examples/acme"), "--json"], baseEnv);
  const rows = [];
  rows.push(await phase("tracking off", {}));
  rows.push(await phase("MLflow down (refused)", { MLFLOW_TRACKING_URI: `http://127.0.0.1:${refusedPort}` }));
  rows.push(
    await phase("MLflow hanging (black hole)", {
      MLFLOW_TRACKING_URI: `http://127.0.0.1:${blackhole.address().port}`,
    }),
  );
  rows.push(await phase("tracking off (again)", {}));
  console.log("phase                         n  failed  p50 ms  p95 ms  dropped spans");
  for (const r of rows)
    console.log(
      `${r.phase.padEnd(28)} ${String(r.n).padStart(3)} ${String(r.failed).padStart(7)} ${String(r.p50_ms).padStart(7)} ${String(r.p95_ms).padStart(7)} ${String(r.dropped_spans).padStart(14)}`,
    );
  console.log(JSON.stringify({ bench: "tracking-outage", requests, concurrency, rows }));
} finally {
  blackhole.close();
  rmSync(work, { recursive: true, force: true });
}
