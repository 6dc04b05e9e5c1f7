// LanceVectorStore: the shared conformance suite, plus what only LanceDB has (model identity on disk, reopening,
// the full-text tokenizer and its unindexed rows).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError } from "@isa/core";
import { CONFORMANCE_DIMENSIONS, describeVectorStoreConformance, fixtureDoc } from "@isa/core/testkit";
import { connect } from "@lancedb/lancedb";
import { afterAll, describe, expect, it } from "vitest";
import { openLanceStore } from "./index.js";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), "isa-lance-"));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const open = async (dir?: string, modelId = "test-model", dimensions = CONFORMANCE_DIMENSIONS) =>
  openLanceStore({ dir: path.join(dir ?? (await tempDir()), "lancedb"), dimensions, modelId });

describeVectorStoreConformance("LanceVectorStore", () => open());

const everyone = { id: "t", groups: ["public"] };

describe("LanceVectorStore specifics", () => {
  it("refuses an index built with another model or width, naming the fix", async () => {
    const dir = await tempDir();
    const a = await open(dir, "model-a");
    await a.upsert(fixtureDoc({ path: "a.md", acl: ["public"], texts: ["hello"] }).chunks, []);
    await a.close();
    for (const [model, dims] of [
      ["model-b", CONFORMANCE_DIMENSIONS],
      ["model-a", CONFORMANCE_DIMENSIONS * 2],
    ] as const) {
      const err = await open(dir, model, dims).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("INDEX_MODEL_MISMATCH");
      expect((err as AppError).message).toMatch(/re-ingest|fresh data dir/i);
    }
    const again = await open(dir, "model-a");
    expect((await again.stats()).chunks).toBe(1);
    await again.close();
  });

  it("keeps data across close and reopen, index included", async () => {
    const dir = await tempDir();
    const doc = fixtureDoc({
      path: "persist.md",
      acl: ["public"],
      texts: ["persistent walrus facts", "more"],
    });
    const s1 = await open(dir);
    await s1.upsert(doc.chunks, [doc.state]);
    await s1.close();
    const s2 = await open(dir);
    expect(await s2.stats()).toEqual({ chunks: 2, documents: 1 });
    expect(await s2.listDocuments()).toEqual([doc.state]);
    const hits = await s2.searchLexical("walrus", { k: 3, principal: everyone });
    expect(hits.map((h) => h.chunk.id)).toEqual([doc.chunks[0]!.id]);
    await s2.close();
    await expect(s2.stats()).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
  });

  it("keeps scalar indexes for document lookups, adding them to an index written without them", async () => {
    const dir = await tempDir();
    const doc = fixtureDoc({ path: "docs/CODEOWNERS", acl: ["public"], texts: ["* @acme/docs"] });
    const s1 = await open(dir);
    await s1.upsert(doc.chunks, [doc.state]);
    await s1.close();
    const indexed = async () => {
      const db = await connect(path.join(dir, "lancedb"));
      const out: string[] = [];
      for (const name of ["chunks", "documents"]) {
        const t = await db.openTable(name);
        for (const i of await t.listIndices()) out.push(`${name}.${i.columns.join(",")}:${i.indexType}`);
        t.close();
      }
      db.close();
      return out.sort();
    };
    const wanted = [
      "chunks.docId:BTree",
      "documents.acl:LabelList",
      "documents.path:BTree",
      "documents.source:BTree",
    ];
    expect(await indexed()).toEqual(expect.arrayContaining(wanted));
    // An index from before these existed: drop them, reopen, and they are back.
    const db = await connect(path.join(dir, "lancedb"));
    for (const name of ["chunks", "documents"]) {
      const t = await db.openTable(name);
      for (const i of await t.listIndices()) if (i.indexType !== "FTS") await t.dropIndex(i.name);
      t.close();
    }
    db.close();
    expect((await indexed()).filter((i) => wanted.includes(i))).toEqual([]);
    const s2 = await open(dir);
    expect(await indexed()).toEqual(expect.arrayContaining(wanted));
    expect(await s2.findDocuments({ principal: everyone, paths: ["docs/CODEOWNERS"] })).toEqual([doc.state]);
    expect(await s2.getDocumentChunks(doc.state.docId, everyone)).toHaveLength(1);
    await s2.close();
  });

  it("finds exact identifiers such as flags and file names, ranked above their loose parts", async () => {
    const store = await open();
    const docs = [
      fixtureDoc({
        path: "flag.md",
        acl: ["public"],
        texts: ["Pass --ignore-scripts to skip lifecycle hooks."],
      }),
      fixtureDoc({
        path: "loose.md",
        acl: ["public"],
        texts: ["Ignore the scripts folder; scripts are ignored here."],
      }),
      fixtureDoc({
        path: "lock.md",
        acl: ["public"],
        texts: ["Commit package-lock.json to the repository."],
      }),
      fixtureDoc({
        path: "pkg.md",
        acl: ["public"],
        texts: ["The package lock is a JSON file; a package has a lock."],
      }),
    ];
    await store.upsert(
      docs.flatMap((d) => d.chunks),
      docs.map((d) => d.state),
    );
    const top = async (q: string) =>
      (await store.searchLexical(q, { k: 4, principal: everyone }))[0]?.chunk.path;
    expect(await top("--ignore-scripts")).toBe("flag.md");
    expect(await top("what does ignore-scripts do")).toBe("flag.md");
    expect(await top("package-lock.json")).toBe("lock.md");
    expect(await top("where is package-lock.json kept?")).toBe("lock.md");
    await store.close();
  });

  it("searches rows written after the last optimise, and forgets replaced and deleted text", async () => {
    const store = await open();
    const a = fixtureDoc({ path: "a.md", acl: ["public"], texts: ["original aardvark text"] });
    await store.upsert(a.chunks, [a.state]);
    await store.flush();
    const b = fixtureDoc({ path: "b.md", acl: ["public"], texts: ["brand new bison text"] });
    await store.upsert(b.chunks, [b.state]);
    expect(
      (await store.searchLexical("bison", { k: 3, principal: everyone })).map((h) => h.chunk.path),
    ).toEqual(["b.md"]);
    await store.upsert([{ ...a.chunks[0]!, text: "rewritten capybara text" }], []);
    expect(await store.searchLexical("aardvark", { k: 3, principal: everyone })).toEqual([]);
    expect((await store.searchLexical("capybara", { k: 3, principal: everyone })).length).toBe(1);
    await store.deleteDocuments([b.state.docId]);
    expect(await store.searchLexical("bison", { k: 3, principal: everyone })).toEqual([]);
    await store.close();
  });

  it("sees tables another handle created after it opened (empty first, then filled)", async () => {
    const dir = await tempDir();
    const reader = await open(dir);
    expect(await reader.stats()).toEqual({ chunks: 0, documents: 0 });
    const writer = await open(dir);
    const doc = fixtureDoc({ path: "late.md", acl: ["public"], texts: ["late llama"] });
    await writer.upsert(doc.chunks, [doc.state]);
    await writer.close();
    expect((await reader.stats()).chunks).toBe(1);
    expect((await reader.searchLexical("llama", { k: 3, principal: everyone })).length).toBe(1);
    await reader.close();
  });

  it("rejects vectors of the wrong width", async () => {
    const store = await open();
    const doc = fixtureDoc({ path: "a.md", acl: ["public"], texts: ["x"] });
    const bad = { ...doc.chunks[0]!, vector: new Float32Array(3) };
    await expect(store.upsert([bad], [])).rejects.toMatchObject({ code: "INPUT_INVALID" });
    await expect(store.searchDense(new Float32Array(3), { k: 1, principal: everyone })).rejects.toMatchObject(
      {
        code: "INPUT_INVALID",
      },
    );
    await store.close();
  });
});
