#!/usr/bin/env node
// Screenshots of the MLflow UI for docs/: one answer's trace with its spans, and two eval runs compared.
// Sends a trace and two runs through @isa/tracking (built: `npx tsc -b backend/tracking`) to the MLflow server at
// MLFLOW_TRACKING_URI (e.g. one from scripts/install-mlflow.sh: `mlflow server --backend-store-uri sqlite:///…`),
// then drives Debian's Chromium with playwright-core. The trace and the two runs are illustrative records (the hybrid
// figures are the npm-docs ones in retriever.ts; the dense ones are made up), not the output of a live `isa eval`.
// Usage: MLFLOW_TRACKING_URI=http://127.0.0.1:5000 node scripts/mlflow-screenshots.mjs [--out docs/images]
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import {
  createMlflowClient,
  createMlflowTracer,
  createMlflowTracker,
} from "../backend/tracking/dist/index.js";

const repo = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { out: { type: "string", default: "docs/images" } } });
const uri = process.env.MLFLOW_TRACKING_URI;
if (!uri) throw new Error("set MLFLOW_TRACKING_URI");
const out = path.resolve(repo, values.out);
mkdirSync(out, { recursive: true });
const experiment = "innersource-assistant";

const traceId = randomBytes(16).toString("hex");
const t = Date.now() - 2000;
const tracer = createMlflowTracer({ uri, experimentName: experiment, timeoutMs: 30_000 });
tracer.record({
  traceId,
  rootSpanId: randomBytes(8).toString("hex"),
  agent: "root",
  question: "How do I rotate the staging database password?",
  principalId: "alice@acme.example",
  conversationId: "c-7f3a",
  startedAt: t,
  endedAt: t + 1480,
  route: { agent: "docs", scores: { docs: 0.71, dev: 0.42 } },
  answeredBy: "docs",
  retrievals: [
    {
      query: "How do I rotate the staging database password?",
      k: 6,
      kinds: ["markdown", "text"],
      startedAt: t + 5,
      ms: 42,
      bestDenseScore: 0.71,
      hits: [
        { chunkId: "5d1e…a9", path: "runbooks/staging-db.md", score: 0.0331, denseScore: 0.71 },
        { chunkId: "c04b…17", path: "runbooks/vault.md", score: 0.0318, denseScore: 0.63 },
        { chunkId: "9e2f…40", path: "handbook/onboarding.md", score: 0.0161, denseScore: 0.48 },
      ],
    },
    {
      query: "How do I rotate the staging database password?",
      k: 6,
      kinds: ["code", "config"],
      startedAt: t + 5,
      ms: 38,
      bestDenseScore: 0.42,
      hits: [{ chunkId: "71aa…0c", path: "deploy/jobs/rotate-db.yaml", score: 0.0164, denseScore: 0.42 }],
    },
  ],
  generations: [
    {
      model: "qwen2.5-7b-instruct",
      startedAt: t + 60,
      ms: 1390,
      firstTokenMs: 210,
      messages: 2,
      outputChars: 310,
      usage: { promptTokens: 1184, completionTokens: 86 },
    },
  ],
  mode: "generate",
  promptVersion: "answer-3f9c21d0",
  model: "qwen2.5-7b-instruct",
  answer: "Run the `rotate-db` job for staging, then update the secret in Vault under `staging/db` [1][2].",
  state: "answered",
  citations: [
    {
      n: 1,
      chunkId: "5d1e…a9",
      path: "runbooks/staging-db.md",
      source: "acme",
      score: 0.0331,
      startLine: 4,
      endLine: 18,
    },
    {
      n: 2,
      chunkId: "c04b…17",
      path: "runbooks/vault.md",
      source: "acme",
      score: 0.0318,
      startLine: 1,
      endLine: 12,
    },
  ],
  timings: { retrieveMs: 47, generateMs: 1390, firstTokenMs: 270, totalMs: 1480 },
  usage: { promptTokens: 1184, completionTokens: 86 },
});
tracer.feedback({ traceId, principalId: "bob@acme.example", rating: "up", comment: "worked" });
await tracer.flush();
await tracer.close();

const tracker = createMlflowTracker({ uri, timeoutMs: 30_000 });
const runs = [];
for (const [name, mode, m] of [
  [
    "npm-docs dense",
    "dense",
    { recall_at_5: 0.791, mrr_at_10: 0.652, fact_recall: 0.61, abstention_accuracy: 0.6 },
  ],
  [
    "npm-docs hybrid",
    "hybrid",
    { recall_at_5: 0.882, mrr_at_10: 0.716, fact_recall: 0.66, abstention_accuracy: 0.8 },
  ],
]) {
  const r = await tracker.startRun(experiment, name);
  await r.logParams({
    retrieval_mode: mode,
    top_k: 6,
    embedding_model: "all-MiniLM-L6-v2",
    fusion: mode === "hybrid" ? "rrf(k=60)" : "none",
    prompt_version: "answer-3f9c21d0",
  });
  await r.logMetrics({ ...m, "latency_ms.p95": mode === "hybrid" ? 41 : 29 });
  await r.logText("questions.jsonl", '{"id":"q1"}\n');
  await r.end("FINISHED");
  runs.push(r.runId);
}
const expId = await createMlflowClient({ uri }).experimentId(experiment);

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${uri}/#/experiments/${expId}/traces?selectedEvaluationId=tr-${traceId}`, {
    waitUntil: "load",
    timeout: 60_000,
  });
  await page.waitForTimeout(8000);
  await page.screenshot({ path: path.join(out, "mlflow-trace.png") });
  const enc = (v) => encodeURIComponent(JSON.stringify(v));
  await page.goto(`${uri}/#/compare-runs?runs=${enc(runs)}&experiments=${enc([expId])}`, {
    waitUntil: "load",
    timeout: 60_000,
  });
  await page.waitForTimeout(8000);
  await page.screenshot({ path: path.join(out, "mlflow-eval-compare.png"), fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify({ trace: `tr-${traceId}`, runs, experiment: expId, out }));
