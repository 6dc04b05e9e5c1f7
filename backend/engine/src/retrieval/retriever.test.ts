// The retriever over a real LanceVectorStore (temp dir) and the hashing test embedder: modes, fusion, the
// per-document cap, input validation, and that ACLs hold in every mode.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Config, Principal, VectorStore } from "@isa/core";
import { CONFORMANCE_DIMENSIONS, fixtureDoc, hashingEmbedder } from "@isa/core/testkit";
import { openLanceStore } from "@isa/ingest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RetrievalMode } from "./retriever.js";
import { createRetriever } from "./retriever.js";

const config: Config["retrieval"] = {
  mode: "hybrid",
  topK: 5,
  rrfK: 60,
  maxChunksPerDoc: 2,
  abstainMinScore: 0.3,
};
const embedder = hashingEmbedder(CONFORMANCE_DIMENSIONS);
const pub: Principal = { id: "p", groups: ["public"] };
const finance: Principal = { id: "f", groups: ["public", "finance"] };
const modes: RetrievalMode[] = ["hybrid", "dense", "lexical"];

const docs = {
  salaryPublic: fixtureDoc({
    path: "people/benefits.md",
    acl: ["public"],
    texts: ["Benefits overview: holidays, pension"],
  }),
  salarySecret: fixtureDoc({
    path: "finance/salary-bands.md",
    acl: ["finance"],
    texts: [
      "Salary bands for engineers: band L3 salary range",
      "Salary bands review process and salary budget",
    ],
  }),
  long: fixtureDoc({
    path: "runbooks/deploy.md",
    acl: ["public"],
    texts: [
      "deploy the service with the deploy pipeline",
      "deploy rollback: deploy the previous tag",
      "deploy to staging before you deploy to production",
      "deploy checklist for every deploy",
    ],
  }),
  other: fixtureDoc({
    path: "runbooks/oncall.md",
    acl: ["public"],
    texts: ["on call handbook: how to deploy a hotfix"],
  }),
  code: fixtureDoc({
    source: "repo",
    path: "src/deploy.ts",
    kind: "code",
    acl: ["public"],
    texts: ["export function deploy(tag) { return pipeline.deploy(tag) }"],
  }),
};

let dir: string;
let store: VectorStore;
let calls: { dense: number; lexical: number };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "isa-retrieval-"));
  const lance = await openLanceStore({ dir, dimensions: embedder.dimensions, modelId: embedder.modelId });
  const all = Object.values(docs);
  await lance.upsert(
    all.flatMap((d) => d.chunks),
    all.map((d) => d.state),
  );
  calls = { dense: 0, lexical: 0 };
  // Count calls through the port, to check each mode asks only for the lists it uses.
  store = Object.assign(Object.create(lance) as VectorStore, {
    searchDense: (...a: Parameters<VectorStore["searchDense"]>) => {
      calls.dense++;
      return lance.searchDense(...a);
    },
    searchLexical: (...a: Parameters<VectorStore["searchLexical"]>) => {
      calls.lexical++;
      return lance.searchLexical(...a);
    },
    getVectors: (...a: Parameters<VectorStore["getVectors"]>) => lance.getVectors(...a),
    getDocumentChunks: (...a: Parameters<VectorStore["getDocumentChunks"]>) => lance.getDocumentChunks(...a),
    close: () => lance.close(),
  });
});
afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("createRetriever", () => {
  it("rejects an empty or whitespace query, and a bad k, with INPUT_INVALID", async () => {
    const r = createRetriever({ store, embedder, config });
    for (const q of ["", "   ", "\n\t"]) {
      await expect(r.retrieve(q, { principal: pub })).rejects.toMatchObject({ code: "INPUT_INVALID" });
    }
    for (const k of [0, -1, 1.5, 1000]) {
      await expect(r.retrieve("deploy", { principal: pub, k })).rejects.toMatchObject({
        code: "INPUT_INVALID",
      });
    }
  });

  it("never returns a restricted document to a principal without its group, in any mode", async () => {
    const r = createRetriever({ store, embedder, config });
    for (const mode of modes) {
      for (const q of ["salary bands", "salary bands for engineers L3", "finance salary-bands.md budget"]) {
        const res = await r.retrieve(q, { principal: pub, mode, k: 20 });
        const paths = res.hits.map((h) => h.chunk.path);
        expect(paths, `${mode}: ${q}`).not.toContain("finance/salary-bands.md");
        const allowed = await r.retrieve(q, { principal: finance, mode, k: 20 });
        expect(allowed.hits[0]?.chunk.path, `${mode}: ${q} for finance`).toBe("finance/salary-bands.md");
      }
      const nobody = await r.retrieve("salary bands", { principal: { id: "n", groups: [] }, mode });
      expect(nobody.hits).toEqual([]);
      expect(nobody.bestDenseScore).toBe(-1);
    }
  });

  it("fuses both lists in hybrid mode and reports each list's own score", async () => {
    const r = createRetriever({ store, embedder, config });
    const res = await r.retrieve("how to deploy a hotfix on call", { principal: pub, k: 5 });
    expect(res.hits.map((h) => h.rank)).toEqual(res.hits.map((_, i) => i + 1));
    const top = res.hits[0]!;
    expect(top.chunk.path).toBe("runbooks/oncall.md");
    expect(top.denseScore).toBeGreaterThan(0);
    expect(top.lexicalScore).toBeGreaterThan(0);
    // Both lists' first place (2/61), plus a small share of same-document support.
    expect(top.score).toBeGreaterThanOrEqual(2 / 61);
    expect(top.score).toBeLessThan(2.2 / 61);
    // Each document's best chunk comes first, in descending score; second chunks follow.
    const seen = new Set<string>();
    const firsts = res.hits.filter((h) => !seen.has(h.chunk.docId) && seen.add(h.chunk.docId));
    expect(res.hits.slice(0, firsts.length)).toEqual(firsts);
    for (let i = 1; i < firsts.length; i++)
      expect(firsts[i - 1]!.score).toBeGreaterThanOrEqual(firsts[i]!.score);
    const dense = res.hits.flatMap((h) => (h.denseScore === undefined ? [] : [h.denseScore]));
    expect(res.bestDenseScore).toBeCloseTo(Math.max(...dense), 6);
    for (const t of Object.values(res.timings)) expect(t).toBeGreaterThanOrEqual(0);
  });

  it("caps chunks per document in the top k, filling from demoted chunks only when needed", async () => {
    const r = createRetriever({ store, embedder, config });
    const res = await r.retrieve("deploy", { principal: pub, k: 4 });
    const fromLong = res.hits.filter((h) => h.chunk.path === "runbooks/deploy.md").length;
    expect(fromLong).toBeGreaterThanOrEqual(1);
    expect(fromLong).toBeLessThanOrEqual(2);
    expect(new Set(res.hits.map((h) => h.chunk.path)).size).toBeGreaterThanOrEqual(3);
    const narrow = await r.retrieve("deploy", { principal: pub, k: 6, sources: ["docs"], mode: "lexical" });
    expect(narrow.hits.filter((h) => h.chunk.path === "runbooks/deploy.md").length).toBe(4);
  });

  it("asks only for the list a single-list mode ranks by, and still reports a dense score", async () => {
    const r = createRetriever({ store, embedder, config });
    calls.dense = 0;
    calls.lexical = 0;
    const dense = await r.retrieve("deploy pipeline", { principal: pub, mode: "dense" });
    expect(calls).toEqual({ dense: 1, lexical: 0 });
    expect(dense.hits.every((h) => h.lexicalScore === undefined && h.denseScore !== undefined)).toBe(true);
    const lexical = await r.retrieve("deploy pipeline", { principal: pub, mode: "lexical" });
    expect(calls).toEqual({ dense: 1, lexical: 1 });
    expect(lexical.hits.every((h) => h.lexicalScore !== undefined)).toBe(true);
    expect(lexical.bestDenseScore).toBeGreaterThan(0);
    expect(lexical.timings.denseMs).toBe(0);
    const def = createRetriever({ store, embedder, config: { ...config, mode: "lexical" } });
    await def.retrieve("deploy", { principal: pub });
    expect(calls.dense).toBe(1);
  });

  it("passes kinds and sources filters to the store", async () => {
    const r = createRetriever({ store, embedder, config });
    for (const mode of modes) {
      const code = await r.retrieve("deploy", { principal: pub, mode, kinds: ["code"] });
      expect(code.hits.map((h) => h.chunk.path)).toEqual(["src/deploy.ts"]);
      const repo = await r.retrieve("deploy", { principal: pub, mode, sources: ["repo"] });
      expect(repo.hits.map((h) => h.chunk.path)).toEqual(["src/deploy.ts"]);
    }
  });

  it("neighbours: the chunks around a hit in its document, nearest first within maxChars, in line order", async () => {
    const r = createRetriever({ store, embedder, config });
    const [c1, c2, c3, c4] = docs.long.chunks;
    // From the second chunk: next (3), previous (1), then the one after that (4), as the budget allows.
    const all = await r.neighbours(c2!, { principal: pub, maxChars: 10_000 });
    expect(all.map((c) => c.startLine)).toEqual([c1!.startLine, c3!.startLine, c4!.startLine]);
    const two = await r.neighbours(c2!, { principal: pub, maxChars: c3!.text.length + c1!.text.length });
    expect(two.map((c) => c.id)).toEqual([c1!.id, c3!.id]);
    const one = await r.neighbours(c2!, { principal: pub, maxChars: c3!.text.length });
    expect(one.map((c) => c.id)).toEqual([c3!.id]);
    expect(await r.neighbours(c2!, { principal: pub, maxChars: 1 })).toEqual([]);
  });

  it("neighbours: never a chunk the principal may not read", async () => {
    const r = createRetriever({ store, embedder, config });
    const [first] = docs.salarySecret.chunks;
    expect(await r.neighbours(first!, { principal: pub, maxChars: 10_000 })).toEqual([]);
    const allowed = await r.neighbours(first!, { principal: finance, maxChars: 10_000 });
    expect(allowed.map((c) => c.path)).toEqual(["finance/salary-bands.md"]);
  });

  it("returns no hits and bestDenseScore -1 on an empty store", async () => {
    const emptyDir = await mkdtemp(path.join(tmpdir(), "isa-retrieval-empty-"));
    const empty = await openLanceStore({
      dir: emptyDir,
      dimensions: embedder.dimensions,
      modelId: embedder.modelId,
    });
    try {
      const r = createRetriever({ store: empty, embedder, config });
      for (const mode of modes) {
        const res = await r.retrieve("anything", { principal: pub, mode });
        expect(res.hits).toEqual([]);
        expect(res.bestDenseScore).toBe(-1);
      }
    } finally {
      await empty.close();
      await rm(emptyDir, { recursive: true, force: true });
    }
  });
});
