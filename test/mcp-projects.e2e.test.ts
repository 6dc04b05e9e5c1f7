// docs-search's list_projects against the API's GET /v1/projects, through a real MCP client over Streamable HTTP
// and a real fastify listener, both over the same LanceDB store (ingest's update(), hashing embedder). `acme` has
// two catalog-info.yaml projects, one of them (vault-service) under security/, which only alice's group reads;
// `tools` has no catalog, so its project comes from its README and CODEOWNERS. The MCP answer must be the API's,
// principal by principal and query by query.
import { createAuthenticator, parseTokensFile } from "@isa/auth";
import type { Llm } from "@isa/core";
import { loadConfig, wireProjectsResponseSchema } from "@isa/core";
import { createRuntimeFrom } from "@isa/engine";
import type { DocsFixture } from "@isa/mcp-servers/testkit";
import { startDocsFixture, TOKENS_YAML, textOf } from "@isa/mcp-servers/testkit";
import { buildApp } from "@isa/server";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const catalog = (name: string, description: string, owner: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: ${description}\nspec:\n  owner: ${owner}\n`;

/** /v1/projects never asks the model; a call would be a wiring bug, so it fails loudly. */
const noModel: Llm = {
  modelId: "none",
  // biome-ignore lint/correctness/useYield: a model that must never be called
  async *stream() {
    throw new Error("GET /v1/projects must not call the model");
  },
  async close() {},
};

let docs: DocsFixture;
let bob: Client;
let alice: Client;
let api: FastifyInstance;
let apiUrl: string;

beforeAll(async () => {
  docs = await startDocsFixture(
    {
      "README.md": "# Acme\n\nThe Acme monorepo.\n",
      ".github/CODEOWNERS": "* @acme/platform\n",
      "billing/catalog-info.yaml": catalog("billing-service", "Invoices and payment runs.", "team-billing"),
      "billing/docs/runbook.md": "# Billing runbook\n\nRetry a failed payment run.\n",
      "security/catalog-info.yaml": catalog("vault-service", "The secrets vault.", "group:secops"),
      "security/vault/rotate.md": "# Rotate\n\nRotate the vault keys.\n",
    },
    {
      extraSources: {
        tools: {
          "README.md": "# Tools\n\nDeveloper tooling: linters and release scripts.\n",
          CODEOWNERS: "* @acme/devex\n",
          "docs/release.md": "# Release\n\nRun release.sh.\n",
        },
      },
    },
  );
  ({ bob, alice } = docs);
  // The API over the very same store, with the same tokens as the MCP listener.
  const config = loadConfig({ ISA_LOG_LEVEL: "silent", ISA_RATE_LIMIT_PER_MIN: "100000" });
  const runtime = createRuntimeFrom({ config, store: docs.store, embedder: docs.embedder, llm: noModel });
  api = buildApp(config, {
    runtime,
    authenticator: createAuthenticator({ tokens: parseTokensFile(TOKENS_YAML) }),
  });
  apiUrl = await api.listen({ host: "127.0.0.1", port: 0 });
}, 60_000);
afterAll(async () => {
  await api?.close(); // not runtime.close(): the fixture owns the store
  await docs?.close();
});

type Projects = { projects: { name: string; source: string; path: string; owners: string[] }[] };

async function viaMcp(c: Client, query?: string) {
  const r = await c.callTool({ name: "list_projects", arguments: query === undefined ? {} : { query } });
  expect(r.isError).toBeFalsy();
  return { r, s: r.structuredContent as Projects };
}

async function viaApi(token: string, q?: string): Promise<unknown> {
  const res = await fetch(`${apiUrl}/v1/projects${q === undefined ? "" : `?q=${encodeURIComponent(q)}`}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return wireProjectsResponseSchema.parse(await res.json());
}

describe("list_projects", () => {
  it("is listed read-only, with the API's project record as its output schema", async () => {
    const tool = (await bob.listTools()).tools.find((t) => t.name === "list_projects");
    expect(tool?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(Object.keys(tool?.outputSchema?.properties ?? {})).toEqual(["projects"]);
    const item = JSON.stringify(tool?.outputSchema);
    for (const field of ["name", "source", "path", "description", "owners", "docs", "from"])
      expect(item).toContain(`"${field}"`);
  });

  it("lists catalog projects and a README + CODEOWNERS fallback, with owners, description and docs", async () => {
    const { r, s } = await viaMcp(alice);
    expect(s.projects).toEqual([
      {
        name: "billing-service",
        source: "acme",
        path: "billing",
        description: "Invoices and payment runs.",
        owners: ["team-billing"],
        docs: ["billing/docs/runbook.md"],
        from: "catalog-info",
      },
      {
        name: "vault-service",
        source: "acme",
        path: "security",
        description: "The secrets vault.",
        owners: ["group:secops"],
        docs: ["security/vault/rotate.md"],
        from: "catalog-info",
      },
      {
        name: "tools",
        source: "tools",
        path: "",
        description: "Developer tooling: linters and release scripts.",
        owners: ["@acme/devex"],
        docs: ["README.md", "docs/release.md"],
        from: "readme",
      },
    ]);
    expect(textOf(r)).toContain("vault-service (acme/security; owners: group:secops): The secrets vault.");
  });

  it("a catalog project alice's group may see is invisible to bob, by name, text and query", async () => {
    const all = await viaMcp(bob);
    expect(all.s.projects.map((p) => p.name)).toEqual(["billing-service", "tools"]);
    expect(JSON.stringify(all.r)).not.toContain("vault");
    expect(JSON.stringify(all.r)).not.toContain("secops");
    const asked = await viaMcp(bob, "vault");
    expect(asked.s.projects).toEqual([]);
    expect(textOf(asked.r)).toBe("(none)");
    expect((await viaMcp(alice, "vault")).s.projects.map((p) => p.name)).toEqual(["vault-service"]);
  });

  it("the query filters: every word must match the name, description, owners, source or path", async () => {
    const names = async (q: string) => (await viaMcp(alice, q)).s.projects.map((p) => p.name);
    expect(await names("tooling")).toEqual(["tools"]);
    expect(await names("TEAM-BILLING payment")).toEqual(["billing-service"]);
    // "acme": the source of both catalog projects, and the owner @acme/devex of tools.
    expect(await names("acme")).toEqual(["billing-service", "vault-service", "tools"]);
    expect(await names("security")).toEqual(["vault-service"]); // its folder
    expect(await names("billing vault")).toEqual([]);
    expect(await names("   ")).toHaveLength(3);
  });

  it("answers exactly what GET /v1/projects answers, for each principal and query", async () => {
    const cases: [Client, string, string | undefined][] = [];
    for (const [c, token] of [
      [bob, "bob-token"],
      [alice, "alice-token"],
    ] as const) {
      for (const q of [undefined, "vault", "acme", "devex release", "nothing-matches"])
        cases.push([c, token, q]);
    }
    for (const [c, token, q] of cases) {
      const mcp = (await viaMcp(c, q)).s;
      expect(mcp, `${token} q=${String(q)}`).toEqual(await viaApi(token, q));
    }
    // The comparison is not vacuous: the two principals get different answers from both front doors.
    expect(await viaApi("bob-token")).not.toEqual(await viaApi("alice-token"));
  });
});
