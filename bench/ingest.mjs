#!/usr/bin/env node
// Ingest throughput: chunks/s for the npm-docs corpus and a ~5k-file source tree, cold and warm (unchanged re-run),
// next to raw onnxruntime batch throughput (the ceiling) and transformers.js (the peer baseline), in one run.
// Usage: npm run bench:ingest [-- --files 5000 --skip-peer]
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const repo = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    files: { type: "string", default: "5000" },
    "skip-peer": { type: "boolean" },
    "skip-tree": { type: "boolean" },
  },
});
const core = await import(path.join(repo, "core/dist/index.js"));
const ingest = await import(path.join(repo, "ingest/dist/index.js"));
const config = core.loadConfig(process.env);
const files = await ingest.ensureModel(config.embed.model, config);
const embedder = await ingest.createOnnxEmbedder({
  modelPath: files["model.onnx"],
  tokenizerPath: files["tokenizer.json"],
  device: config.embed.device,
  threads: config.embed.threads,
  batchSize: config.embed.batchSize,
});

/** Copy up to n text-ish files (< 256 KB) from node_modules into a fresh tree: a realistic, repeatable code corpus. */
function sourceTree(n) {
  const dest = mkdtempSync(path.join(tmpdir(), "isa-bench-src-"));
  const exts = new Set([".ts", ".js", ".mjs", ".cjs", ".md", ".json", ".yaml", ".yml", ".py", ".go", ".sh"]);
  const picked = [];
  const walk = (dir) => {
    if (picked.length >= n) return;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (picked.length >= n) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && exts.has(path.extname(e.name)) && statSync(p).size < 256 * 1024) picked.push(p);
    }
  };
  walk(path.join(repo, "node_modules"));
  for (const p of picked) {
    const to = path.join(dest, path.relative(path.join(repo, "node_modules"), p));
    mkdirSync(path.dirname(to), { recursive: true });
    cpSync(p, to);
  }
  return { dir: dest, files: picked.length };
}

async function ingestRun(name, root) {
  const dir = mkdtempSync(path.join(tmpdir(), "isa-bench-store-"));
  const store = await ingest.openLanceStore({
    dir,
    dimensions: embedder.dimensions,
    modelId: embedder.modelId,
  });
  const runOnce = async () => {
    const it = ingest.update(
      [{ name, root }],
      { store, embedder },
      {
        maxFileBytes: config.ingest.maxFileBytes,
        defaultGroups: config.ingest.defaultGroups,
      },
    );
    let r = await it.next();
    while (!r.done) r = await it.next();
    return r.value;
  };
  const cold = await runOnce();
  const warm = await runOnce();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const rate = (s) => Math.round((s.chunks / s.ms) * 1000);
  return {
    corpus: name,
    files: cold.files,
    skipped: cold.skipped,
    chunks: cold.chunks,
    cold_ms: cold.ms,
    cold_chunks_per_s: rate(cold),
    warm_ms: warm.ms,
    warm_chunks_per_s: rate(warm),
    warm_embedded: warm.embedded,
  };
}

const results = {};
results.npm_docs = await ingestRun("npm-docs", path.resolve(repo, "../shared/eval/corpus/npm-docs"));
console.log("npm-docs", results.npm_docs);
if (!values["skip-tree"]) {
  const tree = sourceTree(Number(values.files));
  results.source_tree = await ingestRun("source-tree", tree.dir);
  rmSync(tree.dir, { recursive: true, force: true });
  console.log("source tree", results.source_tree);
}

// Ceiling and peer baseline on the same texts (npm-docs chunks): bench/embed-compare.mjs, in a child process so
// its onnxruntime sessions do not share threads with ours.
const { execFileSync } = await import("node:child_process");
const args = [
  path.join(repo, "bench/embed-compare.mjs"),
  "--reps",
  "1",
  ...(values["skip-peer"] ? ["--skip-peer"] : []),
];
const compareOut = execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 16 << 20 });
process.stdout.write(compareOut);
results.embedding = JSON.parse(compareOut.trim().split("\n").at(-1));
await embedder.close();
console.log(JSON.stringify(results));
