// POST /v1/lookup through app.inject over the indexed test corpus: counts and snippets per term, the verbatim
// filter, order and duplicates kept, permission filtering (a restricted mention is invisible), and input limits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp, TestCorpus } from "../testkit/harness.js";
import { bearer, indexCorpus, openTestApp } from "../testkit/harness.js";
import { snippetAround } from "./lookup.js";

const FILES = {
  "docs/billing.md":
    "# Billing client\n\nImport @acme/billing-client to create invoices.\nCall createInvoice with a customer id.\nSet BILLING_API_URL in the environment.\n",
  "docs/invoices.md": "# Invoices\n\nThe createInvoice call retries three times.\n",
  "docs/other.md": "# Billing overview\n\nBilling happens monthly.\n",
  "secret/plan.md": "# Plan\n\ncreateInvoice moves to the ledger service. CANARY-LOOKUP\n",
  "src/invoice.ts": "export function createInvoice(customer: string) {\n  return customer;\n}\n",
};
const ACL = 'default: [public]\nrules:\n  - glob: "secret/**"\n    groups: [security]\n';

describe("POST /v1/lookup", () => {
  let corpus: TestCorpus;
  let t: TestApp;
  beforeAll(async () => {
    corpus = await indexCorpus({ acme: { files: FILES, acl: ACL } });
    t = await openTestApp(corpus);
  });
  afterAll(async () => {
    await t?.close();
    corpus?.cleanup();
  });

  const lookup = (user: string, terms: unknown) =>
    t.app.inject({ method: "POST", url: "/v1/lookup", headers: bearer(user), payload: { terms } });

  const lookupKinds = (user: string, terms: unknown, kinds: unknown) =>
    t.app.inject({ method: "POST", url: "/v1/lookup", headers: bearer(user), payload: { terms, kinds } });

  it("counts every kind by default, only the asked kinds with `kinds` (documentation without the code)", async () => {
    const all = (await lookup("dan", ["createInvoice"])).json();
    expect(all.results[0].count).toBe(3);
    expect(all.results[0].top.map((d: { path: string }) => d.path)).toContain("src/invoice.ts");
    const docs = (await lookupKinds("dan", ["createInvoice"], ["markdown", "text"])).json();
    expect(docs.results[0].count).toBe(2);
    expect(docs.results[0].top.map((d: { path: string }) => d.path)).not.toContain("src/invoice.ts");
    const bad = await lookupKinds("dan", ["createInvoice"], ["binary"]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("INPUT_INVALID");
  });

  it("counts the documents mentioning each term, best first, with a snippet around the mention", async () => {
    const res = await lookupKinds(
      "dan",
      ["createInvoice", "@acme/billing-client", "BILLING_API_URL", "nowhere"],
      ["markdown"],
    );
    expect(res.statusCode).toBe(200);
    const { results } = res.json();
    expect(results.map((r: { term: string; count: number }) => [r.term, r.count])).toEqual([
      ["createInvoice", 2],
      ["@acme/billing-client", 1],
      ["BILLING_API_URL", 1],
      ["nowhere", 0],
    ]);
    const paths = results[0].top.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(["docs/billing.md", "docs/invoices.md"]);
    expect(results[1].top[0]).toMatchObject({ path: "docs/billing.md", title: "Billing client" });
    expect(results[1].top[0].snippet).toContain("@acme/billing-client");
    expect(results[3].top).toEqual([]);
  });

  it("counts only verbatim mentions (BM25 alone would match every chunk about billing)", async () => {
    const { results } = (await lookup("dan", ["billing-client"])).json();
    expect(results[0].count).toBe(1);
  });

  it("filters by the caller's groups: a restricted mention counts only for its readers", async () => {
    const outsider = (await lookupKinds("dan", ["createInvoice"], ["markdown"])).json();
    expect(outsider.results[0].count).toBe(2);
    expect(JSON.stringify(outsider)).not.toContain("CANARY-LOOKUP");
    const insider = (await lookupKinds("bob", ["createInvoice"], ["markdown"])).json();
    expect(insider.results[0].count).toBe(3);
  });

  it("keeps the caller's order and duplicates", async () => {
    const { results } = (await lookup("dan", ["nowhere", "createInvoice", "nowhere"])).json();
    expect(results.map((r: { term: string }) => r.term)).toEqual(["nowhere", "createInvoice", "nowhere"]);
  });

  it("refuses no terms, more than 50, blank ones, and anonymous callers", async () => {
    expect((await lookup("dan", [])).statusCode).toBe(400);
    expect(
      (
        await lookup(
          "dan",
          Array.from({ length: 51 }, (_, i) => `t${i}`),
        )
      ).statusCode,
    ).toBe(400);
    expect((await lookup("dan", ["  "])).json().error.code).toBe("INPUT_INVALID");
    const anon = await t.app.inject({ method: "POST", url: "/v1/lookup", payload: { terms: ["x"] } });
    expect(anon.statusCode).toBe(401);
  });

  it("is listed in /openapi.json", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(Object.keys(doc.paths)).toContain("/v1/lookup");
  });
});

describe("snippetAround", () => {
  it("takes the line before the mention and the next lines, capped", () => {
    expect(snippetAround("a\nb\nuses FOO here\nc\nd", "foo")).toBe("b\nuses FOO here\nc");
    expect(snippetAround("x".repeat(900), "y").length).toBe(400);
  });
});
