#!/usr/bin/env node
// The `isa` command: runs the built CLI (backend/cli; `isa mcp …` from mcp-servers).
import { existsSync } from "node:fs";

// `isa mcp …` is served by @isa/mcp-servers (the backend must not depend on it).
const mcp = process.argv[2] === "mcp";
const entry = new URL(
  mcp ? "../mcp-servers/dist/cli/main.js" : "../backend/cli/dist/main.js",
  import.meta.url,
);
if (!existsSync(entry)) {
  process.stderr.write("isa: the CLI is not built yet; run `npm run build` (or `bash scripts/setup.sh`).\n");
  process.exit(1);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(mcp ? 3 : 2));
// Native handles (onnxruntime, llama.cpp, LanceDB) can keep the loop alive: exit explicitly once output is flushed.
process.stdout.write("", () => process.exit(code));
