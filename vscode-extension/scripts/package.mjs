// Packages the bundle as dist/innersource-assistant.vsix with @vscode/vsce (no node_modules: everything is in
// out/, see .vscodeignore) and prints its size.
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const vsix = path.join(root, "dist", "innersource-assistant.vsix");
mkdirSync(path.dirname(vsix), { recursive: true });
const vsce = path.join(root, "..", "node_modules", "@vscode", "vsce", "vsce");
execFileSync(
  process.execPath,
  [vsce, "package", "--no-dependencies", "--allow-missing-repository", "--skip-license", "--out", vsix],
  { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
);
process.stdout.write(
  `vsix: ${path.relative(process.cwd(), vsix)} ${(statSync(vsix).size / 1024).toFixed(1)} KiB\n`,
);
