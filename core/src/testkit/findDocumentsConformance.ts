// The `findDocuments` / `readableSources` part of the VectorStore conformance suite: ACL inside the query, and
// every path condition of DocumentQuery (sources, exact paths, file names, extensions, depth, limit), checked
// against explicit expectations and against the reference semantics in core's documentQuery.ts.
import { expect, it } from "vitest";
import { documentQueryMatches } from "../documentQuery.js";
import type { Principal } from "../domain.js";
import type { DocumentQuery, DocumentState, VectorStore } from "../ports.js";
import type { FixtureDoc } from "./conformanceFixtures.js";
import { fixtureDoc, matrixDocs, matrixPrincipals, mayRead } from "./conformanceFixtures.js";

const pub: Principal = { id: "pub", groups: ["public"] };
const all: Principal = { id: "all", groups: ["public", "secret"] };

/** Two sources; names chosen to trip suffix, case, LIKE-wildcard and quoting mistakes. */
function layoutDocs(): FixtureDoc[] {
  const d = (source: string, path: string, acl: string[] = ["public"]) =>
    fixtureDoc({ source, path, acl, texts: [`text of ${path}`] });
  return [
    d("alpha", "README.md"),
    d("alpha", "catalog-info.yaml"),
    d("alpha", "services/pay/catalog-info.yaml"),
    d("alpha", "services/pay/README.md"),
    d("alpha", "services/pay/docs/deep/guide.MD"),
    d("alpha", "services/vault/catalog-info.yaml", ["secret"]),
    d("alpha", "notcatalog-info.yaml"),
    d("alpha", ".github/CODEOWNERS"),
    d("alpha", "src/main.ts"),
    d("beta", "Readme.markdown"),
    d("beta", "docs/Catalog-Info.YAML"),
    d("beta", "50%_off/file_1.md"),
    d("beta", "o'quote/it's.md"),
    d("gamma", "README.md", ["secret"]),
  ];
}

const keys = (docs: readonly DocumentState[]) => docs.map((x) => `${x.source}:${x.path}`).sort();

export function findDocumentsConformance(
  fresh: () => Promise<VectorStore>,
  put: (store: VectorStore, ...docs: FixtureDoc[]) => Promise<void>,
): void {
  it("findDocuments and readableSources: the ACL matrix holds (filtered inside the query)", async () => {
    const store = await fresh();
    const docs = matrixDocs();
    await put(store, ...docs);
    for (const p of matrixPrincipals()) {
      const want = docs.filter((d) => mayRead(p, d.state.acl)).map((d) => d.state);
      expect(keys(await store.findDocuments({ principal: p })), p.id).toEqual(keys(want));
      expect(await store.readableSources(p), p.id).toEqual(want.length > 0 ? ["docs"] : []);
    }
  });

  it("findDocuments returns whole document states and honours every path condition", async () => {
    const store = await fresh();
    const docs = layoutDocs();
    await put(store, ...docs);
    const got = async (q: Omit<DocumentQuery, "principal">, p: Principal = pub) =>
      keys(await store.findDocuments({ principal: p, ...q }));

    const readme = docs.find((x) => x.state.path === "README.md")!.state;
    expect(await store.findDocuments({ principal: pub, paths: ["README.md"] })).toEqual([readme]);
    expect(await got({ paths: ["README.md"] }, all)).toEqual(["alpha:README.md", "gamma:README.md"]);
    expect(await got({ sources: ["beta"], paths: ["docs/Catalog-Info.YAML", "missing.md"] })).toEqual([
      "beta:docs/Catalog-Info.YAML",
    ]);
    expect(await got({ fileNames: ["catalog-info.yaml"] })).toEqual([
      "alpha:catalog-info.yaml",
      "alpha:services/pay/catalog-info.yaml",
      "beta:docs/Catalog-Info.YAML",
    ]);
    expect(await got({ fileNames: ["CATALOG-INFO.YAML"] }, all)).toContain(
      "alpha:services/vault/catalog-info.yaml",
    );
    expect(await got({ fileNames: ["readme.md", "README.markdown"], depth: { max: 1 } }, all)).toEqual([
      "alpha:README.md",
      "beta:Readme.markdown",
      "gamma:README.md",
    ]);
    expect(await got({ extensions: [".md"], depth: { min: 3 } })).toEqual([
      "alpha:services/pay/README.md",
      "alpha:services/pay/docs/deep/guide.MD",
    ]);
    expect(await got({ extensions: [".md"], depth: { min: 2, max: 2 } })).toEqual([
      "beta:50%_off/file_1.md",
      "beta:o'quote/it's.md",
    ]);
    expect(await got({ sources: ["beta"], paths: ["o'quote/it's.md"] })).toEqual(["beta:o'quote/it's.md"]);
    expect(await got({ fileNames: ["file_1.md"] })).toEqual(["beta:50%_off/file_1.md"]);

    // Lists that are empty, or hold only values that cannot match, match nothing and never error.
    for (const q of [
      { sources: [] },
      { paths: [] },
      { fileNames: [] },
      { extensions: [] },
      { fileNames: ["pay/catalog-info.yaml"] },
      { fileNames: ["%"] },
      { fileNames: ["x' OR true OR 'y"] },
      { paths: ["' OR '1'='1"] },
      { sources: ["alpha') OR true --"] },
      { depth: { min: 9 } },
      { limit: 0 },
    ] satisfies Omit<DocumentQuery, "principal">[]) {
      expect(await got(q, all), JSON.stringify(q)).toEqual([]);
    }
    expect(await store.findDocuments({ principal: { id: "none", groups: [] } })).toEqual([]);

    // Every query agrees with the reference semantics, for each principal.
    const queries: Omit<DocumentQuery, "principal">[] = [
      {},
      { sources: ["alpha", "gamma"] },
      { fileNames: ["README.md", "readme.markdown"] },
      { extensions: [".yaml", ".MD"], depth: { max: 3 } },
      { sources: ["alpha"], extensions: [".md"], depth: { min: 2 } },
      { paths: ["README.md", ".github/CODEOWNERS", "CODEOWNERS"] },
    ];
    for (const p of [pub, all, { id: "secret", groups: ["secret"] }]) {
      for (const q of queries) {
        const want = docs.map((x) => x.state).filter((s) => documentQueryMatches(s, { principal: p, ...q }));
        expect(await got(q, p), `${p.id} ${JSON.stringify(q)}`).toEqual(keys(want));
      }
    }

    // A limit caps the count; the documents are still matches.
    const capped = await got({ extensions: [".md"], limit: 2 }, all);
    expect(capped).toHaveLength(2);
    const mds = await got({ extensions: [".md"] }, all);
    for (const k of capped) expect(mds).toContain(k);
  });

  it("readableSources lists each source holding a document the caller may read, sorted", async () => {
    const store = await fresh();
    await put(store, ...layoutDocs());
    expect(await store.readableSources(pub)).toEqual(["alpha", "beta"]);
    expect(await store.readableSources(all)).toEqual(["alpha", "beta", "gamma"]);
    expect(await store.readableSources({ id: "s", groups: ["secret"] })).toEqual(["alpha", "gamma"]);
    expect(await store.readableSources({ id: "x", groups: ["x' OR true OR 'y"] })).toEqual([]);
  });
}
