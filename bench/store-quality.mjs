#!/usr/bin/env node
// Retrieval quality of the two vector stores on an eval set, same run: the corpus indexed into LanceDB and into a
// real Qdrant with the real ONNX embedder (each text embedded once, shared by both), then the engine's retriever
// over each store (dense, lexical, hybrid fused in the engine) and Qdrant's server-side hybrid (RRF inside Qdrant,
// then the engine's support boost and per-document cap), scored with the engine's recall@5 / MRR@10.
// Usage: node bench/store-quality.mjs [questions.jsonl] [corpus dir] [--sweep]
//   (needs `npm run build`; QDRANT_URL optional). Embeddings are cached in .isa/bench-cache/ by text.
//   --sweep: also Qdrant's BM25 avg_len / k1 / b over a few values (each a fresh collection, no re-embedding).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startBenchQdrant } from "./lib/qdrantServer.mjs";

const repo = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const sweep = process.argv.includes("--sweep");
const questionsFile = args[0] ?? path.join(repo, "../shared/eval/npm-docs.jsonl");
const corpusDir = path.resolve(args[1] ?? path.join(repo, "../shared/eval/corpus/npm-docs"));

const core = await import("@isa/core");
const { update } = await import("@isa/ingest/indexer");
const { ensureModel, createOnnxEmbedder } = await import("@isa/ingest");
const { openLanceStore } = await import("@isa/ingest/lance");
const { openQdrantStore } = await import("@isa/ingest/qdrant");
const engine = await import("@isa/engine");
// Not on the engine's public surface: the same post-fusion steps the retriever applies.
const { capPerDocument } = await import(path.join(repo, "backend/engine/dist/retrieval/fusion.js"));
const { supportBoost } = await import(path.join(repo, "backend/engine/dist/retrieval/retriever.js"));

const config = core.loadConfig({ ISA_DATA_DIR: path.join(repo, ".isa"), ...process.env });
const files = await ensureModel(config.embed.model, config);
const onnx = await createOnnxEmbedder({
  modelPath: files["model.onnx"],
  tokenizerPath: files["tokenizer.json"],
  device: config.embed.device,
  threads: config.embed.threads,
  batchSize: config.embed.batchSize,
});
/** Each distinct text is embedded once (and kept on disk between runs); the second store gets the same vectors. */
const cacheDir = path.join(config.dataDir, "bench-cache");
const cacheFile = path.join(cacheDir, `embeddings-${onnx.modelId}.json`);
const cache = new Map(
  existsSync(cacheFile)
    ? Object.entries(JSON.parse(readFileSync(cacheFile, "utf8"))).map(([t, v]) => [t, Float32Array.from(v)])
    : [],
);
const cachedAtStart = cache.size;
const embedder = {
  modelId: onnx.modelId,
  dimensions: onnx.dimensions,
  async embed(texts) {
    const todo = [...new Set(texts.filter((t) => !cache.has(t)))];
    if (todo.length > 0) {
      const vectors = await onnx.embed(todo);
      for (const [i, v] of vectors.entries()) cache.set(todo[i], v);
    }
    return texts.map((t) => cache.get(t));
  },
  close: () => onnx.close(),
};

const work = mkdtempSync(path.join(tmpdir(), "isa-store-quality-"));
const qdrant = await startBenchQdrant();
const principal = { id: "eval", groups: [core.PUBLIC_GROUP] };
const questions = (await engine.loadQuestions(questionsFile)).filter((q) => q.gold.length > 0);
const K = 10;

async function ingest(store) {
  const t0 = performance.now();
  const it = update(
    [{ name: "corpus", root: corpusDir }],
    { store, embedder },
    {
      maxFileBytes: config.ingest.maxFileBytes,
      defaultGroups: config.ingest.defaultGroups,
    },
  );
  let r = await it.next();
  while (!r.done) r = await it.next();
  return { ...r.value, ms: Math.round(performance.now() - t0) };
}

function score(rankings) {
  let r5 = 0;
  let mrr = 0;
  for (const [i, q] of questions.entries()) {
    r5 += engine.recallAt(q.gold, rankings[i], 5);
    mrr += engine.reciprocalRankAt(q.gold, rankings[i], 10);
  }
  return { recallAt5: r5 / questions.length, mrrAt10: mrr / questions.length };
}

async function viaRetriever(store, mode) {
  const retriever = engine.createRetriever({ store, embedder, config: config.retrieval });
  const out = [];
  for (const q of questions) {
    const res = await retriever.retrieve(q.question, { principal, k: K, mode });
    out.push(res.hits.map((h) => h.chunk.path));
  }
  return out;
}

async function viaServerHybrid(store) {
  const out = [];
  const n = Math.max(50, 4 * K);
  for (const q of questions) {
    const [v] = await embedder.embed([q.question]);
    // The fused list at the engine's candidate depth, then the engine's support boost and per-document cap.
    const fused = await store.searchHybrid(q.question, v, {
      k: n,
      candidates: n,
      rrfK: config.retrieval.rrfK,
      principal,
    });
    const top = capPerDocument(supportBoost(fused, 0.01), config.retrieval.maxChunksPerDoc, K);
    out.push(top.map((h) => h.chunk.path));
  }
  return out;
}

/** Chunks in the top 10 of one store's list but not the other's, over all questions (how far the lists differ). */
function overlap(a, b) {
  let same = 0;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const sb = new Set(b[i]);
    same += a[i].filter((x) => sb.has(x)).length;
    total += a[i].length;
  }
  return total ? same / total : 1;
}

try {
  const lance = await openLanceStore({
    dir: path.join(work, "lancedb"),
    dimensions: embedder.dimensions,
    modelId: embedder.modelId,
  });
  const q = await openQdrantStore({
    url: qdrant.url,
    ...(qdrant.apiKey ? { apiKey: qdrant.apiKey } : {}),
    collection: `isa_quality_${Date.now()}`,
    dimensions: embedder.dimensions,
    modelId: embedder.modelId,
  });
  const li = await ingest(lance);
  await lance.flush();
  if (cache.size > cachedAtStart) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(
      cacheFile,
      JSON.stringify(Object.fromEntries([...cache].map(([t, v]) => [t, Array.from(v)]))),
    );
  }
  const qi = await ingest(q);
  console.log(
    `corpus ${path.basename(corpusDir)}: ${li.files} files, ${li.chunks} chunks; ingest LanceDB ${li.ms} ms ` +
      `(embedding included), Qdrant ${qi.ms} ms (same vectors, no embedding); ${questions.length} answerable questions`,
  );
  const rows = [];
  const lists = {};
  for (const mode of ["dense", "lexical", "hybrid"]) {
    lists[`lance-${mode}`] = await viaRetriever(lance, mode);
    lists[`qdrant-${mode}`] = await viaRetriever(q, mode);
    rows.push({
      mode: `${mode} (engine fusion)`,
      lance: score(lists[`lance-${mode}`]),
      qdrant: score(lists[`qdrant-${mode}`]),
    });
  }
  lists["qdrant-server"] = await viaServerHybrid(q);
  rows.push({
    mode: "hybrid, RRF in Qdrant",
    lance: score(lists["lance-hybrid"]),
    qdrant: score(lists["qdrant-server"]),
  });
  const f = (x) => x.toFixed(3);
  console.log(
    "\n| retrieval | LanceDB recall@5 | Qdrant recall@5 | Δ | LanceDB MRR@10 | Qdrant MRR@10 | Δ |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.mode} | ${f(r.lance.recallAt5)} | ${f(r.qdrant.recallAt5)} | ${f(r.qdrant.recallAt5 - r.lance.recallAt5)} | ` +
        `${f(r.lance.mrrAt10)} | ${f(r.qdrant.mrrAt10)} | ${f(r.qdrant.mrrAt10 - r.lance.mrrAt10)} |`,
    );
  }
  console.log(
    `\nTop-10 file overlap LanceDB vs Qdrant: dense ${f(overlap(lists["lance-dense"], lists["qdrant-dense"]))}, ` +
      `lexical ${f(overlap(lists["lance-lexical"], lists["qdrant-lexical"]))}, hybrid ${f(overlap(lists["lance-hybrid"], lists["qdrant-hybrid"]))}, ` +
      `server-side hybrid vs engine hybrid on Qdrant ${f(overlap(lists["qdrant-hybrid"], lists["qdrant-server"]))}`,
  );
  for (const [label, a, b] of [
    ["Lexical", "lance-lexical", "qdrant-lexical"],
    ["Hybrid (engine fusion)", "lance-hybrid", "qdrant-hybrid"],
    ["Hybrid (RRF in Qdrant)", "lance-hybrid", "qdrant-server"],
  ]) {
    const diffs = questions
      .map((qq, i) => ({
        id: qq.id,
        l: engine.recallAt(qq.gold, lists[a][i], 5),
        d: engine.recallAt(qq.gold, lists[b][i], 5),
        rank: (l) => qq.gold.map((g) => l[i].indexOf(g) + 1 || "-").join("/"),
      }))
      .filter((x) => x.l !== x.d);
    console.log(
      `${label}: recall@5 differs on ${diffs.length} questions: ` +
        diffs
          .map(
            (x) =>
              `${x.id} (LanceDB ${x.l}, gold at ${x.rank(lists[a])}; Qdrant ${x.d}, gold at ${x.rank(lists[b])})`,
          )
          .join(", "),
    );
  }
  if (sweep) {
    console.log(
      "\nQdrant BM25 sweep (lexical and engine-fused hybrid; LanceDB lexical/hybrid above for reference):",
    );
    console.log(
      "| avg_len | k1 | b | lexical recall@5 | lexical MRR@10 | hybrid recall@5 | hybrid MRR@10 | RRF-in-Qdrant recall@5 | MRR@10 |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|");
    for (const bm25 of [
      { avgLen: 40 },
      { avgLen: 80 },
      { avgLen: 120 },
      { avgLen: 256 },
      { avgLen: 80, k: 0.9, b: 0.4 },
      { avgLen: 120, k: 1.5, b: 0.75 },
      { avgLen: 120, k: 1.2, b: 0.5 },
    ]) {
      const s2 = await openQdrantStore({
        url: qdrant.url,
        ...(qdrant.apiKey ? { apiKey: qdrant.apiKey } : {}),
        collection: `isa_quality_sweep_${Date.now()}`,
        dimensions: embedder.dimensions,
        modelId: embedder.modelId,
        bm25,
      });
      await ingest(s2);
      const lx = score(await viaRetriever(s2, "lexical"));
      const hy = score(await viaRetriever(s2, "hybrid"));
      const sv = score(await viaServerHybrid(s2));
      console.log(
        `| ${bm25.avgLen} | ${bm25.k ?? 1.2} | ${bm25.b ?? 0.75} | ${f(lx.recallAt5)} | ${f(lx.mrrAt10)} | ${f(hy.recallAt5)} | ` +
          `${f(hy.mrrAt10)} | ${f(sv.recallAt5)} | ${f(sv.mrrAt10)} |`,
      );
      await s2.close();
    }
  }
  await lance.close();
  await q.close();
} finally {
  await embedder.close();
  await qdrant.stop();
  rmSync(work, { recursive: true, force: true });
}
