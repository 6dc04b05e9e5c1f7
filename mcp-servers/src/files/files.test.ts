// The files server through a real MCP client: tool list and annotations, each tool, line ranges, the acl.yaml
// filter over HTTP (bob lacks `security`, alice has it), and the pathguard's unit-level refusals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FilesTree, HttpFixture } from "../testkit/fixtures.js";
import {
  connectStdio,
  makeFilesTree,
  startFilesHttp,
  stdioReady,
  stdioSkipReason,
  textOf,
} from "../testkit/fixtures.js";
import { checkLexical } from "./pathGuard.js";

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

describe("files server over Streamable HTTP", () => {
  it("lists three read-only tools with truthful annotations", async () => {
    const client = await http.connect("bob-token");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["list_dir", "read_file", "search_files"]);
    for (const t of tools) {
      expect(t.annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        openWorldHint: false,
      });
      expect(t.outputSchema).toBeDefined();
    }
  });

  it("lists, reads line ranges and searches", async () => {
    const client = await http.connect("bob-token");
    const ls = await client.callTool({ name: "list_dir", arguments: { path: "" } });
    const names = (ls.structuredContent as { entries: { name: string }[] }).entries.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(["README.md", "docs", "private", "link-out"]));
    const read = await client.callTool({
      name: "read_file",
      arguments: { path: "README.md", start_line: 3, end_line: 4 },
    });
    expect(read.structuredContent).toMatchObject({ startLine: 3, endLine: 4, totalLines: 4 });
    expect(textOf(read)).toBe("hello from the root\nthird line");
    const found = await client.callTool({
      name: "search_files",
      arguments: { glob: "**/*.md", query: "KUBECTL" },
    });
    expect(found.structuredContent).toMatchObject({ matches: [{ path: "docs/guide.md", line: 3 }] });
    const globOnly = await client.callTool({ name: "search_files", arguments: { glob: "docs/*" } });
    expect((globOnly.structuredContent as { matches: unknown[] }).matches).toEqual([
      { root: "root", path: "docs/guide.md" },
    ]);
  });

  it("hides files acl.yaml reserves for a group from a principal outside it", async () => {
    const bob = await http.connect("bob-token");
    const alice = await http.connect("alice-token");
    const args = { name: "read_file", arguments: { path: "private/keys.md" } };
    const denied = await bob.callTool(args);
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/^NOT_FOUND/);
    expect(textOf(await alice.callTool(args))).toContain("break-glass");
    const search = { name: "search_files", arguments: { query: "break-glass" } };
    expect((await bob.callTool(search)).structuredContent).toMatchObject({ matches: [] });
    expect((await alice.callTool(search)).structuredContent).toMatchObject({
      matches: [{ path: "private/keys.md" }],
    });
    const ls = await bob.callTool({ name: "list_dir", arguments: { path: "private" } });
    expect((ls.structuredContent as { entries: unknown[] }).entries).toEqual([]);
  });

  it("rejects a request without a valid bearer token with 401", async () => {
    await expect(http.connect(undefined)).rejects.toThrow(/401|Unauthorized/);
    await expect(http.connect("wrong-token")).rejects.toThrow(/401|Unauthorized/);
    const res = await fetch(http.listening.url, { method: "POST", body: "{}" });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("refuses foreign Host and Origin headers (DNS rebinding) with 403", async () => {
    const headers = { authorization: "Bearer bob-token", "content-type": "application/json" };
    const init = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
    };
    const evilOrigin = await fetch(http.listening.url, {
      method: "POST",
      headers: { ...headers, origin: "http://evil.example", accept: "application/json, text/event-stream" },
      body: JSON.stringify(init),
    });
    expect(evilOrigin.status).toBe(403);
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        http.listening.url,
        { method: "POST", headers: { ...headers, host: "evil.example" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify(init));
    });
    expect(status).toBe(403);
  });

  it("does not let another principal use a session id", async () => {
    const alice = await http.connect("alice-token");
    await alice.listTools();
    const sid = (alice.transport as { sessionId?: string } | undefined)?.sessionId;
    expect(sid).toBeTruthy();
    const res = await fetch(http.listening.url, {
      method: "POST",
      headers: {
        authorization: "Bearer bob-token",
        "mcp-session-id": sid ?? "",
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: { name: "read_file", arguments: { path: "private/keys.md" } },
      }),
    });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("break-glass");
  });
});

describe.skipIf(!stdioReady)(
  `files server over stdio${stdioReady ? "" : ` — skipped: ${stdioSkipReason}`}`,
  () => {
    it("serves the built bin: list tools, read a file (no ACL for the local user's own process)", async () => {
      const client = await connectStdio(["files", "--root", tree.root]);
      try {
        expect((await client.listTools()).tools).toHaveLength(3);
        const r = await client.callTool({ name: "read_file", arguments: { path: "private/keys.md" } });
        expect(textOf(r)).toContain("break-glass");
      } finally {
        await client.close();
      }
    });
  },
);

describe("pathguard lexical checks", () => {
  it.each([
    ["docs/guide.md", true],
    ["naïve/café.md", true],
    ["日本語/ドキュメント.md", true],
    ["a..b/c", true],
    ["..", false],
    ["%2e%2e", false],
    ["\uff0e\uff0e", false],
    ["a\\b", false],
    ["a\u0000b", false],
  ])("%j accepted: %s", (p, accepted) => {
    if (accepted) expect(checkLexical(p)).toBe(p);
    else expect(() => checkLexical(p)).toThrow();
  });
});
