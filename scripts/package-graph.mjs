#!/usr/bin/env node
// The workspace dependency graph, generated from the package manifests (runtime dependencies; dev dependencies
// dashed), as a Mermaid flowchart or JSON. docs/architecture.md embeds its output.
//   node scripts/package-graph.mjs [--json | --docs]      (--docs rewrites the graph in docs/architecture.md)
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const rootPkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));

/** Every workspace: its name, folder, and the workspaces it depends on (runtime and dev). */
export function workspaceGraph() {
  const pkgs = rootPkg.workspaces.map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(path.join(root, dir, "package.json"), "utf8")),
  }));
  const names = new Set(pkgs.map((p) => p.manifest.name));
  return pkgs.map(({ dir, manifest }) => ({
    name: manifest.name,
    dir,
    deps: Object.keys(manifest.dependencies ?? {}).filter((d) => names.has(d)),
    devDeps: Object.keys(manifest.devDependencies ?? {}).filter((d) => names.has(d)),
  }));
}

/** The graph as a Mermaid flowchart. */
export function mermaid(graph = workspaceGraph()) {
  const id = (n) => n.replace(/[@/-]/g, "_");
  const lines = ["flowchart LR"];
  for (const p of graph) lines.push(`  ${id(p.name)}["${p.name}<br/><small>${p.dir}</small>"]`);
  for (const p of graph) {
    for (const d of p.deps) lines.push(`  ${id(p.name)} --> ${id(d)}`);
    for (const d of p.devDeps) lines.push(`  ${id(p.name)} -. test .-> ${id(d)}`);
  }
  return lines.join("\n");
}

export const DOCS = path.join(root, "docs", "architecture.md");
const BLOCK = /(<!-- package-graph:start -->\n```mermaid\n)[\s\S]*?(\n```\n<!-- package-graph:end -->)/;

/** The graph embedded in docs/architecture.md (undefined when the markers are missing). */
export function documentedGraph() {
  const m = BLOCK.exec(readFileSync(DOCS, "utf8"));
  return m
    ? readFileSync(DOCS, "utf8").slice(m.index + m[1].length, m.index + m[0].length - m[2].length)
    : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--json")) {
    process.stdout.write(`${JSON.stringify(workspaceGraph(), null, 2)}\n`);
  } else if (process.argv.includes("--docs")) {
    writeFileSync(
      DOCS,
      readFileSync(DOCS, "utf8").replace(BLOCK, (_m, a, b) => `${a}${mermaid()}${b}`),
    );
  } else {
    process.stdout.write(`${mermaid()}\n`);
  }
}
