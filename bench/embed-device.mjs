#!/usr/bin/env node
// Embedding throughput CPU vs CUDA on the same batches, same run: for each device and batch size, the texts are cut
// into the same consecutive batches and each batch goes through OnnxEmbedder.embed (tokenize + session.run + pool),
// timed one by one. Prints chunks/s, p50/p95 batch latency, and for CUDA the minimum cosine of its vectors against
// the CPU's. A `cuda` that falls back to the CPU (no provider, no GPU) is reported as such, with the reason.
// Texts: npm-docs chunks of <= 800 characters (../shared/eval/corpus/npm-docs) when present, else deterministic
// synthetic prose of similar length (--synthetic forces it). One JSON line last.
// Needs a build (`npx tsc -b ingest`) and the installed model (`isa setup`; this script never fetches).
// Usage: node bench/embed-device.mjs [--texts 2000] [--batches 32,128] [--devices cpu,cuda] [--threads 0]
//          [--corpus DIR] [--synthetic]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const repo = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    texts: { type: "string", default: "2000" },
    batches: { type: "string", default: "32,128" },
    devices: { type: "string", default: "cpu,cuda" },
    threads: { type: "string", default: "0" },
    corpus: { type: "string", default: path.resolve(repo, "../shared/eval/corpus/npm-docs") },
    synthetic: { type: "boolean" },
  },
});
const nTexts = Number(values.texts);
const batchSizes = values.batches.split(",").map(Number);
const devices = values.devices.split(",");
const threads = Number(values.threads);
for (const d of devices) if (d !== "cpu" && d !== "cuda") throw new Error(`--devices: cpu or cuda, got ${d}`);

const core = await import(path.join(repo, "core/dist/index.js"));
const models = await import(path.join(repo, "ingest/dist/models/index.js"));
const embed = await import(path.join(repo, "ingest/dist/embed/index.js"));
const config = core.loadConfig(process.env);
const files = await models.resolveInstalledModel("all-MiniLM-L6-v2", config);

/** Markdown files split on blank lines into pieces of at most ~800 characters, in a stable order. */
function corpusChunks(root) {
  const mdFiles = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".md")) mdFiles.push(p);
    }
  };
  walk(root);
  const out = [];
  for (const f of mdFiles) {
    let cur = "";
    for (const para of readFileSync(f, "utf8").split(/\n\s*\n/)) {
      for (let i = 0; i < para.length; i += 800) {
        const piece = para.slice(i, i + 800);
        if (cur && cur.length + piece.length + 2 > 800) {
          out.push(cur);
          cur = "";
        }
        cur = cur ? `${cur}\n\n${piece}` : piece;
      }
    }
    if (cur.trim()) out.push(cur);
  }
  return out;
}

/** Deterministic prose (a fixed-seed LCG over a small vocabulary), 300 to 800 characters a text. */
function syntheticTexts(n) {
  const words =
    "the package lock file install dependency registry version semver script workspace publish token scope cache audit build test release config owner team service deploy cluster index query answer source document retrieval".split(
      " ",
    );
  let s = 42;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s;
  };
  return Array.from({ length: n }, () => {
    const len = 300 + (next() % 500);
    let t = "";
    while (t.length < len) t += `${words[next() % words.length]}${next() % 9 === 0 ? ". " : " "}`;
    return t.trim();
  });
}

let texts;
let source;
if (!values.synthetic && existsSync(values.corpus)) {
  const chunks = corpusChunks(values.corpus);
  // Repeat the corpus when it has fewer chunks than asked (npm-docs has ~900): same texts, same batches per device.
  texts = Array.from({ length: nTexts }, (_, i) => chunks[i % chunks.length]);
  source = `npm-docs (${chunks.length} distinct chunks${chunks.length < nTexts ? ", repeated" : ""})`;
} else {
  texts = syntheticTexts(nTexts);
  source = "synthetic (fixed-seed LCG prose, 300-800 chars)";
}
const chars = texts.reduce((n, t) => n + t.length, 0);

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const rows = [];
const cpuVectors = new Map(); // batch size -> vectors
for (const device of devices) {
  for (const batchSize of batchSizes) {
    const warnings = [];
    const t0 = process.hrtime.bigint();
    const e = await embed.createOnnxEmbedder({
      modelPath: files["model.onnx"],
      tokenizerPath: files["tokenizer.json"],
      device,
      threads,
      batchSize,
      onWarning: (m) => warnings.push(m),
    });
    const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
    try {
      // Warm-up (untimed): first runs pay for allocations, CUDA kernel selection and cuDNN autotuning.
      await e.embed(texts.slice(0, batchSize));
      await e.embed(texts.slice(0, batchSize));
      const lat = [];
      const vectors = [];
      const c0 = process.cpuUsage();
      const w0 = process.hrtime.bigint();
      for (let i = 0; i < texts.length; i += batchSize) {
        const b0 = process.hrtime.bigint();
        vectors.push(...(await e.embed(texts.slice(i, i + batchSize))));
        lat.push(Number(process.hrtime.bigint() - b0) / 1e6);
      }
      const seconds = Number(process.hrtime.bigint() - w0) / 1e9;
      const cpu = process.cpuUsage(c0);
      lat.sort((a, b) => a - b);
      let minCosine;
      if (device === "cpu") cpuVectors.set(batchSize, vectors);
      else if (cpuVectors.has(batchSize)) {
        const ref = cpuVectors.get(batchSize);
        minCosine = Math.min(...vectors.map((v, k) => core.cosineSimilarity(v, ref[k])));
      }
      rows.push({
        requested: device,
        device: e.device,
        fallback: e.fallbackReason,
        batchSize,
        texts: texts.length,
        seconds,
        chunksPerSec: texts.length / seconds,
        p50Ms: quantile(lat, 0.5),
        p95Ms: quantile(lat, 0.95),
        cpuMsPerChunk: (cpu.user + cpu.system) / 1e3 / texts.length,
        loadMs,
        ...(minCosine !== undefined ? { minCosineVsCpu: minCosine } : {}),
        warnings: warnings.length,
      });
    } finally {
      await e.close();
    }
  }
}

const f = (n, d = 1) => (n === undefined ? "" : n.toFixed(d));
console.log(
  `embed-device: all-MiniLM-L6-v2 (int8-weight ONNX), ${texts.length} texts from ${source}, ${Math.round(chars / texts.length)} chars avg; ` +
    `${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), onnxruntime threads ${threads || "default"}; node ${process.version}`,
);
console.log("");
console.log(
  "| requested | device used | batch | chunks/s | p50 batch ms | p95 batch ms | CPU-ms/chunk | load ms | min cos vs cpu |",
);
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) {
  console.log(
    `| ${r.requested} | ${r.device}${r.fallback ? " (fallback)" : ""} | ${r.batchSize} | ${f(r.chunksPerSec)} | ${f(r.p50Ms)} | ${f(r.p95Ms)} | ${f(r.cpuMsPerChunk)} | ${f(r.loadMs, 0)} | ${f(r.minCosineVsCpu, 6)} |`,
  );
}
for (const batchSize of batchSizes) {
  const c = rows.find((r) => r.requested === "cpu" && r.batchSize === batchSize);
  const g = rows.find((r) => r.requested === "cuda" && r.device === "cuda" && r.batchSize === batchSize);
  if (c && g)
    console.log(`batch ${batchSize}: CUDA ${f(g.chunksPerSec / c.chunksPerSec, 1)}x the CPU's chunks/s`);
}
const fell = rows.find((r) => r.fallback);
if (fell) console.log(`\nEMBED_DEVICE=cuda fell back to the CPU: ${fell.fallback}`);
console.log(JSON.stringify({ bench: "embed-device", source, rows }));
