// discoverProjects over a real LanceDB store: the documents listed under each project (markdown under its folder,
// shallowest first then by name, at most 20) must be exactly what a full listing would give, including folders
// with gaps in depth, nested catalog projects and documents the caller may not read.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DocumentState, Principal } from "@isa/core";
import { CONFORMANCE_DIMENSIONS, fixtureDoc } from "@isa/core/testkit";
import { openLanceStore } from "@isa/ingest/lance";
import { afterAll, describe, expect, it } from "vitest";
import { discoverProjects } from "./projects.js";

const catalog = (name: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  owner: team-${name}\n`;

/** The rule the store queries must reproduce, written against a full listing. */
function expectedDocs(all: readonly DocumentState[], p: Principal, source: string, dir: string): string[] {
  return all
    .filter((d) => d.source === source && d.acl.some((g) => p.groups.includes(g)))
    .filter((d) => /\.(md|markdown|mdx)$/i.test(d.path) && (dir === "" || d.path.startsWith(`${dir}/`)))
    .map((d) => d.path)
    .sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b))
    .slice(0, 20);
}

describe("discoverProjects documents per project", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it("lists the shallowest readable markdown under each project folder, by name, at most 20", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "isa-projects-"));
    dirs.push(dir);
    const store = await openLanceStore({
      dir: path.join(dir, "lancedb"),
      dimensions: CONFORMANCE_DIMENSIONS,
      modelId: "test",
    });
    const specs: { source: string; path: string; acl?: string[]; text?: string }[] = [
      { source: "mono", path: "services/pay/catalog-info.yaml", text: catalog("pay") },
      { source: "mono", path: "services/pay/sub/catalog-info.yml", text: catalog("pay-sub") },
      { source: "mono", path: "services/pay/Zeta.md" },
      { source: "mono", path: "services/pay/alpha.MD" },
      { source: "mono", path: "services/pay/secret.md", acl: ["hr"] },
      { source: "mono", path: "services/payments/outside.md" },
      { source: "mono", path: "top.md" },
      ...Array.from({ length: 30 }, (_, i) => ({ source: "mono", path: `services/pay/docs/d${i}.md` })),
      ...Array.from({ length: 3 }, (_, i) => ({ source: "mono", path: `services/pay/sub/x/y/z${i}.mdx` })),
      // A gap: markdown at depth 1 and 4 only, and a non-markdown file in between.
      { source: "gappy", path: "README.md", text: "# Gappy\n\nA repository with deep docs.\n" },
      { source: "gappy", path: "src/main.ts" },
      ...Array.from({ length: 4 }, (_, i) => ({ source: "gappy", path: `a/b/c/n${i}.markdown` })),
      { source: "hidden", path: "README.md", acl: ["hr"] },
    ];
    const docs = specs.map((s) =>
      fixtureDoc({
        source: s.source,
        path: s.path,
        acl: s.acl ?? ["public"],
        texts: [s.text ?? `# ${s.path}\n\nSome text.\n`],
      }),
    );
    await store.upsert(
      docs.flatMap((d) => d.chunks),
      docs.map((d) => d.state),
    );
    const all = docs.map((d) => d.state);
    for (const p of [
      { id: "pub", groups: ["public"] },
      { id: "both", groups: ["public", "hr"] },
    ]) {
      const projects = await discoverProjects(store, p);
      expect(projects.map((x) => `${x.source}:${x.path}:${x.name}`)).toEqual([
        "gappy::gappy",
        ...(p.id === "both" ? ["hidden::hidden"] : []),
        "mono:services/pay:pay",
        "mono:services/pay/sub:pay-sub",
      ]);
      for (const x of projects)
        expect(x.docs, `${p.id} ${x.name}`).toEqual(expectedDocs(all, p, x.source, x.path));
      expect(projects.find((x) => x.name === "pay")?.docs).toHaveLength(20);
      expect(projects.find((x) => x.name === "gappy")?.docs).toEqual([
        "README.md",
        "a/b/c/n0.markdown",
        "a/b/c/n1.markdown",
        "a/b/c/n2.markdown",
        "a/b/c/n3.markdown",
      ]);
    }
    expect(
      (await discoverProjects(store, { id: "pub", groups: ["public"] }, "deep")).map((x) => x.name),
    ).toEqual(["gappy"]);
    await store.close();
  });
});
