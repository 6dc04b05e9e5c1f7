// The MCP server definitions VS Code receives: docs-search always, files and git over the open folders, the
// remote HTTP server when configured (its bearer token added only on resolve), none when switched off, and a
// change event when folders or settings change.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TOKEN_KEY } from "./connection.js";
import { activateWith } from "./extension.js";
import { MCP_PROVIDER_ID } from "./mcp.js";
import { EXTENSION_DIR } from "./testkit/extension.js";
import {
  CancellationTokenSource,
  disposeAll,
  grantTrust,
  McpHttpServerDefinition,
  McpStdioServerDefinition,
  makeContext,
  reset,
  setConfig,
  setWorkspaceFolders,
  state,
} from "./testkit/vscode.js";

let ctx: ReturnType<typeof makeContext>;
beforeEach(() => {
  reset();
  setConfig({ backendUrl: "http://127.0.0.1:1" });
  ctx = makeContext(EXTENSION_DIR, { version: "1.2.3" });
  activateWith(ctx);
});
afterEach(() => disposeAll(ctx));

const provider = () => {
  const p = state.mcpProviders.get(MCP_PROVIDER_ID);
  if (!p) throw new Error("no MCP provider");
  return p;
};
const token = new CancellationTokenSource().token;
const list = async () => (await provider().provideMcpServerDefinitions(token)) ?? [];

describe("MCP server definitions", () => {
  it("start the isa CLI over stdio: docs-search, and files/git over every open folder", async () => {
    setWorkspaceFolders(["/src/handbook", "/src/billing"]);
    const defs = await list();
    expect(defs.every((d) => d instanceof McpStdioServerDefinition)).toBe(true);
    expect(
      defs.map((d) => {
        const s = d as McpStdioServerDefinition;
        return [s.label, s.command, s.args, s.version, s.cwd?.fsPath];
      }),
    ).toEqual([
      [
        "InnerSource docs-search",
        "npx",
        ["--no-install", "isa", "mcp", "docs-search"],
        "1.2.3",
        "/src/handbook",
      ],
      [
        "InnerSource files",
        "npx",
        ["--no-install", "isa", "mcp", "files", "--root", "/src/handbook", "--root", "/src/billing"],
        "1.2.3",
        "/src/handbook",
      ],
      [
        "InnerSource git",
        "npx",
        ["--no-install", "isa", "mcp", "git", "--repo", "/src/handbook", "--repo", "/src/billing"],
        "1.2.3",
        "/src/handbook",
      ],
    ]);
  });

  it("use an installed isa binary as is, and offer only docs-search without folders", async () => {
    setConfig({ "mcp.command": "/opt/isa/bin/isa" });
    const defs = (await list()) as McpStdioServerDefinition[];
    expect(defs.map((d) => [d.command, d.args])).toEqual([["/opt/isa/bin/isa", ["mcp", "docs-search"]]]);
  });

  it("add the remote HTTP server when configured, with the bearer token only when VS Code resolves it", async () => {
    setConfig({ "mcp.url": "https://isa.example.internal/mcp" });
    await ctx.secrets.store(TOKEN_KEY, "secret-token");
    const http = (await list()).find((d) => d instanceof McpHttpServerDefinition) as McpHttpServerDefinition;
    expect(http.uri.toString()).toBe("https://isa.example.internal/mcp");
    expect(http.headers).toEqual({});
    const resolved = (await provider().resolveMcpServerDefinition?.(http, token)) as McpHttpServerDefinition;
    expect(resolved.headers).toEqual({ Authorization: "Bearer secret-token" });
  });

  it("in Restricted Mode offer only the remote server, and the local ones once trust is granted", async () => {
    setWorkspaceFolders(["/src/untrusted"]);
    setConfig({ "mcp.url": "https://isa.example.internal/mcp" });
    state.trusted = false;
    expect((await list()).map((d) => d.label)).toEqual(["InnerSource docs-search (remote)"]);
    let changes = 0;
    provider().onDidChangeMcpServerDefinitions?.(() => changes++);
    grantTrust();
    expect(changes).toBe(1);
    expect((await list()).map((d) => d.label)).toEqual([
      "InnerSource docs-search",
      "InnerSource files",
      "InnerSource git",
      "InnerSource docs-search (remote)",
    ]);
  });

  it("are none when switched off, and VS Code is told when folders or settings change", async () => {
    let changes = 0;
    provider().onDidChangeMcpServerDefinitions?.(() => changes++);
    setWorkspaceFolders(["/src/a"]);
    setConfig({ "mcp.enabled": false });
    expect(changes).toBe(2);
    expect(await list()).toEqual([]);
  });
});
