#!/usr/bin/env node
// The `isa-mcp` command (also `isa mcp …`): runs the built MCP servers from mcp-servers/dist. Writes nothing to
// stdout itself: over stdio, stdout belongs to the protocol.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("isa mcp: the MCP servers are not built yet; run `npm run build`.\n");
  process.exit(1);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
// Native handles (onnxruntime, LanceDB) can keep the loop alive: exit once output is flushed.
process.stdout.write("", () => process.exit(code));
