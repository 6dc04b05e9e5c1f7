// The lexical recipe reaches the real LanceDB full-text index: a question in plain words finds a function named in
// camelCase, and a file's path words find its chunks, only when the store indexes them (the ablation's switch).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CONFORMANCE_DIMENSIONS, fixtureDoc } from "@isa/core/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { openLanceStore } from "./index.js";
import type { LexicalOptions } from "./searchText.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function storeWith(lexical?: LexicalOptions) {
  const dir = await mkdtemp(path.join(tmpdir(), "isa-lexical-"));
  dirs.push(dir);
  const store = await openLanceStore({
    dir,
    dimensions: CONFORMANCE_DIMENSIONS,
    modelId: "test-model",
    ...(lexical ? { lexical } : {}),
  });
  const docs = [
    fixtureDoc({
      path: "lib/levels.js",
      acl: ["public"],
      kind: "code",
      texts: ["function assertNoLevelCollisions (a, b) {}"],
    }),
    fixtureDoc({
      path: "lib/serializers/err.js",
      acl: ["public"],
      kind: "code",
      texts: ["function child (bindings) {}"],
    }),
    fixtureDoc({ path: "docs/transports.md", acl: ["public"], texts: ["Send logs to another process."] }),
  ];
  await store.upsert(
    docs.flatMap((d) => d.chunks),
    docs.map((d) => d.state),
  );
  return store;
}

const filter = { k: 5, principal: { id: "t", groups: ["public"] } };
const paths = async (store: Awaited<ReturnType<typeof storeWith>>, q: string) =>
  (await store.searchLexical(q, filter)).map((h) => h.chunk.path);

describe("lexical recipe in the LanceDB store", () => {
  it("finds a camelCase function by its words and a file by its path words (default recipe)", async () => {
    const store = await storeWith();
    expect(await paths(store, "no collisions")).toEqual(["lib/levels.js"]);
    expect(await paths(store, "serializers")).toEqual(["lib/serializers/err.js"]);
    await store.close();
  });

  it("does not without them (the recipe before issue 11)", async () => {
    const store = await storeWith({ splitIdentifiers: false, path: false });
    expect(await paths(store, "no collisions")).toEqual([]);
    expect(await paths(store, "serializers")).toEqual([]);
    await store.close();
  });
});
