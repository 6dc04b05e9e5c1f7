#!/usr/bin/env node
// Retrieval ablation for issue 11 (code questions), every variant in ONE run so the figures compare: each eval set's
// corpus is indexed once per variant into a fresh LanceDB store through the real indexer (`update()`), then the
// engine's retriever answers every question; recall@5, MRR@10, the code subset's recall@5/MRR@10, the retrieval
// gate's abstention / false abstention, query p50/p95 and ingest chunks/s are printed per set and variant.
//
//   bash scripts/fetch-eval-corpora.sh     # once: the pino corpus
//   npx tsc -b ingest backend/engine && node bench/retrieval-ablation.mjs [--sets npm,pino,nm-acme,nm-npm] \
//       [--variants main,ident,...] [--json out.json]
//
// Embeddings are cached in memory by text across the variants of a run, so only the first variant that needs a
// text pays for it: ingest chunks/s is reported for the variants that embedded cold (`main` and the first one with
// the contextual header), which are the before/after of the embedding recipe; lexical-only variants re-use vectors.
// Query latency embeds every query afresh (no cache). Figures on a shared 2-core machine are noisy: compare within
// a run, never across runs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const repo = path.resolve(import.meta.dirname, "..");
const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};

const core = await import("@isa/core");
const { update } = await import("@isa/ingest/indexer");
const { openLanceStore } = await import("@isa/ingest/lance");
const engine = await import("@isa/engine");

const OLD_LEXICAL = { splitIdentifiers: false, path: false };

/** Each variant: the lexical recipe, the embedding header, the neighbour weight. `main` is the recipe before issue 11. */
const VARIANTS = {
  main: { lexical: OLD_LEXICAL, header: "title", neighbours: 0 },
  "+ident": { lexical: { splitIdentifiers: true, path: false }, header: "title", neighbours: 0 },
  "+ident+path": { lexical: { splitIdentifiers: true, path: true }, header: "title", neighbours: 0 },
  "+ctx-header": { lexical: OLD_LEXICAL, header: "context", neighbours: 0 },
  "+ident+path+ctx": { lexical: { splitIdentifiers: true, path: true }, header: "context", neighbours: 0 },
  "+all+nb0.1": { lexical: { splitIdentifiers: true, path: true }, header: "context", neighbours: 0.1 },
  "+all+nb0.3": { lexical: { splitIdentifiers: true, path: true }, header: "context", neighbours: 0.3 },
};

function pinoCorpus() {
  const out = execFileSync("bash", [path.join(repo, "scripts/fetch-eval-corpora.sh")], { encoding: "utf8" });
  const dir = out
    .trim()
    .split("\n")
    .find((l) => l.includes("pino-"));
  if (!dir) throw new Error("fetch-eval-corpora.sh printed no pino corpus");
  return dir;
}

const shared = path.join(repo, "../shared/eval");
const SETS = {
  npm: { questions: path.join(shared, "npm-docs.jsonl"), corpus: () => path.join(shared, "corpus/npm-docs") },
  pino: { questions: path.join(repo, "test/eval/pino.jsonl"), corpus: pinoCorpus },
  "nm-acme": {
    questions: path.join(repo, "test/eval/near-miss-acme.jsonl"),
    corpus: () => path.join(repo, "examples/acme"),
  },
  "nm-npm": {
    questions: path.join(repo, "test/eval/near-miss-npm.jsonl"),
    corpus: () => path.join(shared, "corpus/npm-docs"),
  },
};

const sets = (arg("sets") ?? Object.keys(SETS).join(",")).split(",");
const variants = (arg("variants") ?? Object.keys(VARIANTS).join(",")).split(",");
for (const v of variants) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}`);

const config = core.loadConfig({ ISA_DATA_DIR: path.join(repo, ".isa"), ...process.env });
const embedder = await engine.embedderFor(config);
const cache = new Map();
let misses = 0;
/** The indexer's embedder: each distinct text once per run. */
const cachingEmbedder = {
  modelId: embedder.modelId,
  dimensions: embedder.dimensions,
  async embed(texts) {
    const todo = [...new Set(texts.filter((t) => !cache.has(t)))];
    if (todo.length > 0) {
      misses += todo.length;
      const vs = await embedder.embed(todo);
      for (const [i, t] of todo.entries()) cache.set(t, vs[i]);
    }
    return texts.map((t) => cache.get(t));
  },
  close: async () => {},
};

const principal = { id: "bench", groups: [core.PUBLIC_GROUP] };
const rows = [];
const work = mkdtempSync(path.join(tmpdir(), "isa-ablation-"));
try {
  for (const setName of sets) {
    const set = SETS[setName];
    if (!set) throw new Error(`unknown set ${setName}`);
    const corpus = set.corpus();
    const questions = await engine.loadQuestions(set.questions);
    for (const name of variants) {
      const v = VARIANTS[name];
      const dir = mkdtempSync(path.join(work, "store-"));
      const store = await openLanceStore({
        dir,
        dimensions: embedder.dimensions,
        modelId: embedder.modelId,
        lexical: v.lexical,
      });
      const missesBefore = misses;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const it = update(
        [{ name: "corpus", root: corpus }],
        { store, embedder: cachingEmbedder },
        {
          maxFileBytes: config.ingest.maxFileBytes,
          defaultGroups: config.ingest.defaultGroups,
          embedHeader: v.header,
        },
      );
      let r = await it.next();
      while (!r.done) r = await it.next();
      await store.flush?.();
      const ingestS = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const embedded = misses - missesBefore;
      const retriever = engine.createRetriever({
        store,
        embedder,
        config: config.retrieval,
        neighbourWeight: v.neighbours,
      });
      await retriever.retrieve("warm up", { principal, k: 10 });
      const results = [];
      for (const q of questions) {
        const t1 = performance.now();
        const res = await retriever.retrieve(q.question, { principal, k: 10 });
        const ms = performance.now() - t1;
        const files = res.hits.map((h) => h.chunk.path);
        const answerable = q.gold.length > 0;
        results.push({
          id: q.id,
          kind: q.kind,
          answerable,
          recallAt5: answerable ? engine.recallAt(q.gold, files, 5) : 0,
          mrrAt10: answerable ? engine.reciprocalRankAt(q.gold, files, 10) : 0,
          abstained: res.hits.length === 0 || res.bestDenseScore < config.retrieval.abstainMinScore,
          retrievalMs: ms,
          bestDenseScore: res.bestDenseScore,
        });
      }
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      const s = engine.summarise(results);
      const code = s.by_kind.code;
      const row = {
        set: setName,
        variant: name,
        n: s.n,
        recall_at_5: s.recall_at_5,
        mrr_at_10: s.mrr_at_10,
        code_recall_at_5: code?.recall_at_5 ?? null,
        code_mrr_at_10: code?.mrr_at_10 ?? null,
        abstention: s.abstention_accuracy,
        false_abstention: s.false_abstention_rate,
        p50_ms: s.latency_ms.retrieval_p50,
        p95_ms: s.latency_ms.retrieval_p95,
        chunks: r.value.chunks,
        embedded,
        // Only meaningful when the variant embedded its chunks itself (cold).
        ingest_chunks_per_s: embedded > 0 ? Math.round((r.value.chunks / ingestS) * 10) / 10 : null,
        ingest_cpu_s: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
        misses: results.filter((x) => x.answerable && x.recallAt5 < 1).map((x) => x.id),
      };
      rows.push(row);
      console.error(JSON.stringify({ ...row, misses: undefined }));
    }
  }
} finally {
  await embedder.close?.();
  rmSync(work, { recursive: true, force: true });
}

const cols = [
  "set",
  "variant",
  "recall_at_5",
  "mrr_at_10",
  "code_recall_at_5",
  "code_mrr_at_10",
  "abstention",
  "false_abstention",
  "p50_ms",
  "p95_ms",
  "ingest_chunks_per_s",
];
console.log(`| ${cols.join(" | ")} |`);
console.log(`|${cols.map(() => " --- ").join("|")}|`);
for (const r of rows) console.log(`| ${cols.map((c) => r[c] ?? "–").join(" | ")} |`);
const out = arg("json");
if (out) writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
