// GET /v1/projects over indexed sources: Backstage catalog entities, the README + CODEOWNERS fallback, the `q`
// filter, and permissions (a restricted catalog or README is invisible to outsiders).

import { parseCatalogInfo, parseCodeowners, readmeDescription } from "@isa/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp, TestCorpus } from "../testkit/harness.js";
import { bearer, indexCorpus, openTestApp } from "../testkit/harness.js";

const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing-service
  description: Invoices and payment runs.
spec:
  type: service
  owner: team-billing
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-billing
`;

describe("project discovery helpers", () => {
  it("reads Backstage entities, CODEOWNERS and README descriptions", () => {
    expect(parseCatalogInfo(CATALOG)).toEqual([
      { name: "billing-service", description: "Invoices and payment runs.", owners: ["team-billing"] },
    ]);
    expect(parseCatalogInfo("kind: [unclosed")).toEqual([]);
    expect(parseCodeowners("# owners\n*  @acme/platform  ops@acme.test\n/docs/ @acme/writers\n")).toEqual([
      "@acme/platform",
      "ops@acme.test",
    ]);
    expect(parseCodeowners("/src/ @a\n/docs/ @b @a\n")).toEqual(["@a", "@b"]);
    expect(readmeDescription("# Title\n\n[![ci](x)](y)\n\nThe platform\nmonorepo.\n\nMore.")).toBe(
      "The platform monorepo.",
    );
  });
});

describe("GET /v1/projects", () => {
  let corpus: TestCorpus;
  let t: TestApp;
  beforeAll(async () => {
    corpus = await indexCorpus({
      platform: {
        files: {
          "README.md": "# Platform\n\nShared deployment tooling and runbooks.\n",
          CODEOWNERS: "* @acme/platform\n",
          "docs/deploy.md": "# Deploy\n\nRun the pipeline.\n",
        },
      },
      billing: {
        files: {
          "services/billing/catalog-info.yaml": CATALOG,
          "services/billing/README.md": "# Billing\n\nInvoices.\n",
          "services/billing/docs/runs.md": "# Payment runs\n\nMonthly.\n",
          "README.md": "# Monorepo\n\nMany services.\n",
        },
        acl: 'default: [public]\nrules:\n  - glob: "services/billing/**"\n    groups: [billing]\n',
      },
    });
    t = await openTestApp(corpus);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    corpus?.cleanup();
  });

  const projects = async (user: string, q?: string) => {
    const r = await t.app.inject({
      method: "GET",
      url: "/v1/projects",
      headers: bearer(user),
      ...(q === undefined ? {} : { query: { q } }),
    });
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ projects: { name: string; owners: string[]; docs: string[]; from: string }[] }>()
      .projects;
  };

  it("lists catalog entities to members and the README fallback to everyone", async () => {
    const root = await projects("root");
    expect(root).toEqual([
      {
        name: "billing-service",
        source: "billing",
        path: "services/billing",
        description: "Invoices and payment runs.",
        owners: ["team-billing"],
        docs: ["services/billing/README.md", "services/billing/docs/runs.md"],
        from: "catalog-info",
      },
      {
        name: "platform",
        source: "platform",
        path: "",
        description: "Shared deployment tooling and runbooks.",
        owners: ["@acme/platform"],
        docs: ["README.md", "docs/deploy.md"],
        from: "readme",
      },
    ]);
    const dan = await projects("dan");
    expect(dan.map((p) => [p.name, p.from])).toEqual([
      ["billing", "readme"],
      ["platform", "readme"],
    ]);
    const platform = dan.find((p) => p.name === "platform");
    expect(platform?.owners).toEqual(["@acme/platform"]);
    expect(platform?.docs).toEqual(["README.md", "docs/deploy.md"]);
    expect(JSON.stringify(dan)).not.toContain("billing-service");
    expect(JSON.stringify(dan)).not.toContain("services/billing");
  });

  it("filters by q, and validates it", async () => {
    expect((await projects("dan", "deployment TOOLING")).map((p) => p.name)).toEqual(["platform"]);
    expect(await projects("dan", "nothing-matches")).toEqual([]);
    const r = await t.app.inject({
      method: "GET",
      url: "/v1/projects",
      headers: bearer("dan"),
      query: { q: "x".repeat(201) },
    });
    expect(r.json<{ error: { code: string } }>().error.code).toBe("INPUT_INVALID");
  });
});
