#!/usr/bin/env node
// Projects and owners at scale: p50/p95 per request of discoverProjects (GET /v1/projects, MCP list_projects, the
// root agent's project tool) and findOwners (GET /v1/owners, MCP who_owns) over synthetic LanceDB indexes of 20k
// and 200k documents, BEFORE (the code at 610cce5, built in a git worktree: list every document, filter ACLs in
// JavaScript, group with `[...old, d]`) and AFTER (this tree: store queries filtered by groups and paths inside
// LanceDB), same index, same run, requests interleaved. Each request's answer is compared between the two.
//
// The corpus (seeded, mulberry32): N/1000 sources. Source 0 is a monorepo holding 10% of the documents with a
// catalog-info.yaml in each of N/2000 service folders and a root CODEOWNERS; the others share the rest evenly,
// a third with a root catalog-info.yaml, the others with a README.md and a CODEOWNERS (root or .github/). Paths
// are random trees of depth 1-6; 30% markdown, 50% TypeScript, 20% YAML/JSON. Every document has one chunk
// (8-dimensional vector) so the chunks table is as long as the documents table. Each side reads an index written
// by its own store code (identical rows; AFTER's store adds scalar indexes on chunks.docId and documents.source,
// path, acl), so BEFORE is measured as it was, not helped by indexes it never created. ACLs: half the sources `public`,
// the others `team-<k mod 10>`, and 10% of documents `secret`; the caller holds public, team-1 and team-2.
//
// Usage: node bench/catalog.mjs [--sizes 20000,200000] [--runs 15] [--runs-large 5] [--seed 42]
//        [--before /tmp/isa-before] [--keep]   (--keep leaves the built indexes on disk and prints where)
// Needs `npx tsc -b backend/engine` here, and the BEFORE worktree built (`git worktree add <dir> 610cce5`,
// `npm ci`, `npx tsc -b` there).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";

const repo = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "20000,200000" },
    runs: { type: "string", default: "15" },
    "runs-large": { type: "string", default: "5" },
    keep: { type: "boolean", default: false },
    seed: { type: "string", default: "42" },
    before: { type: "string", default: "/tmp/isa-before" },
  },
});
const sizes = values.sizes.split(",").map(Number);
/** Timed requests per kind and variant: fewer above 100k documents, where BEFORE takes seconds each. */
const runsFor = (n) => Number(n > 100_000 ? values["runs-large"] : values.runs);
const imp = (root, p) => import(path.join(root, p));

const after = {
  store: await imp(repo, "ingest/dist/store/index.js"),
  engine: await imp(repo, "backend/engine/dist/index.js"),
};
const before = {
  store: await imp(values.before, "ingest/dist/store/index.js"),
  projects: await imp(values.before, "backend/dist/api/projects.js"),
  owners: await imp(values.before, "backend/dist/owners/index.js"),
};
const { contentId } = await imp(repo, "core/dist/index.js");

const DIMS = 8;
const MODEL = "bench-catalog";
const CALLER = { id: "bench", groups: ["public", "team-1", "team-2"] };
const FOLDERS = [
  "src",
  "docs",
  "lib",
  "api",
  "guides",
  "internal",
  "runbooks",
  "adr",
  "pkg",
  "tests",
  "ops",
  "ui",
];

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const catalog = (name, team) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: The ${name} service.\nspec:\n  type: service\n  owner: ${team}\n`;

/** [{source, path, acl, text}] in (source, path) order. */
function corpus(n, seed) {
  const rnd = mulberry32(seed);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const sources = Math.max(2, Math.round(n / 1000));
  const docs = [];
  const randomPath = (prefix) => {
    const depth = 1 + Math.floor(rnd() * 6);
    const dirs = Array.from({ length: depth - 1 }, () => pick(FOLDERS));
    const r = rnd();
    const ext = r < 0.3 ? "md" : r < 0.8 ? "ts" : pick(["yaml", "json"]);
    return [...prefix, ...dirs, `f${Math.floor(rnd() * 1e9).toString(36)}.${ext}`].join("/");
  };
  for (let s = 0; s < sources; s++) {
    const source = s === 0 ? "monorepo" : `repo-${String(s).padStart(3, "0")}`;
    const group = s % 2 === 0 ? "public" : `team-${s % 10}`;
    const count = s === 0 ? Math.round(n * 0.1) : Math.round((n * 0.9) / (sources - 1));
    const files = new Map();
    const add = (p, text) => files.set(p, text);
    if (s === 0) {
      const services = Math.max(1, Math.round(n / 2000));
      add("CODEOWNERS", "* @acme/platform\n/services/svc-0/ @acme/svc-0\n");
      for (let k = 0; k < services; k++) {
        add(`services/svc-${k}/catalog-info.yaml`, catalog(`svc-${k}`, `team-svc-${k % 7}`));
      }
      while (files.size < count) {
        add(randomPath(["services", `svc-${Math.floor(rnd() * services)}`]), undefined);
      }
    } else if (s % 3 === 0) {
      add("catalog-info.yaml", catalog(source, `team-${s % 10}`));
    } else {
      add("README.md", `# ${source}\n\nThe ${source} repository: tools and runbooks.\n`);
      add(s % 2 ? ".github/CODEOWNERS" : "CODEOWNERS", `* @acme/${source}\n/docs/ @acme/writers\n`);
    }
    while (files.size < count) add(randomPath([]), undefined);
    for (const p of [...files.keys()].sort()) {
      const acl = rnd() < 0.1 ? ["secret"] : [group];
      docs.push({ source, path: p, acl: files.get(p) !== undefined ? [group] : acl, text: files.get(p) });
    }
  }
  return docs;
}

function vector(rnd) {
  const v = Float32Array.from({ length: DIMS }, () => rnd() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

async function build(storeModule, dir, docs, seed) {
  const rnd = mulberry32(seed + 1);
  const store = await storeModule.openLanceStore({ dir, dimensions: DIMS, modelId: MODEL });
  const BATCH = 10_000;
  for (let i = 0; i < docs.length; i += BATCH) {
    const batch = docs.slice(i, i + BATCH).map((d) => {
      const docId = contentId(d.source, d.path);
      const text = d.text ?? `Content of ${d.path}.`;
      const chunk = {
        id: contentId(d.source, d.path, text),
        docId,
        source: d.source,
        path: d.path,
        title: d.path.split("/").pop(),
        headingPath: [],
        kind: d.path.endsWith(".md") ? "markdown" : d.path.endsWith(".ts") ? "code" : "config",
        startLine: 1,
        endLine: text.split("\n").length,
        text,
        acl: d.acl,
        vector: vector(rnd),
      };
      const state = {
        docId,
        source: d.source,
        path: d.path,
        contentHash: docId,
        acl: d.acl,
        chunkIds: [chunk.id],
      };
      return { chunk, state };
    });
    await store.upsert(
      batch.map((b) => b.chunk),
      batch.map((b) => b.state),
    );
  }
  await store.close(); // optimises: FTS and scalar indexes cover every row
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function bench(n) {
  const seed = Number(values.seed);
  const docs = corpus(n, seed);
  const dir = mkdtempSync(path.join(tmpdir(), "isa-bench-catalog-"));
  // Each side gets the index its own store writes (same rows; AFTER's also has the scalar indexes it creates).
  const opts = (side) => ({ dir: path.join(dir, side), dimensions: DIMS, modelId: MODEL });
  const t0 = performance.now();
  await build(after.store, opts("after").dir, docs, seed);
  const buildS = ((performance.now() - t0) / 1000).toFixed(1);
  await build(before.store, opts("before").dir, docs, seed);
  const oldStore = await before.store.openLanceStore(opts("before"));
  const newStore = await after.store.openLanceStore(opts("after"));

  const rnd = mulberry32(seed + 2);
  const readable = docs.filter((d) => d.acl.some((g) => CALLER.groups.includes(g)));
  const samplePaths = Array.from({ length: 10 }, () => readable[Math.floor(rnd() * readable.length)].path);
  const services = Math.max(1, Math.round(n / 2000));
  const requests = {
    projects: {
      before: () => before.projects.discoverProjects(oldStore, CALLER),
      after: () => after.engine.discoverProjects(newStore, CALLER),
    },
    "projects?q=svc": {
      before: () => before.projects.discoverProjects(oldStore, CALLER, "svc"),
      after: () => after.engine.discoverProjects(newStore, CALLER, "svc"),
    },
    "owners path": {
      before: (i) =>
        before.owners.findOwners(oldStore, CALLER, { path: samplePaths[i % samplePaths.length] }),
      after: (i) => after.engine.findOwners(newStore, CALLER, { path: samplePaths[i % samplePaths.length] }),
    },
    "owners project": {
      before: (i) => before.owners.findOwners(oldStore, CALLER, { project: `svc-${(i * 7) % services}` }),
      after: (i) => after.engine.findOwners(newStore, CALLER, { project: `svc-${(i * 7) % services}` }),
    },
  };
  const runs = runsFor(n);
  const rows = [];
  for (const [name, r] of Object.entries(requests)) {
    await r.before(0); // warm-up
    await r.after(0);
    let same = 0;
    const ms = { before: [], after: [] };
    for (let i = 0; i < runs; i++) {
      const got = {};
      for (const which of i % 2 ? ["after", "before"] : ["before", "after"]) {
        const a = performance.now();
        got[which] = await r[which](i);
        ms[which].push(performance.now() - a);
      }
      if (isDeepStrictEqual(got.before, got.after)) same++;
    }
    rows.push({ name, same: `${same}/${runs}`, ms });
  }
  await oldStore.close();
  await newStore.close();
  if (values.keep) console.error(`indexes kept in ${dir}/{before,after}`);
  else rmSync(dir, { recursive: true, force: true });
  return { n, buildS, readable: readable.length, sources: new Set(docs.map((d) => d.source)).size, rows };
}

const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(
  `catalog bench: runs=${values.runs} (${values["runs-large"]} above 100k) seed=${values.seed} caller=${CALLER.groups.join(",")}`,
);
console.log(
  "| documents | request | before p50 ms | before p95 ms | after p50 ms | after p95 ms | speed-up (p50) | same answer |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const n of sizes) {
  const r = await bench(n);
  for (const row of r.rows) {
    const b50 = pct(row.ms.before, 50);
    const a50 = pct(row.ms.after, 50);
    console.log(
      `| ${n} | ${row.name} | ${f(b50)} | ${f(pct(row.ms.before, 95))} | ${f(a50)} | ${f(pct(row.ms.after, 95))} | ${(b50 / a50).toFixed(1)}× | ${row.same} |`,
    );
  }
  console.error(
    `(${n} documents in ${r.sources} sources, ${r.readable} readable by the caller; AFTER index built in ${r.buildS} s)`,
  );
}
