// GET /v1/owners through the real app (inject) over an indexed corpus: CODEOWNERS from .github/ (GitHub's first
// file), last matching rule, catalog-info.yaml owners and project, lookup by project, and permissions — a rule in a
// file the caller cannot read does not count, and an unreadable path answers exactly like a missing one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp, TestCorpus } from "../testkit/harness.js";
import { bearer, indexCorpus, openTestApp } from "../testkit/harness.js";

const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing-service
spec:
  owner: group:team-billing
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: billing-api
spec:
  owner: group:team-payments
---
kind: Group
metadata:
  name: team-billing
`;

let corpus: TestCorpus;
let t: TestApp;

beforeAll(async () => {
  corpus = await indexCorpus({
    mono: {
      files: {
        // GitHub reads .github/CODEOWNERS first: the root file must be ignored.
        ".github/CODEOWNERS":
          "*   @acme/platform\n/services/billing/  @acme/billing  # billing team\n/services/billing/vendor/\n*.sql dba@acme.test\n",
        CODEOWNERS: "* @acme/ignored\n",
        "README.md": "# Mono\n\nThe monorepo.\n",
        "services/billing/catalog-info.yaml": CATALOG,
        "services/billing/README.md": "# Billing\n\nInvoices.\n",
        "services/billing/api/invoices.ts": "export const invoices = 1;\n",
        "secret/plan.md": "# Plan\n\nTop secret.\n",
        "secret/CODEOWNERS-notes.md": "# notes\n",
      },
      acl: 'default: [public]\nrules:\n  - glob: "services/billing/**"\n    groups: [billing]\n  - glob: "secret/**"\n    groups: [leadership]\n',
    },
    locked: {
      files: { CODEOWNERS: "* @acme/locked-team\n", "a.md": "# A\n\nx\n" },
      acl: "default: [finance]\n",
    },
  });
  t = await openTestApp(corpus);
}, 60_000);
afterAll(async () => {
  await t?.close();
  corpus?.cleanup();
});

/** What CODEOWNERS says for anything under services/billing/ (anyone may read it: it is public). */
const BILLING_CODEOWNERS_RULE = {
  owner: "@acme/billing",
  source: "codeowners",
  rule: "/services/billing/",
  file: ".github/CODEOWNERS",
  repo: "mono",
};

async function owners(user: string, query: Record<string, string>) {
  const r = await t.app.inject({ method: "GET", url: "/v1/owners", headers: bearer(user), query });
  return { status: r.statusCode, body: r.json<{ owners: Record<string, string>[]; project?: unknown }>() };
}

describe("GET /v1/owners", () => {
  it("answers a path with the last matching CODEOWNERS rule and the catalog entities of its folder", async () => {
    const r = await owners("root", { path: "services/billing/api/invoices.ts" });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      owners: [
        BILLING_CODEOWNERS_RULE,
        {
          owner: "group:team-billing",
          source: "catalog",
          rule: "component:billing-service",
          file: "services/billing/catalog-info.yaml",
          repo: "mono",
        },
        {
          owner: "group:team-payments",
          source: "catalog",
          rule: "api:billing-api",
          file: "services/billing/catalog-info.yaml",
          repo: "mono",
        },
      ],
      project: { name: "billing-service", source: "mono", path: "services/billing" },
    });
  });

  it("applies last-match-wins, unowned rules and the source filter", async () => {
    const owned = async (path: string) =>
      (await owners("root", { path, source: "mono" })).body.owners
        .filter((o) => o.source === "codeowners")
        .map((o) => o.owner);
    expect(await owned("README.md")).toEqual(["@acme/platform"]);
    expect(await owned("db/schema.sql")).toEqual(["dba@acme.test"]);
    expect(await owned("services/billing/vendor/lib.js")).toEqual([]);
    expect(await owned("./does/not/exist.md")).toEqual(["@acme/platform"]);
    expect((await owners("root", { path: "README.md", source: "nope" })).body).toEqual({ owners: [] });
  });

  it("counts only ownership files the caller may read, and never confirms a path exists", async () => {
    // dan (public) cannot read the catalog file: only CODEOWNERS (public) speaks, and no project is named.
    const dan = await owners("dan", { path: "services/billing/api/invoices.ts" });
    expect(dan.body).toEqual({
      owners: [BILLING_CODEOWNERS_RULE],
    });
    // An existing unreadable path and a missing one answer identically.
    const hidden = await owners("dan", { path: "secret/plan.md" });
    const missing = await owners("dan", { path: "secret/nothing-here.md" });
    expect(hidden).toEqual(missing);
    // The locked source's CODEOWNERS is finance-only.
    expect(JSON.stringify((await owners("dan", { path: "a.md" })).body)).not.toContain("locked-team");
    expect(JSON.stringify((await owners("carol", { path: "a.md" })).body)).toContain("@acme/locked-team");
  });

  it("answers a project by catalog name or source name; an invisible project is a 404 like a missing one", async () => {
    const p = await owners("alice", { project: "BILLING-SERVICE" });
    expect(p.status).toBe(404);
    const root = await owners("root", { project: "billing-service" });
    expect(root.body.project).toEqual({ name: "billing-service", source: "mono", path: "services/billing" });
    expect(root.body.owners.map((o) => [o.owner, o.source])).toEqual([
      ["group:team-billing", "catalog"],
      ["@acme/billing", "codeowners"],
    ]);
    const mono = await owners("dan", { project: "mono" });
    expect(mono.body).toEqual({
      owners: [
        {
          owner: "@acme/platform",
          source: "codeowners",
          rule: "*",
          file: ".github/CODEOWNERS",
          repo: "mono",
        },
      ],
      project: { name: "mono", source: "mono", path: "" },
    });
    const locked = await owners("dan", { project: "locked" });
    const none = await owners("dan", { project: "no-such-project" });
    expect([locked.status, none.status]).toEqual([404, 404]);
    expect(locked.body).toEqual({
      error: { code: "NOT_FOUND", message: 'No project called "locked" is visible to you.' },
    });
  });

  it("is described in /openapi.json with its query parameters and response schema", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json<{
      paths: Record<string, { get?: { parameters: { name: string }[]; responses: Record<string, unknown> } }>;
    }>();
    const op = doc.paths["/v1/owners"]?.get;
    expect(op?.parameters.map((p) => p.name)).toEqual(["path", "source", "project"]);
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(["200", "401", "404"]));
    expect(JSON.stringify(op?.responses["200"])).toContain("codeowners");
  });

  it("validates its query", async () => {
    const bad: Record<string, string>[] = [
      {},
      { path: "a", project: "b" },
      { path: "../etc/passwd" },
      { path: "x".repeat(1025) },
    ];
    for (const query of bad) {
      const r = await owners("dan", query);
      expect(r.status, JSON.stringify(query)).toBe(400);
    }
    const r = await t.app.inject({ method: "GET", url: "/v1/owners?path=a" });
    expect(r.statusCode).toBe(401);
  });
});
