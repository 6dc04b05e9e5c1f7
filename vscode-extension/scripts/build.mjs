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

// zod re-exports every locale (`z.locales`, ~260 KiB minified) from its namespace object, so nothing can tree-shake
// them; the extension only uses the default English messages. Mapping zod's locale index to English alone halves
// both bundles (and the time to load them at activation).
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}zod${path.sep}`)
        ? { path: "zod-locales-en", namespace: "zod-locales" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: root,
    }));
  },
};

const common = {
  bundle: true,
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  plugins: [zodEnglishOnly],
};

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
