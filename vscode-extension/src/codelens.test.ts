// CodeLens and hover lookups against a real backend: which terms get a lens and what it says (count, owner), one
// batched /v1/lookup per document version (cached), a debounce that a new edit cancels before any request, the
// off switch, and hovers that only read what the lenses fetched.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type * as vscode from "vscode";
import { OPEN_DOCS_COMMAND } from "./codelens.js";
import type { ExtensionApi } from "./extension.js";
import { activateSignedIn, type SignedIn, useBackend } from "./testkit/extension.js";
import {
  CancellationTokenSource,
  disposeAll,
  FakeTextDocument,
  type MarkdownString,
  Position,
  setConfig,
  state,
  Uri,
} from "./testkit/vscode.js";

const FILES = {
  CODEOWNERS: "* @acme/platform\n/docs/billing/ @acme/billing-team\n",
  "docs/billing/client.md":
    "# Billing client\n\nImport @acme/billing-client to create invoices.\nCall createInvoice with a customer id.\nSet BILLING_API_URL to the billing endpoint.\n",
  "docs/billing/retries.md": "# Retries\n\ncreateInvoice retries three times before it gives up.\n",
  "docs/other.md": "# Other\n\nNothing about invoices here.\n",
  // Code mentioning the symbols is not documentation: it must not raise the lens counts below.
  "src/billing.ts": "export function createInvoice(customer: string) {\n  return charge(customer);\n}\n",
};

const SOURCE = [
  'import { charge } from "@acme/billing-client";',
  'import { helper } from "./helper.js";',
  "",
  "export function createInvoice(customer: string) {",
  "  return charge(process.env.BILLING_API_URL, customer);",
  "}",
  "",
  "export const unknownThing = 1;",
].join("\n");

const backend = useBackend({ acme: { files: FILES } });

let ctx: SignedIn["ctx"];
let api: ExtensionApi;
let rec: SignedIn["rec"];
beforeEach(async () => {
  ({ ctx, api, rec } = await activateSignedIn({
    backendUrl: backend.url,
    user: "dan",
    codeLensDebounceMs: 50,
  }));
  rec.calls.length = 0;
});
afterEach(() => disposeAll(ctx));

const doc = () => new FakeTextDocument(Uri.file("/ws/src/billing.ts"), SOURCE, "typescript");
const lookups = () => rec.calls.filter((c) => c.path === "/v1/lookup");
const lenses = (d: vscode.TextDocument, token = new CancellationTokenSource().token) =>
  api.lenses.provideCodeLenses(d, token);

describe("lenses", () => {
  it("sit above the terms the index knows, with the doc count and the top document's owner", async () => {
    const got = await lenses(doc());
    const byLine = got.map((l) => [l.range.start.line, l.command?.title]);
    expect(byLine).toEqual([
      [0, "📖 Docs (1) · Owner: @acme/billing-team"],
      [3, "📖 Docs (2) · Owner: @acme/billing-team"],
      [4, "📖 Docs (1) · Owner: @acme/billing-team"],
    ]);
    const createInvoice = got[1];
    expect(createInvoice?.command?.command).toBe(OPEN_DOCS_COMMAND);
    expect(createInvoice?.command?.arguments?.[0]).toBe("createInvoice");
    // One batched lookup for all terms of the file, the relative import left out.
    expect(lookups()).toHaveLength(1);
    expect(JSON.parse(lookups()[0]?.body ?? "")).toEqual({
      terms: ["@acme/billing-client", "createInvoice", "BILLING_API_URL", "unknownThing"],
      kinds: ["markdown", "text"],
    });
  });

  it("are cached per document version: asking again costs nothing, an edit looks up once more", async () => {
    const d = doc();
    await lenses(d);
    await lenses(d);
    await lenses(d);
    expect(lookups()).toHaveLength(1);
    d.edit(`${SOURCE}\n// edited`);
    await lenses(d);
    expect(lookups()).toHaveLength(2);
    expect(api.lenses.lookups).toBe(2);
  });

  it("are debounced: an edit that cancels the pending request sends nothing for the old version", async () => {
    const d = doc();
    const first = new CancellationTokenSource();
    const pending = lenses(d, first.token);
    d.edit(`${SOURCE}\n// typing`);
    first.cancel(); // what VS Code does when the document changes again
    expect(await pending).toEqual([]);
    const got = await lenses(d);
    expect(got).toHaveLength(3);
    expect(lookups()).toHaveLength(1);
  });

  it("open the top document through the openDocs command", async () => {
    const [lens] = await lenses(doc());
    setConfig({ sourceUrlTemplate: "https://git.example.com/{source}/{path}#L{startLine}" });
    await state.commands.get(OPEN_DOCS_COMMAND)?.(...(lens?.command?.arguments ?? []));
    expect(state.opened.at(-1)?.toString()).toBe("https://git.example.com/acme/docs/billing/client.md#L1");
  });

  it("are off with the setting, and come back when it is turned on", async () => {
    setConfig({ "codeLens.enabled": false });
    expect(await lenses(doc())).toEqual([]);
    expect(lookups()).toHaveLength(0);
    setConfig({ "codeLens.enabled": true });
    expect(await lenses(doc())).toHaveLength(3);
  });

  it("are empty (and not cached) when the backend is unreachable", async () => {
    setConfig({ backendUrl: "http://127.0.0.1:1" });
    expect(await lenses(doc())).toEqual([]);
    setConfig({ backendUrl: backend.url });
    expect(await lenses(doc())).toHaveLength(3);
  });
});

describe("hover", () => {
  it("shows the best snippet for a known term once the lenses have it, and never looks up by itself", async () => {
    const d = doc();
    const token = new CancellationTokenSource().token;
    expect(await api.lenses.provideHover(d, new Position(3, 20), token)).toBeUndefined();
    expect(lookups()).toHaveLength(0);
    await lenses(d);
    const hover = await api.lenses.provideHover(d, new Position(3, 20), token);
    const md = hover?.contents[0] as MarkdownString;
    expect(md.value).toContain("`createInvoice`");
    expect(md.value).toContain("createInvoice");
    expect(md.value).toContain(`command:${OPEN_DOCS_COMMAND}?`);
    expect(md.isTrusted).toEqual({ enabledCommands: [OPEN_DOCS_COMMAND] });
    expect(await api.lenses.provideHover(d, new Position(7, 15), token)).toBeUndefined(); // unknownThing
  });
});
