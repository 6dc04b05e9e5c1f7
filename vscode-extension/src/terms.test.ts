// Term extraction for lenses: exported symbols per language, package imports (scoped, deep, Go), config keys, and
// what is left out (relative imports, built-ins, private names, minified lines, duplicates, over MAX_TERMS).
import { describe, expect, it } from "vitest";
import { extractTerms, MAX_TERMS, packageOf } from "./terms.js";

const names = (text: string, lang: string) =>
  extractTerms(text, lang).map((t) => `${t.kind}:${t.term}@${t.line}`);

describe("extractTerms", () => {
  it("finds TypeScript exports, package imports and env-style config keys, each once at its first line", () => {
    const ts = [
      'import { charge } from "@acme/billing-client/v2";',
      'import path from "node:path";',
      'import { x } from "./local.js";',
      'const fs = require("fs");',
      "export async function createInvoice(id: string) {",
      "  return process.env.BILLING_API_URL ?? process.env.BILLING_API_URL;",
      "}",
      "export class InvoiceRunner {}",
      "export const DEFAULT_RETRIES = 3;",
      "const hidden = 1;",
    ].join("\n");
    expect(names(ts, "typescript")).toEqual([
      "import:@acme/billing-client@0",
      "symbol:createInvoice@4",
      "config:BILLING_API_URL@5",
      "symbol:InvoiceRunner@7",
      "symbol:DEFAULT_RETRIES@8",
    ]);
    const t = extractTerms(ts, "typescript").find((x) => x.term === "createInvoice");
    expect(t).toMatchObject({ start: 22, end: 35 });
  });

  it("knows Python and Go exports, Go imports, and YAML keys", () => {
    expect(
      names("def rotate_password():\n    pass\ndef _private():\n    pass\nclass Vault:\n", "python"),
    ).toEqual(["symbol:rotate_password@0", "symbol:Vault@4"]);
    expect(
      names(
        'import (\n\t"fmt"\n\t"github.com/acme/ledger/client"\n)\nfunc Rotate() {}\nfunc helper() {}\n',
        "go",
      ),
    ).toEqual(["import:github.com/acme/ledger/client@2", "symbol:Rotate@4"]);
    expect(names("database:\n  host: x\nfeature_flags:\n  new_billing: true\n", "yaml")).toEqual([
      "config:database@0",
      "config:feature_flags@2",
    ]);
  });

  it("skips minified lines and caps the number of terms", () => {
    expect(extractTerms(`export const A_B = 1;${" ".repeat(2100)}`, "typescript")).toEqual([]);
    const many = Array.from({ length: 80 }, (_, i) => `export const NAME_${i} = ${i};`).join("\n");
    expect(extractTerms(many, "typescript")).toHaveLength(MAX_TERMS);
  });
});

describe("packageOf", () => {
  it("reduces a module specifier to its package, and drops relative, absolute and built-in ones", () => {
    expect(packageOf("@acme/billing-client/v2")).toBe("@acme/billing-client");
    expect(packageOf("lodash/fp")).toBe("lodash");
    expect(packageOf("./x")).toBeUndefined();
    expect(packageOf("/abs")).toBeUndefined();
    expect(packageOf("node:fs")).toBeUndefined();
    expect(packageOf("crypto")).toBeUndefined();
  });
});
