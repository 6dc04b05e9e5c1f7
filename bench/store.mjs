#!/usr/bin/env node
// Vector store benchmark, one run: LanceDB brute force vs LanceDB with an IVF_PQ vector index vs Qdrant (HNSW), at
// each size, with the ACL filter of a broad and of a narrow principal inside every query; recall@10 of the indexed
// searches against LanceDB's exact (brute-force) answers; upsert throughput through each store's own upsert().
//
// Data (seeded, reproducible; --seed): `clusters` centres drawn uniformly on the 384-d unit sphere; each chunk is
// its centre plus Gaussian noise (σ per dimension 1.2/√384, so a chunk's cosine to its centre is ~0.64 and to a
// sibling ~0.41), normalised. Queries are drawn the same way from random centres. Text: 40-80 words from a
// 20 000-word synthetic vocabulary (Zipf s=1.1) plus 8 words of the chunk's cluster topic. ACL: half the chunks
// ["public"], the rest one of 100 team groups. Broad principal: ["public"] (~50 % of chunks readable); narrow:
// two teams (~1 %). Ten chunks per document.
//
// Usage: npm run bench:store [-- --sizes 100000,1000000 --queries 200 --seed 42 --skip-lance-index]
//        (needs `npm run build`; Qdrant from QDRANT_URL or the shared build in ../shared/qdrant)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { rssMiB, startBenchQdrant } from "./lib/qdrantServer.mjs";

const { values: opt } = parseArgs({
  options: {
    sizes: { type: "string", default: "100000,1000000" },
    queries: { type: "string", default: "200" },
    seed: { type: "string", default: "42" },
    "skip-lance-index": { type: "boolean" },
  },
});
const SIZES = opt.sizes.split(",").map((s) => Number(s.trim()));
const NQ = Number(opt.queries);
const DIMS = 384;
const K = 10;
const CHUNKS_PER_DOC = 10;

const { openLanceStore } = await import("@isa/ingest/lance");
const { openQdrantStore } = await import("@isa/ingest/qdrant");
const lancedb = await import("@lancedb/lancedb");

// ---------- seeded data ----------
function mulberry32(a) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function gauss(rand) {
  const u = rand() || 1e-12;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
function normalise(v) {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

function makeData(n, seed) {
  const rand = mulberry32(seed);
  const clusters = Math.max(100, Math.round(Math.sqrt(n)));
  const centres = Array.from({ length: clusters }, () =>
    normalise(Float32Array.from({ length: DIMS }, () => gauss(rand))),
  );
  const sigma = 1.2 / Math.sqrt(DIMS);
  const noisy = (c) => {
    const v = new Float32Array(DIMS);
    for (let i = 0; i < DIMS; i++) v[i] = c[i] + sigma * gauss(rand);
    return normalise(v);
  };
  // Zipf over a synthetic vocabulary (cumulative table, binary search).
  const VOCAB = 20_000;
  const words = Array.from({ length: VOCAB }, (_, i) => `w${i.toString(36)}`);
  const cdf = new Float64Array(VOCAB);
  let acc = 0;
  for (let i = 0; i < VOCAB; i++) cdf[i] = acc += 1 / (i + 1) ** 1.1;
  const word = () => {
    const x = rand() * acc;
    let lo = 0;
    let hi = VOCAB - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo];
  };
  const topic = (c) => Array.from({ length: 8 }, (_, j) => `topic${c}x${j}`).join(" ");
  const chunks = [];
  const docs = [];
  for (let d = 0; d * CHUNKS_PER_DOC < n; d++) {
    const acl = rand() < 0.5 ? ["public"] : [`team-${Math.floor(rand() * 100)}`];
    const docId = `doc-${seed}-${d}`;
    const p = `area-${d % 100}/doc-${d}.md`;
    const ids = [];
    for (let j = 0; j < CHUNKS_PER_DOC && chunks.length < n; j++) {
      const c = Math.floor(rand() * clusters);
      const len = 40 + Math.floor(rand() * 41);
      const text = `${Array.from({ length: len }, word).join(" ")} ${topic(c)}`;
      const id = `${docId}-c${j}`;
      ids.push(id);
      chunks.push({
        id,
        docId,
        source: "bench",
        path: p,
        title: `doc ${d}`,
        headingPath: [`doc ${d}`, `part ${j + 1}`],
        kind: "markdown",
        startLine: j * 10 + 1,
        endLine: j * 10 + 10,
        text,
        acl,
        vector: noisy(centres[c]),
      });
    }
    docs.push({ docId, source: "bench", path: p, contentHash: docId, acl, chunkIds: ids });
  }
  const queries = Array.from({ length: NQ }, () => noisy(centres[Math.floor(rand() * clusters)]));
  return { chunks, docs, queries, clusters };
}

// ---------- helpers ----------
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const ms = (x) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
const now = () => performance.now();
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

const PRINCIPALS = {
  broad: { id: "broad", groups: ["public"] },
  narrow: { id: "narrow", groups: ["team-7", "team-42"] },
};

/** Writes chunks and their document states through store.upsert in calls of `batch` chunks; chunks/s. */
async function load(store, data, batch) {
  const byDoc = new Map(data.docs.map((d) => [d.docId, d]));
  const t0 = now();
  for (let i = 0; i < data.chunks.length; i += batch) {
    const part = data.chunks.slice(i, i + batch);
    const docs = [...new Set(part.map((c) => c.docId))].map((id) => byDoc.get(id));
    await store.upsert(part, docs);
    if ((i / batch) % 50 === 0) log(`  ${i + part.length}/${data.chunks.length}`);
  }
  const s = (now() - t0) / 1000;
  return { seconds: s, perSecond: data.chunks.length / s };
}

async function timeQueries(data, principal, search) {
  const times = [];
  const results = [];
  // Two warm-up queries (caches, lazy loads), not counted.
  for (const q of data.queries.slice(0, 2)) await search(q, principal);
  for (const q of data.queries) {
    const t0 = now();
    results.push(await search(q, principal));
    times.push(now() - t0);
  }
  return { p50: pct(times, 50), p95: pct(times, 95), results };
}

function recall(truth, got) {
  let hit = 0;
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = new Set(truth[i]);
    hit += got[i].filter((id) => t.has(id)).length;
    total += t.size;
  }
  return total ? hit / total : 1;
}

/** The same query the LanceDB store issues (cosine, ACL prefilter, chunk columns), with index knobs. */
async function lanceQuery(table, vector, principal, knobs = {}) {
  const groups = principal.groups.map((g) => `'${g.replaceAll("'", "''")}'`).join(", ");
  let q = table
    .vectorSearch(vector)
    .distanceType("cosine")
    .where(`array_has_any(acl, make_array(${groups}))`);
  if (knobs.nprobes) q = q.nprobes(knobs.nprobes);
  if (knobs.refine) q = q.refineFactor(knobs.refine);
  if (knobs.bypass) q = q.bypassVectorIndex();
  const rows = await q.select(["id", "docId", "path", "text", "acl", "_distance"]).limit(K).toArray();
  return rows.map((r) => String(r.id));
}

// ---------- run ----------
function printTable(final) {
  console.log(
    `\nbench:store${final ? "" : " (so far)"} — ${DIMS}-d, k=${K}, ${NQ} queries per cell, seed ${opt.seed}; ` +
      `run time ${((now() - started) / 60000).toFixed(1)} min`,
  );
  for (const n of notes) console.log(`- ${n}`);
  console.log(
    "\n| chunks | store / search | ACL filter | p50 ms | p95 ms | recall@10 vs exact | upsert chunks/s | notes |",
  );
  console.log("|---:|---|---|---:|---:|---:|---:|---|");
  for (const r of rows) {
    console.log(
      `| ${r.n.toLocaleString("en")} | ${r.engine} | ${r.filter} | ${ms(r.p50)} | ${ms(r.p95)} | ${r.recall.toFixed(3)} | ` +
        `${r.load ? r.load.perSecond.toFixed(0) : ""} | ${r.extra ?? ""} |`,
    );
  }
}

const rows = [];
const notes = [];
const started = now();
const qdrant = await startBenchQdrant();
const work = mkdtempSync(path.join(process.env.ISA_BENCH_TMP ?? tmpdir(), "isa-bench-store-"));
try {
  for (const n of SIZES) {
    log(`size ${n}: generating`);
    const data = makeData(n, Number(opt.seed) + n);
    const readable = (p) => data.chunks.filter((c) => c.acl.some((g) => p.groups.includes(g))).length / n;
    notes.push(
      `${n}: ${data.clusters} clusters; broad principal reads ${(100 * readable(PRINCIPALS.broad)).toFixed(1)} %, ` +
        `narrow ${(100 * readable(PRINCIPALS.narrow)).toFixed(2)} %`,
    );
    const lanceBatch = n >= 1_000_000 ? 20_000 : 5_000;
    const qdrantBatch = 5_000;

    // LanceDB: load through the store, then brute-force queries (no vector index: exact, the ground truth).
    log(`size ${n}: LanceDB load (upsert calls of ${lanceBatch})`);
    const dir = path.join(work, `lance-${n}`);
    const lance = await openLanceStore({ dir, dimensions: DIMS, modelId: "bench", optimizeEvery: 1_000_000 });
    const lLoad = await load(lance, data, lanceBatch);
    const t0 = now();
    await lance.flush();
    const lFlush = (now() - t0) / 1000;
    log(
      `size ${n}: LanceDB loaded ${lLoad.perSecond.toFixed(0)}/s, optimise (FTS fold-in, compaction) ${lFlush.toFixed(1)} s`,
    );
    const db = await lancedb.connect(dir);
    const table = await db.openTable("chunks");
    const truth = {};
    for (const [name, p] of Object.entries(PRINCIPALS)) {
      log(`size ${n}: LanceDB brute force, ${name}`);
      const r = await timeQueries(data, p, async (v, pr) =>
        (await lance.searchDense(v, { k: K, principal: pr })).map((h) => h.chunk.id),
      );
      truth[name] = r.results;
      rows.push({
        n,
        engine: "LanceDB brute force (store.searchDense)",
        filter: name,
        p50: r.p50,
        p95: r.p95,
        recall: 1,
        load: lLoad,
        extra: `optimise ${lFlush.toFixed(1)} s`,
      });
    }
    await lance.close();

    if (!opt["skip-lance-index"]) {
      const partitions = Math.max(64, Math.round(Math.sqrt(n)));
      log(`size ${n}: LanceDB IVF_PQ (${partitions} partitions, 48 sub-vectors) build`);
      const t1 = now();
      await table.createIndex("vector", {
        config: lancedb.Index.ivfPq({ distanceType: "cosine", numPartitions: partitions, numSubVectors: 48 }),
      });
      const build = (now() - t1) / 1000;
      log(`size ${n}: IVF_PQ built in ${build.toFixed(0)} s`);
      for (const [label, knobs] of [
        ["nprobes 20", { nprobes: 20 }],
        ["nprobes 20, refine ×10", { nprobes: 20, refine: 10 }],
        ["nprobes 50, refine ×10", { nprobes: 50, refine: 10 }],
      ]) {
        for (const [name, p] of Object.entries(PRINCIPALS)) {
          const r = await timeQueries(data, p, (v, pr) => lanceQuery(table, v, pr, knobs));
          rows.push({
            n,
            engine: `LanceDB IVF_PQ (${label})`,
            filter: name,
            p50: r.p50,
            p95: r.p95,
            recall: recall(truth[name], r.results),
            extra: `index build ${build.toFixed(0)} s`,
          });
        }
      }
    }
    table.close();
    db.close();

    // Qdrant: load through the store (BM25 sparse vectors computed server-side), wait for HNSW, query.
    log(`size ${n}: Qdrant load (upsert calls of ${qdrantBatch}, 256 points per request)`);
    const qs = await openQdrantStore({
      url: qdrant.url,
      ...(qdrant.apiKey ? { apiKey: qdrant.apiKey } : {}),
      collection: `bench_${n}`,
      dimensions: DIMS,
      modelId: "bench",
    });
    const qLoad = await load(qs, data, qdrantBatch);
    const t2 = now();
    for (;;) {
      const info = await (
        await fetch(
          `${qdrant.url}/collections/bench_${n}`,
          qdrant.apiKey ? { headers: { "api-key": qdrant.apiKey } } : {},
        )
      ).json();
      if (info.result.status === "green" && info.result.indexed_vectors_count >= n * 0.99) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const qIndex = (now() - t2) / 1000;
    const qRss = await rssMiB(qdrant.pid);
    log(
      `size ${n}: Qdrant loaded ${qLoad.perSecond.toFixed(0)}/s, HNSW ready ${qIndex.toFixed(0)} s after, RSS ${qRss} MiB`,
    );
    for (const [name, p] of Object.entries(PRINCIPALS)) {
      const r = await timeQueries(data, p, async (v, pr) =>
        (await qs.searchDense(v, { k: K, principal: pr })).map((h) => h.chunk.id),
      );
      rows.push({
        n,
        engine: "Qdrant HNSW (store.searchDense)",
        filter: name,
        p50: r.p50,
        p95: r.p95,
        recall: recall(truth[name], r.results),
        load: qLoad,
        extra: `HNSW ready ${qIndex.toFixed(0)} s after load${qRss ? `, RSS ${qRss} MiB` : ""}`,
      });
    }
    await qs.close();
    await fetch(`${qdrant.url}/collections/bench_${n}`, { method: "DELETE" });
    await fetch(`${qdrant.url}/collections/bench_${n}_documents`, { method: "DELETE" });
    rmSync(dir, { recursive: true, force: true });
    if (n !== SIZES.at(-1)) printTable(false);
  }
} finally {
  await qdrant.stop();
  rmSync(work, { recursive: true, force: true });
}

printTable(true);
