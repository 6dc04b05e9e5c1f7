#!/usr/bin/env node
// The workspace dependency graph, generated from the package manifests (runtime dependencies; dev dependencies
// dashed), as a Mermaid flowchart or JSON. docs/architecture.md embeds its output.
//   node scripts/package-graph.mjs [--json]
import { readFileSync } from "node:fs";
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const graph = workspaceGraph();
  if (process.argv.includes("--json")) {
    process.stdout.write(`${JSON.stringify(graph, null, 2)}\n`);
  } else {
    const id = (n) => n.replace(/[@/-]/g, "_");
    const lines = ["flowchart LR"];
    for (const p of graph) lines.push(`  ${id(p.name)}["${p.name}<br/><small>${p.dir}</small>"]`);
    for (const p of graph) {
      for (const d of p.deps) lines.push(`  ${id(p.name)} --> ${id(d)}`);
      for (const d of p.devDeps) lines.push(`  ${id(p.name)} -. test .-> ${id(d)}`);
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  }
}
