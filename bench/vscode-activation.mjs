#!/usr/bin/env node
// Activation time of the VS Code extension: the bundled out/extension.cjs (what the .vsix ships) is required and
// activate() called against the extension's typed test double of the `vscode` API (bundled here with esbuild), so
// the figure is the extension's own cost: parsing the bundle and wiring every provider, with no VS Code around it.
// Each run is one fresh Node process (nothing cached), as each VS Code window's extension host loads the extension
// once. Prints p50/p95, the bundle and .vsix sizes and the machine's load average, then one JSON line.
//
// Usage: node bench/vscode-activation.mjs [--runs 30]   (builds the bundle first; no backend needed)
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const repo = path.resolve(import.meta.dirname, "..");
const ext = path.join(repo, "vscode-extension");
const { values } = parseArgs({
  options: { runs: { type: "string", default: "30" } },
});

execFileSync(process.execPath, [path.join(ext, "scripts", "build.mjs")], { stdio: "ignore" });
const bundle = path.join(ext, "out", "extension.cjs");
const tmp = mkdtempSync(path.join(tmpdir(), "isa-vscode-bench-"));
const double = path.join(tmp, "vscode-double.cjs");
await build({
  entryPoints: [path.join(ext, "src", "testkit", "vscode.ts")],
  outfile: double,
  bundle: true,
  platform: "node",
  format: "cjs",
  logLevel: "warning",
});

// One run: the double is loaded first (not timed), then require(bundle) + activate() are timed.
const runner = path.join(tmp, "run.cjs");
writeFileSync(
  runner,
  `const Module = require("node:module");
const double = require(${JSON.stringify(double)});
const load = Module._load;
Module._load = function (request, ...rest) { return request === "vscode" ? double : load.call(this, request, ...rest); };
const runs = Number(process.argv[2] ?? 1);
const times = [];
for (let i = 0; i < runs; i++) {
  double.reset();
  double.setConfig({ backendUrl: "http://127.0.0.1:1", "mcp.enabled": true });
  const ctx = double.makeContext(${JSON.stringify(ext)}, { version: "bench" });
  delete require.cache[${JSON.stringify(bundle)}];
  const t0 = performance.now();
  const ext = require(${JSON.stringify(bundle)});
  ext.activate(ctx);
  times.push(performance.now() - t0);
  double.disposeAll(ctx);
}
process.stdout.write(JSON.stringify(times));
process.exit(0);
`,
);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const f = (ms) => `${ms.toFixed(2)} ms`;

const cold = [];
for (let i = 0; i < Number(values.runs); i++) {
  cold.push(...JSON.parse(execFileSync(process.execPath, [runner, "1"], { encoding: "utf8" })));
}
rmSync(tmp, { recursive: true, force: true });

const vsix = path.join(ext, "dist", "innersource-assistant.vsix");
const sizes = {
  bundleBytes: statSync(bundle).size,
  webviewBytes: statSync(path.join(ext, "out", "webview.js")).size,
  vsixBytes: existsSync(vsix) ? statSync(vsix).size : null,
};
const load = loadavg().map((l) => l.toFixed(1));
console.log(
  `VS Code extension activation (require bundle + activate(), typed vscode double); load average ${load.join(" ")}`,
);
console.log(`  cold (fresh process) n=${cold.length}: p50 ${f(pct(cold, 50))}  p95 ${f(pct(cold, 95))}`);
console.log(
  `  out/extension.cjs ${(sizes.bundleBytes / 1024).toFixed(1)} KiB, out/webview.js ${(sizes.webviewBytes / 1024).toFixed(1)} KiB, .vsix ${sizes.vsixBytes === null ? "not built (npm run package -w vscode-extension)" : `${(sizes.vsixBytes / 1024).toFixed(1)} KiB`}`,
);
console.log(
  JSON.stringify({
    coldP50Ms: pct(cold, 50),
    coldP95Ms: pct(cold, 95),
    ...sizes,
    loadAverage1m: Number(load[0]),
  }),
);
