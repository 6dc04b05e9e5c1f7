#!/usr/bin/env node
// What the ADK agent tree costs on the embedded default (extractive answers, score routing, no LLM): root's answer
// through ADK's Runner (compare_sources → transfer_to_agent → answer tool, src/agents/) against the same work done
// directly (route() + the answerer over the chosen agent's retrieval, what root did before ADK), over an index of
// examples/acme in a temp ISA_DATA_DIR. Also the one-off cost of importing @google/adk. Prints a table, then JSON.
//
// Usage: node bench/agents.mjs [--rounds 5]   (needs `npx tsc -b` and the models: `isa setup --no-llm`)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ACME_QUESTIONS } from "./lib/acme.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { rounds: { type: "string", default: "5" } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds must be a positive integer");

const QUESTIONS = ACME_QUESTIONS;

const work = mkdtempSync(path.join(tmpdir(), "isa-bench-agents-"));
const env = {
  ...process.env,
  ISA_DATA_DIR: path.join(work, "data"),
  ISA_MODELS_DIR: process.env.ISA_MODELS_DIR ?? path.join(repo, ".isa", "models"),
  ISA_ANSWER_MODE: "extractive",
  LLM_BASE_URL: "",
};
execFileSync(
  process.execPath,
  [path.join(repo, "bin", "isa.mjs"), "ingest", path.join(repo, "examples", "acme")],
  {
    env,
    stdio: "ignore",
  },
);

const dist = (p) => new URL(`../backend/${p}`, import.meta.url).href;
const { loadConfig } = await import("@isa/core");
const { createRuntime } = await import(dist("engine/dist/runtime.js"));
const { route } = await import(dist("agents/dist/a2a/agents.js"));
const { createAnswerer } = await import(dist("engine/dist/answer/index.js"));
const t0 = performance.now();
const { createAdkAgents } = await import(dist("agents/dist/adk/adkBackend.js"));
const importMs = performance.now() - t0;

const config = loadConfig(env);
const runtime = createRuntime(config);
const agents = createAdkAgents(runtime);
const principal = { id: "bench", groups: ["public", "eng", "security", "finance", "leadership"] };

async function direct(q) {
  const retriever = await runtime.retriever();
  const { decision, results } = await route(retriever, q, principal, config.retrieval.topK);
  const answerer = createAnswerer({
    llm: { modelId: "none", stream: () => [], close: async () => {} },
    retriever: {
      retrieve: async () => results[decision.agent],
      neighbours: (chunk, opts) => retriever.neighbours(chunk, opts),
    },
    config,
    index: await runtime.store(),
  });
  return { agent: decision.agent, answer: (await answerer.answer(q, { principal })).answer };
}

async function viaAdk(q) {
  const a = await agents.root.answer(q, { principal });
  return { agent: a.answeredBy, answer: a.result.answer };
}

// Warm-up: models, index, ADK's first run.
for (const q of QUESTIONS.slice(0, 2)) {
  await direct(q);
  await viaAdk(q);
}
const times = { direct: [], adk: [] };
let same = 0;
for (let r = 0; r < rounds; r++) {
  for (const q of QUESTIONS) {
    let t = performance.now();
    const d = await direct(q);
    times.direct.push(performance.now() - t);
    t = performance.now();
    const a = await viaAdk(q);
    times.adk.push(performance.now() - t);
    if (d.agent === a.agent && d.answer === a.answer) same++;
  }
}
await runtime.close();
rmSync(work, { recursive: true, force: true });

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const row = (name, xs) => ({ path: name, n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95) });
const rows = [row("direct (route + answerer)", times.direct), row("ADK Runner (root tree)", times.adk)];
const f = (x) => x.toFixed(1).padStart(8);
console.log(`${"path".padEnd(28)}${"n".padStart(6)}${"p50 ms".padStart(9)}${"p95 ms".padStart(9)}`);
for (const r of rows) console.log(`${r.path.padEnd(28)}${String(r.n).padStart(6)}${f(r.p50)} ${f(r.p95)}`);
console.log(
  `identical agent and answer text: ${same}/${times.adk.length}; import @google/adk + agents: ${importMs.toFixed(0)} ms`,
);
console.log(
  JSON.stringify({ rows, identical: same, total: times.adk.length, importMs: Math.round(importMs) }),
);
// Native handles (onnxruntime, LanceDB) can keep the loop alive.
process.exit(0);
