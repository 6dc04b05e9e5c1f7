// Bundles the extension with esbuild: the extension host entry (CommonJS, `vscode` external, @isa/core inlined
// from its TypeScript sources, so no `tsc -b` is needed first) and the webview script (browser IIFE). The webview
// only needs @isa/core's wire schemas, so it maps the package to that one module (the rest is Node-side code).
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const core = path.join(root, "..", "core", "src");
const out = path.join(root, "out");
mkdirSync(out, { recursive: true });

const common = { bundle: true, minify: true, legalComments: "none", logLevel: "warning" };

await build({
  ...common,
  entryPoints: [path.join(root, "src", "extension.ts")],
  outfile: path.join(out, "extension.cjs"),
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["vscode"],
  alias: { "@isa/core": path.join(core, "index.ts") },
});

await build({
  ...common,
  entryPoints: [path.join(root, "src", "webview", "ui", "main.ts")],
  outfile: path.join(out, "webview.js"),
  platform: "browser",
  format: "iife",
  target: "chrome120",
  alias: { "@isa/core": path.join(core, "client", "wire.ts") },
});
copyFileSync(path.join(root, "src", "webview", "ui", "style.css"), path.join(out, "webview.css"));

for (const f of ["extension.cjs", "webview.js", "webview.css"]) {
  process.stdout.write(`out/${f}: ${(statSync(path.join(out, f)).size / 1024).toFixed(1)} KiB\n`);
}
