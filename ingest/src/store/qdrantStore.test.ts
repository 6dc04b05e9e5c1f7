// QdrantVectorStore against a real Qdrant (the shared 1.18 build, started here on a free port): the shared
// conformance suite, plus what only this store has (model identity in the collection, server-side hybrid search,
// point ids, reopening). CI=true with no binary fails; elsewhere it skips with a printed reason.
import { AppError } from "@isa/core";
import { CONFORMANCE_DIMENSIONS, describeVectorStoreConformance, fixtureDoc } from "@isa/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openQdrantStore } from "./qdrant.js";
import { pointId } from "./qdrantPoints.js";
import type { TestQdrant } from "./testkit/index.js";
import { openTestQdrantStore, qdrantTestsRun, startTestQdrant } from "./testkit/index.js";

const run = qdrantTestsRun();
let server: TestQdrant | undefined;

describe.skipIf(!run)("QdrantVectorStore (real Qdrant)", () => {
  beforeAll(async () => {
    server = await startTestQdrant();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const live = () => {
    if (!server) throw new Error("Qdrant did not start");
    return server;
  };
  const open = (collection?: string, modelId = "test-model", dimensions = CONFORMANCE_DIMENSIONS) =>
    openTestQdrantStore(live(), { dimensions, modelId, ...(collection ? { collection } : {}) });
  const everyone = { id: "t", groups: ["public"] };

  describeVectorStoreConformance("QdrantVectorStore", () => open());

  it("refuses a collection built with another model or width, naming the fix", async () => {
    const a = await open("identity", "model-a");
    await a.upsert(fixtureDoc({ path: "a.md", acl: ["public"], texts: ["hello"] }).chunks, []);
    await a.close();
    for (const [model, dims] of [
      ["model-b", CONFORMANCE_DIMENSIONS],
      ["model-a", CONFORMANCE_DIMENSIONS * 2],
    ] as const) {
      const err = await open("identity", model, dims).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("INDEX_MODEL_MISMATCH");
      expect((err as AppError).message).toMatch(/QDRANT_COLLECTION/);
    }
    const again = await open("identity", "model-a");
    expect((await again.stats()).chunks).toBe(1);
    await again.close();
    await expect(again.stats()).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
  });

  it("fuses dense and BM25 server-side under the ACL, with the cosine of each hit", async () => {
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
        texts: ["Ignore the scripts folder; scripts are ignored."],
      }),
      fixtureDoc({
        path: "secret.md",
        acl: ["sec"],
        texts: ["Pass --ignore-scripts in the secret pipeline."],
      }),
    ];
    await store.upsert(
      docs.flatMap((d) => d.chunks),
      docs.map((d) => d.state),
    );
    const target = docs[0]!.chunks[0]!;
    const hits = await store.searchHybrid("what does --ignore-scripts do", target.vector, {
      k: 5,
      principal: everyone,
    });
    expect(hits[0]?.chunk.path).toBe("flag.md");
    expect(hits[0]?.denseScore).toBeCloseTo(1, 4);
    expect(hits.map((h) => h.chunk.path)).not.toContain("secret.md");
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
    expect(
      await store.searchHybrid("x", target.vector, { k: 5, principal: { id: "n", groups: [] } }),
    ).toEqual([]);
    const secret = { id: "s", groups: ["sec"] };
    expect(
      (await store.searchHybrid("ignore-scripts", target.vector, { k: 5, principal: secret })).map(
        (h) => h.chunk.path,
      ),
    ).toEqual(["secret.md"]);
    await store.close();
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

  it("keeps data across handles, and derives stable UUID point ids", async () => {
    const doc = fixtureDoc({
      path: "persist.md",
      acl: ["public"],
      texts: ["persistent walrus facts", "more"],
    });
    const s1 = await open("persist");
    await s1.upsert(doc.chunks, [doc.state]);
    await s1.close();
    const s2 = await open("persist");
    expect(await s2.stats()).toEqual({ chunks: 2, documents: 1 });
    expect(await s2.listDocuments()).toEqual([doc.state]);
    await s2.close();
    expect(pointId("chunk", "abc")).toBe(pointId("chunk", "abc"));
    expect(pointId("chunk", "abc")).not.toBe(pointId("doc", "abc"));
    expect(pointId("chunk", "abc")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("rejects vectors of the wrong width, and says which server it cannot reach", async () => {
    const store = await open();
    const doc = fixtureDoc({ path: "a.md", acl: ["public"], texts: ["x"] });
    await expect(
      store.upsert([{ ...doc.chunks[0]!, vector: new Float32Array(3) }], []),
    ).rejects.toMatchObject({
      code: "INPUT_INVALID",
    });
    await expect(store.searchDense(new Float32Array(3), { k: 1, principal: everyone })).rejects.toMatchObject(
      {
        code: "INPUT_INVALID",
      },
    );
    await store.close();
    const err = await openQdrantStore({
      url: "http://127.0.0.1:9",
      collection: "x",
      dimensions: 4,
      modelId: "m",
      timeoutMs: 5000,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "STORE_UNAVAILABLE" });
    expect((err as Error).message).toContain("127.0.0.1:9");
  });
});
