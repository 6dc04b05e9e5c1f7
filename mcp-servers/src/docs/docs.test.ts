// The docs-search server through a real MCP client over Streamable HTTP, on a temp corpus indexed with ingest's
// update() into LanceDB with the deterministic hashing embedder (no model needed). The permission matrix: bob
// (public only) can neither find nor read the `security` document through any tool, resource or prompt; alice can.
import { contentId } from "@isa/core";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DocsFixture, startDocsFixture } from "../testkit/docsFixture.js";
import { textOf } from "../testkit/fixtures.js";
import { docUri } from "./docsServer.js";

const MARKER = "BREAKGLASS-VAULT-PATH-7731";
const SECRET_ID = contentId("acme", "security/break-glass.md");
let docs: DocsFixture;
let bob: Client;
let alice: Client;

beforeAll(async () => {
  docs = await startDocsFixture({
    "docs/deploy.md":
      "# Deploying\n\nDeploy the billing service with kubectl rollout.\n\n## Rollback\n\nUse kubectl rollout undo.\n",
    "security/break-glass.md": `# Break-glass token\n\nThe break-glass token for production lives at ${MARKER} in vault.\n`,
  });
  ({ bob, alice } = docs);
});
afterAll(async () => {
  await docs?.close();
});

describe("docs-search server", () => {
  it("lists its tools (with output schemas), the document template and the prompt", async () => {
    const { tools } = await bob.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "get_document",
      "list_projects",
      "search_docs",
      "who_owns",
    ]);
    const search = tools.find((t) => t.name === "search_docs");
    expect(search?.outputSchema?.properties).toHaveProperty("results");
    expect(search?.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    const { resourceTemplates } = await bob.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(["isa://doc/{id}"]);
    expect((await bob.listPrompts()).prompts.map((p) => p.name)).toEqual(["ask_with_sources"]);
  });

  it("search_docs returns cited snippets as structuredContent", async () => {
    const r = await bob.callTool({
      name: "search_docs",
      arguments: { query: "how do I roll back a deploy", k: 3 },
    });
    expect(r.isError).toBeFalsy();
    const results = (r.structuredContent as { results: { path: string; startLine: number; uri: string }[] })
      .results;
    expect(results[0]).toMatchObject({
      path: "docs/deploy.md",
      uri: expect.stringMatching(/^isa:\/\/doc\//),
    });
    expect(results[0]?.startLine).toBeGreaterThanOrEqual(1);
    const scoped = await bob.callTool({
      name: "search_docs",
      arguments: { query: "deploy", project: "nope" },
    });
    expect((scoped.structuredContent as { results: unknown[] }).results).toEqual([]);
  });

  it("a principal without the group cannot find or read the restricted document through any tool", async () => {
    const search = await bob.callTool({
      name: "search_docs",
      arguments: { query: "break-glass token vault", k: 10 },
    });
    expect(JSON.stringify(search)).not.toContain(MARKER);
    expect(JSON.stringify(search)).not.toContain("security/break-glass.md");
    const aliceSearch = await alice.callTool({
      name: "search_docs",
      arguments: { query: "break-glass token vault" },
    });
    expect(JSON.stringify(aliceSearch)).toContain(MARKER);

    const byId = await bob.callTool({ name: "get_document", arguments: { id: SECRET_ID } });
    const missing = await bob.callTool({ name: "get_document", arguments: { id: "0".repeat(32) } });
    expect(byId.isError).toBe(true);
    expect(textOf(byId)).toBe(textOf(missing)); // no existence leak
    const byPath = await bob.callTool({
      name: "get_document",
      arguments: { path: "security/break-glass.md" },
    });
    expect(byPath.isError).toBe(true);
    const byPathSrc = await bob.callTool({
      name: "get_document",
      arguments: { path: "security/break-glass.md", source: "acme" },
    });
    expect(byPathSrc.isError).toBe(true);
    for (const r of [byId, byPath, byPathSrc]) expect(JSON.stringify(r)).not.toContain(MARKER);
    const aliceDoc = await alice.callTool({
      name: "get_document",
      arguments: { path: "security/break-glass.md" },
    });
    expect(textOf(aliceDoc)).toContain(MARKER);

    const projects = async (c: Client) =>
      (
        (await c.callTool({ name: "list_projects", arguments: {} })).structuredContent as {
          projects: unknown[];
        }
      ).projects;
    // No catalog-info.yaml: the source is the project, and its docs are the readable Markdown files.
    const acme = { name: "acme", source: "acme", path: "", owners: [], from: "readme" };
    expect(await projects(bob)).toEqual([{ ...acme, docs: ["docs/deploy.md"] }]);
    expect(await projects(alice)).toEqual([{ ...acme, docs: ["docs/deploy.md", "security/break-glass.md"] }]);
  });

  it("resources are permission-filtered: list and read", async () => {
    const uri = docUri(SECRET_ID);
    const bobList = (await bob.listResources()).resources.map((r) => r.uri);
    expect(bobList).not.toContain(uri);
    expect(bobList).toHaveLength(1);
    expect((await alice.listResources()).resources.map((r) => r.uri)).toContain(uri);
    await expect(bob.readResource({ uri })).rejects.toThrow(/not found/i);
    await expect(bob.readResource({ uri: "isa://doc/%E0%A4%A" })).rejects.toThrow(/not found/i);
    const read = await alice.readResource({ uri });
    expect(JSON.stringify(read.contents)).toContain(MARKER);
  });

  it("the ask_with_sources prompt only fences in readable sources", async () => {
    const args = { name: "ask_with_sources", arguments: { question: "Where is the break-glass token?" } };
    const bobPrompt = await bob.getPrompt(args);
    expect(JSON.stringify(bobPrompt)).not.toContain(MARKER);
    const alicePrompt = await alice.getPrompt(args);
    const text = JSON.stringify(alicePrompt);
    expect(text).toContain(MARKER);
    expect(text).toContain("[1]");
  });
});
