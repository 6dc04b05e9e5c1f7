#!/usr/bin/env node
// Embedding throughput, sentences/s on the same ~1000 npm-docs chunks: the raw onnxruntime ceiling
// (session.run only), our OnnxEmbedder (tokenize + run + pool), and transformers.js v4 (the peer baseline
// Continue uses) on the same model file and batch size. Prints a table, ratios, and one JSON line last.
// Needs a build (`npx tsc -b ingest`) and the installed model (`isa setup`, or this script fetches it).
// Usage: node bench/embed-compare.mjs [--texts 1000] [--batch 32] [--threads 0] [--reps 2] [--skip-peer]
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const repo = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    texts: { type: "string", default: "1000" },
    batch: { type: "string", default: "32" },
    threads: { type: "string", default: "0" },
    reps: { type: "string", default: "2" },
    corpus: {
      type: "string",
      default: path.resolve(import.meta.dirname, "../../shared/eval/corpus/npm-docs"),
    },
    "skip-peer": { type: "boolean" },
  },
});
const nTexts = Number(values.texts);
const batchSize = Number(values.batch);
const threads = Number(values.threads);
const reps = Math.max(1, Number(values.reps));

const core = await import(path.join(repo, "core/dist/index.js"));
const models = await import(path.join(repo, "ingest/dist/models/index.js"));
const embed = await import(path.join(repo, "ingest/dist/embed/index.js"));

const config = core.loadConfig(process.env);
const files = await models.ensureModel("all-MiniLM-L6-v2", config);

/** Markdown files split on blank lines into pieces of at most ~800 characters, in a stable order. */
function corpusChunks(root, max) {
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
    if (out.length >= max) break;
  }
  return out.slice(0, max);
}

const texts = corpusChunks(values.corpus, nTexts);
const chars = texts.reduce((n, t) => n + t.length, 0);

const best = async (fn) => {
  let top;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const out = await fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    if (!top || s < top.seconds) top = { seconds: s, cpuSeconds: (c.user + c.system) / 1e6, out };
  }
  return top;
};
const cosine = (a, b) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i] * b[i];
  return d;
};

// 1. Ceiling: session.run only, inputs pre-tokenized and length-sorted.
let raw;
for (let r = 0; r < reps; r++) {
  const res = await embed.rawOrtThroughput({
    modelPath: files["model.onnx"],
    tokenizerPath: files["tokenizer.json"],
    texts,
    batchSize,
    threads,
  });
  if (!raw || res.sentencesPerSec > raw.sentencesPerSec) raw = res;
}

// 2. Ours: the Embedder port end to end.
const ours = await embed.createOnnxEmbedder({
  modelPath: files["model.onnx"],
  tokenizerPath: files["tokenizer.json"],
  threads,
  batchSize,
});
await ours.embed(texts.slice(0, batchSize));
const oursRun = await best(() => ours.embed(texts));
await ours.close();

// 3. transformers.js on an HF-style directory built from the same cached files.
let peer;
if (!values["skip-peer"]) {
  const { env, pipeline } = await import("@huggingface/transformers");
  const root = mkdtempSync(path.join(tmpdir(), "isa-tfjs-"));
  const dir = path.join(root, "all-MiniLM-L6-v2");
  mkdirSync(path.join(dir, "onnx"), { recursive: true });
  copyFileSync(files["config.json"], path.join(dir, "config.json"));
  copyFileSync(files["tokenizer.json"], path.join(dir, "tokenizer.json"));
  // transformers.js truncates at model_max_length (512 in the file); sentence-transformers and we use 256.
  const tokCfg = JSON.parse(readFileSync(files["tokenizer_config.json"], "utf8"));
  writeFileSync(
    path.join(dir, "tokenizer_config.json"),
    JSON.stringify({ ...tokCfg, model_max_length: 256 }),
  );
  // The int8-weight file: transformers.js names it model_quantized.onnx and loads it with dtype q8.
  copyFileSync(files["model.onnx"], path.join(dir, "onnx", "model_quantized.onnx"));
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
  env.useFSCache = false;
  const extractor = await pipeline("feature-extraction", "all-MiniLM-L6-v2", { dtype: "q8", device: "cpu" });
  const runPeer = async () => {
    const out = [];
    // Same batch size as ours, in input order (the pipeline pads each call to its longest text).
    for (let i = 0; i < texts.length; i += batchSize) {
      const t = await extractor(texts.slice(i, i + batchSize), { pooling: "mean", normalize: true });
      const [n, d] = t.dims;
      for (let k = 0; k < n; k++) out.push(t.data.subarray(k * d, (k + 1) * d));
    }
    return out;
  };
  await extractor(texts.slice(0, batchSize), { pooling: "mean", normalize: true });
  peer = await best(runPeer);
  await extractor.dispose?.();
  rmSync(root, { recursive: true, force: true });
}

const sps = (s) => texts.length / s;
// CPU-ms per sentence (all threads): comparable across runs even when other jobs share the cores.
const cpuMs = (cpuSeconds) => (1000 * cpuSeconds) / texts.length;
const oursSps = sps(oursRun.seconds);
const peerSps = peer ? sps(peer.seconds) : undefined;
let agreement;
if (peer) {
  const cos = oursRun.out.map((v, k) => cosine(v, peer.out[k]));
  agreement = { minCosine: Math.min(...cos), meanCosine: cos.reduce((a, b) => a + b, 0) / cos.length };
}

const f = (x) => (x === undefined ? "—" : x.toFixed(1));
console.log(
  `embed-compare: ${texts.length} texts (${(chars / texts.length).toFixed(0)} chars, ${raw.meanTokens.toFixed(0)} tokens avg), batch ${batchSize}, threads ${threads || "ort default"}, ${cpus().length} CPUs, best of ${reps}`,
);
const cpuLine = (c) => `${cpuMs(c).toFixed(1)} CPU-ms/sentence`;
console.log(`  raw onnxruntime (ceiling) ${f(raw.sentencesPerSec)} sentences/s  ${cpuLine(raw.cpuSeconds)}`);
console.log(
  `  ours (OnnxEmbedder)       ${f(oursSps)} sentences/s  ${cpuLine(oursRun.cpuSeconds)}  = ${((100 * oursSps) / raw.sentencesPerSec).toFixed(0)}% of ceiling (wall)`,
);
if (peer) {
  console.log(
    `  transformers.js v4 (q8)   ${f(peerSps)} sentences/s  ${cpuLine(peer.cpuSeconds)}  = ${((100 * peerSps) / raw.sentencesPerSec).toFixed(0)}% of ceiling (wall)`,
  );
  console.log(
    `  ours / transformers.js    ${(oursSps / peerSps).toFixed(2)}x wall, ${(peer.cpuSeconds / oursRun.cpuSeconds).toFixed(2)}x CPU`,
  );
  console.log(
    `  vector agreement ours vs transformers.js: min cosine ${agreement.minCosine.toFixed(6)}, mean ${agreement.meanCosine.toFixed(6)}`,
  );
}
console.log(
  JSON.stringify({
    bench: "embed-compare",
    texts: texts.length,
    batchSize,
    threads,
    cpus: cpus().length,
    meanTokens: Number(raw.meanTokens.toFixed(1)),
    rawOrtSps: Number(raw.sentencesPerSec.toFixed(2)),
    oursSps: Number(oursSps.toFixed(2)),
    transformersJsSps: peerSps === undefined ? null : Number(peerSps.toFixed(2)),
    rawOrtCpuMsPerSentence: Number(cpuMs(raw.cpuSeconds).toFixed(2)),
    oursCpuMsPerSentence: Number(cpuMs(oursRun.cpuSeconds).toFixed(2)),
    transformersJsCpuMsPerSentence: peer ? Number(cpuMs(peer.cpuSeconds).toFixed(2)) : null,
    oursVsCeiling: Number((oursSps / raw.sentencesPerSec).toFixed(3)),
    oursVsTransformersJs: peerSps === undefined ? null : Number((oursSps / peerSps).toFixed(3)),
    agreement: agreement ?? null,
  }),
);
