// Table-driven containment test for the files server through a real MCP client: every hostile path is refused
// with a tool error (isError), nothing outside the root leaks, and the server keeps answering. Runs over
// Streamable HTTP (always) and stdio (needs the build).
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FilesTree, HttpFixture } from "../testkit/fixtures.js";
import {
  connectStdio,
  makeFilesTree,
  SECRET,
  startFilesHttp,
  stdioReady,
  stdioSkipReason,
  textOf,
} from "../testkit/fixtures.js";

function hostilePaths(t: FilesTree): string[] {
  const { work, root, outside } = t;
  return [
    // traversal
    "..",
    "../",
    "../outside/secret.txt",
    "../../etc/passwd",
    "../root-evil/secret.txt",
    "docs/../../outside/secret.txt",
    "./../outside/secret.txt",
    "docs/./../../outside/secret.txt",
    "docs/..",
    "/..",
    "..//outside/secret.txt",
    "docs/../../../../../../../../etc/passwd",
    // absolute paths outside the root
    "/etc/passwd",
    "/etc/shadow",
    "//etc/passwd",
    "/proc/self/environ",
    "/proc/self/root/etc/passwd",
    "/proc/self/cwd/package.json",
    "/dev/zero",
    "/dev/random",
    "/dev/stdin",
    "/root/.ssh/id_rsa",
    `${outside}/secret.txt`,
    `${work}/root-evil/secret.txt`,
    `${root}-evil/secret.txt`,
    `${root}/../outside/secret.txt`,
    `${root}/link-out/secret.txt`,
    `${root}/link-out-file`,
    work,
    "/",
    // percent-encoding
    "%2e%2e/outside/secret.txt",
    "%2e%2e%2foutside%2fsecret.txt",
    "..%2foutside/secret.txt",
    "%2E%2E/%2E%2E/etc/passwd",
    "%252e%252e/outside/secret.txt",
    "..%c0%afoutside/secret.txt",
    "..%5coutside%5csecret.txt",
    "docs%2f..%2f..%2foutside%2fsecret.txt",
    ".%2e/outside/secret.txt",
    "%2fetc%2fpasswd",
    "%00",
    "docs/guide.md%00.txt",
    // Unicode look-alikes
    "\uff0e\uff0e/outside/secret.txt",
    "\uff0e\uff0e\uff0foutside\uff0fsecret.txt",
    "..\uff0foutside\uff0fsecret.txt",
    "..\u2215outside\u2215secret.txt",
    "..\u2044outside\u2044secret.txt",
    "\u2025/outside/secret.txt",
    "\ufe52\ufe52/outside/secret.txt",
    "\u2024\u2024/outside/secret.txt",
    "..\uff3coutside\uff3csecret.txt",
    "..\u29f8outside",
    "\uff0fetc\uff0fpasswd",
    "docs/\ufe52\ufe52/\ufe52\ufe52/outside",
    // NUL and control characters
    "docs/guide.md\u0000.txt",
    "\u0000",
    "../outside\u0000/secret.txt",
    "docs/\nguide.md",
    "docs\r/guide.md",
    "\u007f",
    "docs/\u0085guide.md",
    "\ud800",
    // backslashes
    "..\\outside\\secret.txt",
    "..\\..\\etc\\passwd",
    "docs\\..\\..\\outside\\secret.txt",
    "\\etc\\passwd",
    // symbolic links that leave the root
    "link-out",
    "link-out/secret.txt",
    "link-out-file",
    "docs/rel-link-out",
    "link-out/../outside/secret.txt",
    "dev-zero",
    "loop-a",
    "loop-b/x",
    // special and oversized files
    "fifo",
    "big.txt",
    "bin.dat",
    // home and misc
    "~/.ssh/id_rsa",
    "~root/.bashrc",
    "~",
    "a/".repeat(2100),
    ".../...//secret.txt",
    "no/such/file.txt",
  ];
}

const SEARCH_GLOBS = [
  "../**",
  "../outside/*",
  "**/../../outside/*",
  "/etc/*",
  "..",
  "%2e%2e/*",
  "\uff0e\uff0e/*",
];

interface Case {
  readonly tool: string;
  readonly args: Record<string, unknown>;
  /** A successful answer is acceptable (it still must not leak). */
  readonly mayAnswer?: boolean;
}

function cases(t: FilesTree): Case[] {
  const out: Case[] = [];
  for (const p of hostilePaths(t)) {
    out.push({ tool: "read_file", args: { path: p } });
    if (!["big.txt", "bin.dat", "fifo"].includes(p)) out.push({ tool: "list_dir", args: { path: p } });
  }
  for (const glob of SEARCH_GLOBS) out.push({ tool: "search_files", args: { glob, query: "secret" } });
  // Not an error (the walk never follows links) but must find nothing outside.
  out.push({ tool: "search_files", args: { glob: "link-out/**", query: "secret" }, mayAnswer: true });
  out.push({ tool: "search_files", args: { query: "TOP-SECRET" }, mayAnswer: true });
  out.push({ tool: "read_file", args: { path: "README.md", root: "../outside" } });
  out.push({ tool: "read_file", args: { path: "secret.txt", root: "outside" } });
  out.push({ tool: "list_dir", args: { path: ".", root: "root-evil" } });
  out.push({ tool: "read_file", args: { path: 42 } });
  out.push({ tool: "read_file", args: { path: ["../outside/secret.txt"] } });
  out.push({ tool: "read_file", args: { path: { p: "../outside/secret.txt" } } });
  out.push({ tool: "read_file", args: { path: "README.md", start_line: -1 } });
  out.push({ tool: "read_file", args: { path: "README.md", start_line: 1e12 } });
  return out;
}

async function expectRefusedAll(client: Client, t: FilesTree, skip: readonly string[] = []): Promise<number> {
  let refused = 0;
  const all = cases(t).filter((c) => !skip.includes(String(c.args.path)));
  for (const [i, c] of all.entries()) {
    let text: string;
    let isError: boolean;
    try {
      const r = await client.callTool({ name: c.tool, arguments: c.args });
      text = textOf(r) + JSON.stringify(r.structuredContent ?? {});
      isError = r.isError === true;
    } catch (err) {
      // Argument-schema violations may surface as JSON-RPC errors; that is a refusal too.
      text = String(err);
      isError = true;
    }
    expect(text, `${c.tool} ${JSON.stringify(c.args).slice(0, 120)}`).not.toContain(SECRET);
    expect(text).not.toMatch(/root:x:0:0/);
    if (!c.mayAnswer)
      expect(isError, `${c.tool} ${JSON.stringify(c.args).slice(0, 120)} → ${text.slice(0, 200)}`).toBe(true);
    refused++;
    if (i % 25 === 0) await client.ping();
  }
  // Still alive and still correct after the whole table.
  const ok = await client.callTool({ name: "read_file", arguments: { path: "docs/guide.md" } });
  expect(ok.isError).toBeFalsy();
  expect(textOf(ok)).toContain("kubectl");
  return refused;
}

describe("files server containment (table-driven)", () => {
  let tree: FilesTree;
  let http: HttpFixture;

  beforeAll(async () => {
    tree = makeFilesTree();
    http = await startFilesHttp(tree);
  });
  afterAll(async () => {
    await http?.close();
    tree?.cleanup();
  });

  it("has at least 100 hostile cases", () => {
    process.stderr.write(`files hostile cases: ${cases(tree).length}\n`);
    expect(cases(tree).length).toBeGreaterThanOrEqual(100);
  });

  it("refuses every hostile path over Streamable HTTP and keeps answering", async () => {
    const client = await http.connect("bob-token");
    const n = await expectRefusedAll(client, tree);
    expect(n).toBe(cases(tree).length);
  });

  it.skipIf(!stdioReady)(
    `refuses every hostile path over stdio${stdioReady ? "" : ` — skipped: ${stdioSkipReason}`}`,
    async () => {
      const client = await connectStdio(["files", "--root", tree.root]);
      try {
        // No --max-file-bytes on the CLI: big.txt (200 kB) is under the CLI's cap, so drop it from this run.
        const n = await expectRefusedAll(client, tree, ["big.txt"]);
        expect(n).toBeGreaterThanOrEqual(100);
      } finally {
        await client.close();
      }
    },
  );

  it("follows a symbolic link that stays inside the root", async () => {
    const client = await http.connect("bob-token");
    const r = await client.callTool({ name: "read_file", arguments: { path: "link-in" } });
    expect(r.isError).toBeFalsy();
    expect(textOf(r)).toContain("Deploy guide");
    const abs = await client.callTool({
      name: "read_file",
      arguments: { path: path.join(tree.root, "README.md") },
    });
    expect(textOf(abs)).toContain("hello from the root");
  });
});
