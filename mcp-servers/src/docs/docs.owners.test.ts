// docs-search's who_owns and paginated resources/list through a real MCP client over Streamable HTTP, on a temp
// corpus (ingest's update() into LanceDB with the hashing embedder). bob reads public documents only; alice also
// reads `security`, where a catalog-info.yaml and a CODEOWNERS-governed file live.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DocsFixture, startDocsFixture } from "../testkit/docsFixture.js";
import { textOf } from "../testkit/fixtures.js";

const PAGE = 7;
const PUBLIC_NOTES = 23;
let docs: DocsFixture;
let bob: Client;
let alice: Client;

beforeAll(async () => {
  const notes = Array.from({ length: PUBLIC_NOTES }, (_, i) => [
    `notes/n${String(i).padStart(2, "0")}.md`,
    `# Note ${i}\n\nNote ${i}.\n`,
  ]);
  docs = await startDocsFixture(
    {
      ".github/CODEOWNERS":
        "* @acme/platform\n/security/ @acme/secops\n/security/vault/ @acme/vault-admins\n",
      "security/catalog-info.yaml":
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: vault-service\nspec:\n  owner: group:secops\n",
      "security/vault/rotate.md": "# Rotate\n\nRotate the vault keys.\n",
      ...Object.fromEntries(notes),
    },
    { resourcesPageSize: PAGE },
  );
  ({ bob, alice } = docs);
}, 60_000);
afterAll(async () => {
  await docs?.close();
});

type Owners = { owners: { owner: string; source: string; rule?: string }[]; project?: { name: string } };
const whoOwns = async (c: Client, args: Record<string, string>) => {
  const r = await c.callTool({ name: "who_owns", arguments: args });
  return { r, s: r.structuredContent as Owners };
};

describe("who_owns", () => {
  it("is listed read-only with an output schema", async () => {
    const tool = (await bob.listTools()).tools.find((t) => t.name === "who_owns");
    expect(tool?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(Object.keys(tool?.outputSchema?.properties ?? {}).sort()).toEqual(["owners", "project"]);
  });

  it("answers a path from the last matching CODEOWNERS rule and the catalog of its folder", async () => {
    const { r, s } = await whoOwns(alice, { path: "security/vault/rotate.md" });
    expect(r.isError).toBeFalsy();
    expect(s.owners.map((o) => [o.owner, o.source, o.rule])).toEqual([
      ["@acme/vault-admins", "codeowners", "/security/vault/"],
      ["group:secops", "catalog", "component:vault-service"],
    ]);
    expect(s.project).toMatchObject({ name: "vault-service", path: "security" });
    expect(textOf(r)).toContain("@acme/vault-admins");
    expect((await whoOwns(bob, { path: "notes/n01.md" })).s.owners.map((o) => o.owner)).toEqual([
      "@acme/platform",
    ]);
  });

  it("tells bob nothing from the restricted catalog, and the same for an existing and a missing path", async () => {
    const hidden = await whoOwns(bob, { path: "security/vault/rotate.md" });
    const missing = await whoOwns(bob, { path: "security/vault/no-such-file.md" });
    expect(hidden.s).toEqual(missing.s);
    expect(JSON.stringify(hidden.r)).not.toContain("vault-service");
    expect(JSON.stringify(hidden.r)).not.toContain('secops"');
    // CODEOWNERS itself is public: its pattern applies, without saying whether the file exists.
    expect(hidden.s.owners.map((o) => o.owner)).toEqual(["@acme/vault-admins"]);
  });

  it("answers a project by name; an invisible one is refused like a missing one", async () => {
    expect((await whoOwns(alice, { project: "vault-service" })).s.owners[0]).toMatchObject({
      owner: "group:secops",
      source: "catalog",
    });
    const hidden = await whoOwns(bob, { project: "vault-service" });
    const missing = await whoOwns(bob, { project: "nope-service" });
    expect(hidden.r.isError).toBe(true);
    expect(textOf(hidden.r)).toBe(textOf(missing.r).replace("nope-service", "vault-service"));
    const both = await whoOwns(bob, { path: "a", project: "b" });
    expect(both.r.isError).toBe(true);
    expect(textOf(both.r)).toMatch(/^INPUT_INVALID/);
    const traversal = await whoOwns(bob, { path: "../../etc/passwd" });
    expect(textOf(traversal.r)).toMatch(/^INPUT_INVALID/);
  });
});

describe("resources/list pagination", () => {
  async function all(c: Client) {
    const pages: number[] = [];
    const uris: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await c.listResources(cursor === undefined ? {} : { cursor });
      pages.push(page.resources.length);
      uris.push(...page.resources.map((r) => r.name));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { pages, uris };
  }

  it("walks every readable document once, page by page, in order", async () => {
    // bob: 23 notes + .github/CODEOWNERS (acl.yaml is not indexed).
    const b = await all(bob);
    expect(b.pages).toEqual([7, 7, 7, 3]);
    expect(new Set(b.uris).size).toBe(24);
    expect(b.uris).toEqual([...b.uris].sort((x, y) => x.localeCompare(y)));
    expect(b.uris.some((u) => u.includes("security/"))).toBe(false);
    const a = await all(alice);
    expect(a.uris.length).toBe(26);
    expect(a.uris).toContain("acme/security/vault/rotate.md");
  });

  it("rejects a forged cursor with InvalidParams", async () => {
    await expect(bob.listResources({ cursor: "not a cursor!" })).rejects.toThrow(/Invalid cursor/);
    await expect(bob.listResources({ cursor: Buffer.from("{}").toString("base64url") })).rejects.toThrow(
      /Invalid cursor/,
    );
  });
});
