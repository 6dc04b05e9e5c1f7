// The VectorStore contract as a reusable vitest suite: every adapter (LanceDB now, Qdrant later) runs the same
// tests, so "permission-aware" and "idempotent" mean the same thing whichever store is configured.
// `makeStore` must return a fresh, empty store of CONFORMANCE_DIMENSIONS dimensions; the suite closes it.
import { afterEach, describe, expect, it } from "vitest";
import type { Chunk, Principal } from "../domain.js";
import type { SearchOptions, VectorStore } from "../ports.js";
import type { FixtureDoc } from "./conformanceFixtures.js";
import {
  CONFORMANCE_DIMENSIONS,
  fixtureDoc,
  matrixDocs,
  matrixPrincipals,
  mayRead,
} from "./conformanceFixtures.js";
import { findDocumentsConformance } from "./findDocumentsConformance.js";
import { hashingVector } from "./hashingEmbedder.js";

const everyone: Principal = { id: "all", groups: ["public", "eng", "finance", "hr", "sec"] };
const publicOnly: Principal = { id: "pub", groups: ["public"] };

const vec = (text: string) => hashingVector(text, CONFORMANCE_DIMENSIONS);
const docIds = (hits: readonly { chunk: Chunk }[]) => [...new Set(hits.map((h) => h.chunk.docId))].sort();
const ids = (hits: readonly { chunk: Chunk }[]) => hits.map((h) => h.chunk.id).sort();

async function put(store: VectorStore, ...docs: FixtureDoc[]): Promise<void> {
  await store.upsert(
    docs.flatMap((d) => d.chunks),
    docs.map((d) => d.state),
  );
}

/** A small mixed corpus for filter and ranking tests. */
function mixedDocs() {
  return {
    guide: fixtureDoc({
      path: "guides/release.md",
      acl: ["public"],
      texts: [
        "How to cut a release: tag the commit and run the publish pipeline",
        "Rollback steps after a bad release",
      ],
    }),
    code: fixtureDoc({
      source: "repo",
      path: "src/release.ts",
      kind: "code",
      language: "typescript",
      acl: ["public"],
      texts: ["export function publishRelease(tag: string) { return pipeline.run(tag) }"],
    }),
    config: fixtureDoc({
      source: "repo",
      path: "deploy/values.yaml",
      kind: "config",
      language: "yaml",
      acl: ["public"],
      texts: ["release:\n  channel: stable\n  replicas: 3"],
    }),
    secret: fixtureDoc({
      path: "finance/budget.md",
      acl: ["finance"],
      texts: ["Quarterly budget for the release team and hiring plan"],
    }),
  };
}

export function describeVectorStoreConformance(name: string, makeStore: () => Promise<VectorStore>): void {
  describe(`VectorStore conformance: ${name}`, () => {
    const open: VectorStore[] = [];
    const fresh = async () => {
      const s = await makeStore();
      open.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it("answers every read on an empty store with nothing, and tolerates no-op writes", async () => {
      const store = await fresh();
      const opts: SearchOptions = { k: 5, principal: everyone };
      expect(await store.searchDense(vec("anything"), opts)).toEqual([]);
      expect(await store.searchLexical("anything", opts)).toEqual([]);
      expect(await store.getChunk("nope", everyone)).toBeUndefined();
      expect(await store.getDocumentChunks("nope", everyone)).toEqual([]);
      expect(await store.listDocuments()).toEqual([]);
      expect(await store.listDocuments("docs")).toEqual([]);
      expect((await store.getVectors(["nope"])).size).toBe(0);
      expect(await store.stats()).toEqual({ chunks: 0, documents: 0 });
      await store.deleteDocuments(["nope"]);
      await store.deleteDocuments([]);
      await store.upsert([], []);
      expect(await store.stats()).toEqual({ chunks: 0, documents: 0 });
    });

    it("returns a chunk as it was written (getChunk)", async () => {
      const store = await fresh();
      const { code, guide } = mixedDocs();
      await put(store, code, guide);
      for (const c of [...code.chunks, ...guide.chunks]) {
        const { vector: _vector, ...plain } = c;
        expect(await store.getChunk(c.id, everyone)).toEqual(plain);
      }
      const md = await store.getChunk(guide.chunks[0]!.id, everyone);
      expect(md && "language" in md ? md.language : undefined).toBeUndefined();
    });

    it("upsert is idempotent, and replaces a chunk written again under the same id", async () => {
      const store = await fresh();
      const { guide, code } = mixedDocs();
      await put(store, guide, code);
      await put(store, guide, code);
      await store.upsert([...guide.chunks, ...guide.chunks], [guide.state, guide.state]);
      expect(await store.stats()).toEqual({ chunks: 3, documents: 2 });
      const hits = await store.searchLexical("release", { k: 50, principal: everyone });
      expect(hits.length).toBe(new Set(ids(hits)).size);
      expect(hits.length).toBe(3);

      const first = guide.chunks[0]!;
      await store.upsert([{ ...first, title: "Renamed", text: "Completely new words about zeppelins" }], []);
      expect((await store.getChunk(first.id, everyone))?.text).toBe("Completely new words about zeppelins");
      expect(ids(await store.searchLexical("zeppelins", { k: 5, principal: everyone }))).toEqual([first.id]);
      expect(await store.stats()).toEqual({ chunks: 3, documents: 2 });
    });

    it("records document states, lists them by source, and replaces a state by docId", async () => {
      const store = await fresh();
      const { guide, code, config } = mixedDocs();
      await put(store, guide, code, config);
      const byId = (xs: { docId: string }[]) => [...xs].sort((a, b) => (a.docId < b.docId ? -1 : 1));
      expect(byId(await store.listDocuments())).toEqual(byId([guide.state, code.state, config.state]));
      expect(byId(await store.listDocuments("repo"))).toEqual(byId([code.state, config.state]));
      expect(await store.listDocuments("docs")).toEqual([guide.state]);
      expect(await store.listDocuments("o'missing")).toEqual([]);

      const changed = { ...guide.state, contentHash: "changed", acl: ["eng", "public"] };
      await store.upsert([], [changed]);
      expect(await store.listDocuments("docs")).toEqual([changed]);
    });

    it("returns stored vectors by chunk id and skips unknown ids (getVectors)", async () => {
      const store = await fresh();
      const { guide, code } = mixedDocs();
      await put(store, guide, code);
      const wanted = [...guide.chunks, ...code.chunks];
      const got = await store.getVectors([...wanted.map((c) => c.id), "unknown", "it's"]);
      expect([...got.keys()].sort()).toEqual(wanted.map((c) => c.id).sort());
      for (const c of wanted) {
        const v = got.get(c.id);
        expect(v).toBeInstanceOf(Float32Array);
        expect(Array.from(v ?? [])).toEqual(Array.from(c.vector));
      }
      expect((await store.getVectors([])).size).toBe(0);
    });

    it("deleteDocuments removes the documents and every chunk of them, and nothing else", async () => {
      const store = await fresh();
      const { guide, code, config, secret } = mixedDocs();
      await put(store, guide, code, config, secret);
      expect(await store.stats()).toEqual({ chunks: 5, documents: 4 });
      await store.deleteDocuments([guide.state.docId, secret.state.docId, "unknown"]);
      expect(await store.stats()).toEqual({ chunks: 2, documents: 2 });
      for (const c of [...guide.chunks, ...secret.chunks])
        expect(await store.getChunk(c.id, everyone)).toBeUndefined();
      expect(await store.getDocumentChunks(guide.state.docId, everyone)).toEqual([]);
      expect((await store.getVectors(guide.chunks.map((c) => c.id))).size).toBe(0);
      const left = await store.searchLexical("release", { k: 50, principal: everyone });
      expect(docIds(left)).toEqual([code.state.docId, config.state.docId].sort());
      expect(docIds(await store.searchDense(vec("release"), { k: 50, principal: everyone }))).toEqual(
        docIds(left),
      );
      expect((await store.listDocuments()).map((d) => d.docId).sort()).toEqual(docIds(left));
    });

    it("dense search ranks by cosine similarity, best first, and respects k", async () => {
      const store = await fresh();
      const { guide, code, config, secret } = mixedDocs();
      await put(store, guide, code, config, secret);
      const target = guide.chunks[1]!;
      const hits = await store.searchDense(target.vector, { k: 3, principal: everyone });
      expect(hits.length).toBe(3);
      expect(hits[0]?.chunk.id).toBe(target.id);
      expect(hits[0]?.score).toBeCloseTo(1, 4);
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
      for (const h of hits) expect(h.score).toBeLessThanOrEqual(1 + 1e-6);
      expect(await store.searchDense(target.vector, { k: 0, principal: everyone })).toEqual([]);
    });

    it("lexical search finds chunks by their words, best first, and respects k", async () => {
      const store = await fresh();
      const { guide, code, config, secret } = mixedDocs();
      await put(store, guide, code, config, secret);
      const hits = await store.searchLexical("rollback", { k: 5, principal: everyone });
      expect(ids(hits)).toEqual([guide.chunks[1]!.id]);
      expect(hits[0]!.score).toBeGreaterThan(0);
      const many = await store.searchLexical("release", { k: 2, principal: everyone });
      expect(many.length).toBe(2);
      expect(many[0]!.score).toBeGreaterThanOrEqual(many[1]!.score);
      expect(await store.searchLexical("nonexistentword", { k: 5, principal: everyone })).toEqual([]);
    });

    it("lexical search treats query text as data: odd syntax never errors", async () => {
      const store = await fresh();
      await put(store, mixedDocs().guide);
      const weird = [
        "",
        "   ",
        "'",
        '"release',
        "release OR 1=1",
        "title:release",
        "(((",
        "*",
        "-",
        "\\",
        "'); drop --",
      ];
      for (const q of weird) {
        const hits = await store.searchLexical(q, { k: 5, principal: everyone });
        expect(Array.isArray(hits)).toBe(true);
      }
    });

    it("ACL matrix: no principal ever gets a chunk outside its groups (dense, lexical, getChunk, getDocumentChunks)", async () => {
      const store = await fresh();
      const docs = matrixDocs();
      await put(store, ...docs);
      const total = docs.reduce((n, d) => n + d.chunks.length, 0);
      const query = vec("handbook section");
      for (const p of matrixPrincipals()) {
        const visible = docs.filter((d) => mayRead(p, d.state.acl));
        const expected = visible.map((d) => d.state.docId).sort();
        const opts: SearchOptions = { k: total + 10, principal: p };
        const dense = await store.searchDense(query, opts);
        const lexical = await store.searchLexical("handbook", opts);
        expect(docIds(dense), `dense for ${p.id}`).toEqual(expected);
        expect(docIds(lexical), `lexical for ${p.id}`).toEqual(expected);
        for (const h of [...dense, ...lexical])
          expect(mayRead(p, h.chunk.acl), `acl of hit for ${p.id}`).toBe(true);
        for (const d of docs) {
          const may = mayRead(p, d.state.acl);
          const chunk = await store.getChunk(d.chunks[0]!.id, p);
          expect(chunk?.id, `getChunk ${d.state.path} for ${p.id}`).toBe(may ? d.chunks[0]!.id : undefined);
          const all = await store.getDocumentChunks(d.state.docId, p);
          expect(all.length, `getDocumentChunks ${d.state.path} for ${p.id}`).toBe(may ? d.chunks.length : 0);
        }
      }
    });

    it("filters by kinds and sources inside the ACL", async () => {
      const store = await fresh();
      const { guide, code, config, secret } = mixedDocs();
      await put(store, guide, code, config, secret);
      const dense = (o: Partial<SearchOptions>) =>
        store.searchDense(vec("release"), { k: 50, principal: everyone, ...o }).then(docIds);
      const lexical = (o: Partial<SearchOptions>) =>
        store.searchLexical("release", { k: 50, principal: everyone, ...o }).then(docIds);
      for (const search of [dense, lexical]) {
        expect(await search({ kinds: ["code"] })).toEqual([code.state.docId]);
        expect(await search({ kinds: ["code", "config"] })).toEqual(
          [code.state.docId, config.state.docId].sort(),
        );
        expect(await search({ sources: ["repo"] })).toEqual([code.state.docId, config.state.docId].sort());
        expect(await search({ sources: ["docs"] })).toEqual([guide.state.docId, secret.state.docId].sort());
        expect(await search({ sources: ["docs"], principal: publicOnly })).toEqual([guide.state.docId]);
        expect(await search({ sources: ["docs"], kinds: ["code"] })).toEqual([]);
        expect(await search({ sources: ["nope", "docs' OR '1'='1"] })).toEqual([]);
        // An explicitly empty list allows nothing (it never means "no filter").
        expect(await search({ kinds: [] })).toEqual([]);
        expect(await search({ sources: [] })).toEqual([]);
      }
    });

    it("returns a document's chunks in line order (getDocumentChunks)", async () => {
      const store = await fresh();
      // More chunks than any default page size (10), written out of order.
      const texts = Array.from({ length: 25 }, (_, i) => `paragraph ${i} of a long document`);
      const doc = fixtureDoc({ path: "long.md", acl: ["public"], texts });
      await store.upsert([...doc.chunks].reverse(), [doc.state]);
      const got = await store.getDocumentChunks(doc.state.docId, publicOnly);
      expect(got.map((c) => c.startLine)).toEqual(texts.map((_, i) => i * 10 + 1));
      expect(got.map((c) => c.id)).toEqual(doc.chunks.map((c) => c.id));
    });

    it("stats counts chunks and documents, and listDocuments returns them all", async () => {
      const store = await fresh();
      const docs = matrixDocs();
      await put(store, ...docs);
      expect(await store.stats()).toEqual({
        chunks: docs.reduce((n, d) => n + d.chunks.length, 0),
        documents: docs.length,
      });
      // Listing is not paged: every document comes back.
      expect((await store.listDocuments()).length).toBe(docs.length);
      expect((await store.listDocuments("docs")).length).toBe(docs.length);
    });

    findDocumentsConformance(fresh, put);
  });
}
