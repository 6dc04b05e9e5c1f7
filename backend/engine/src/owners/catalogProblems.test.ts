// A malformed catalog-info.yaml is reported with its path and reason (once per reason), listed until it parses.
import { describe, expect, it } from "vitest";
import { catalogProblems, onCatalogProblem, parseCatalogEntities } from "./catalog.js";

describe("catalog problems", () => {
  it("reports bad YAML and entities without a name, by path; a good parse clears the file", () => {
    const seen: string[] = [];
    const off = onCatalogProblem((p) => seen.push(`${p.path} ${p.reason}`));
    expect(
      parseCatalogEntities("kind: Component\nmetadata: {name: [unclosed\n", "acme:a/catalog-info.yaml"),
    ).toEqual([]);
    parseCatalogEntities("kind: Component\nmetadata: {name: [unclosed\n", "acme:a/catalog-info.yaml");
    parseCatalogEntities("kind: Component\nmetadata: {}\n", "acme:b/catalog-info.yaml");
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatch(/^acme:a\/catalog-info\.yaml document 1: /);
    expect(seen[1]).toBe("acme:b/catalog-info.yaml document 1: no metadata.name");
    expect(catalogProblems().map((p) => p.path)).toEqual([
      "acme:a/catalog-info.yaml",
      "acme:b/catalog-info.yaml",
    ]);
    parseCatalogEntities("kind: Component\nmetadata: {name: ok}\n", "acme:a/catalog-info.yaml");
    expect(catalogProblems().map((p) => p.path)).toEqual(["acme:b/catalog-info.yaml"]);
    off();
  });
});
