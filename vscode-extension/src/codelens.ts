// CodeLens and hover doc lookups: the terms of a file (terms.ts) are looked up in one batched POST /v1/lookup per
// document version, after a debounce, cancelled when the document changes again; results are cached per version so
// scrolling, re-rendering and hovers cost nothing. A lens "📖 Docs (n) · Owner: team" sits above each term the
// index knows and opens its top documents; the hover shows the best snippet. Nothing here runs on the typing path:
// VS Code asks for lenses asynchronously and every wait honours its cancellation token.
import type { DocumentKind, LookupDoc, LookupResult } from "@isa/core";
import { toAppError } from "@isa/core";
import * as vscode from "vscode";
import type { Connection } from "./connection.js";
import type { Logger } from "./sidebar.js";
import type { Term } from "./terms.js";
import { extractTerms } from "./terms.js";

export const OPEN_DOCS_COMMAND = "innersource.openDocs";

export interface LensEntry {
  readonly term: Term;
  readonly result: LookupResult;
  readonly owner?: string;
}

interface CacheSlot {
  readonly version: number;
  readonly entries: Promise<LensEntry[] | undefined>;
  settled?: LensEntry[];
}

export interface DocLensOptions {
  /** Quiet time after the last edit before looking up (default 500 ms). */
  readonly debounceMs?: number;
  /** Distinct top documents whose owners are fetched per file (default 10). */
  readonly maxOwnerLookups?: number;
}

/** Waits `ms` unless the token is cancelled first; true when the wait completed. */
function quiet(ms: number, token: vscode.CancellationToken): Promise<boolean> {
  if (token.isCancellationRequested) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      sub.dispose();
      resolve(true);
    }, ms);
    const sub = token.onCancellationRequested(() => {
      clearTimeout(timer);
      sub.dispose();
      resolve(false);
    });
  });
}

/** What a "📖 Docs" lens counts. */
const DOC_KINDS: readonly DocumentKind[] = ["markdown", "text"];

const ownerLabel = (o: string) => o.replace(/^group:/, "").replace(/^(?:default\/)/, "");

export class DocLensProvider implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly cache = new Map<string, CacheSlot>();
  private readonly owners = new Map<string, Promise<string | undefined>>();
  private readonly subs: vscode.Disposable[] = [];
  /** Batched lookups sent (the bench and tests read it). */
  lookups = 0;

  constructor(
    private readonly connection: Connection,
    private readonly log: Logger,
    private readonly opts: DocLensOptions = {},
  ) {
    this.subs.push(
      connection.onDidChange(() => this.refresh()),
      vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())),
    );
  }

  /** Drops every cached result and asks VS Code for fresh lenses. */
  refresh(): void {
    this.cache.clear();
    this.owners.clear();
    this.changed.fire();
  }

  private get enabled(): boolean {
    return this.connection.settings.codeLensEnabled;
  }

  /** Lens entries for this document version: cached, else looked up after the debounce (undefined if cancelled). */
  entries(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<LensEntry[] | undefined> {
    const key = doc.uri.toString();
    const slot = this.cache.get(key);
    if (slot && slot.version === doc.version) return slot.entries;
    const entries = this.compute(doc, token);
    const fresh: CacheSlot = { version: doc.version, entries };
    this.cache.set(key, fresh);
    void entries.then(
      (e) => {
        // A cancelled or failed computation is not a result: the next request computes again.
        if (e === undefined) {
          if (this.cache.get(key) === fresh) this.cache.delete(key);
        } else fresh.settled = e;
      },
      () => this.cache.delete(key),
    );
    return entries;
  }

  private async compute(
    doc: vscode.TextDocument,
    token: vscode.CancellationToken,
  ): Promise<LensEntry[] | undefined> {
    if (!(await quiet(this.opts.debounceMs ?? 500, token))) return undefined;
    const terms = extractTerms(doc.getText(), doc.languageId);
    if (terms.length === 0) return [];
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      const client = await this.connection.client();
      this.lookups++;
      // "Docs" means documentation: code that merely mentions the symbol (the file itself first of all) is not
      // counted, or every export would show "Docs (1)" pointing back at its own definition.
      const results = await client.lookup(
        terms.map((t) => t.term),
        { signal: controller.signal, kinds: DOC_KINDS },
      );
      const known = terms.flatMap((term, i) => {
        const result = results[i];
        return result && result.count > 0 ? [{ term, result }] : [];
      });
      const max = this.opts.maxOwnerLookups ?? 10;
      const docs = [
        ...new Map(
          known.flatMap((k) => k.result.top.slice(0, 1)).map((d) => [`${d.source}\0${d.path}`, d]),
        ).values(),
      ].slice(0, max);
      const ownerOf = new Map(
        await Promise.all(
          docs.map(
            async (d) => [`${d.source}\0${d.path}`, await this.ownerOf(d, controller.signal)] as const,
          ),
        ),
      );
      return known.map((k) => {
        const top = k.result.top[0];
        const owner = top ? ownerOf.get(`${top.source}\0${top.path}`) : undefined;
        return owner ? { ...k, owner } : k;
      });
    } catch (err) {
      if (!token.isCancellationRequested) this.log.warn(`Doc lookup failed: ${toAppError(err).message}`);
      return undefined;
    } finally {
      sub.dispose();
    }
  }

  private ownerOf(d: LookupDoc, signal: AbortSignal): Promise<string | undefined> {
    const key = `${d.source}\0${d.path}`;
    let p = this.owners.get(key);
    if (!p) {
      p = (async () => {
        try {
          const res = await (await this.connection.client()).owners(
            { path: d.path, source: d.source },
            { signal },
          );
          const first = res.owners[0]?.owner;
          return first ? ownerLabel(first) : undefined;
        } catch {
          this.owners.delete(key); // not cached: a later request may succeed
          return undefined;
        }
      })();
      this.owners.set(key, p);
    }
    return p;
  }

  async provideCodeLenses(
    doc: vscode.TextDocument,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeLens[]> {
    if (!this.enabled) return [];
    const entries = await this.entries(doc, token);
    if (!entries || token.isCancellationRequested) return [];
    return entries.map((e) => {
      const range = new vscode.Range(e.term.line, e.term.start, e.term.line, e.term.end);
      return new vscode.CodeLens(range, {
        title: lensTitle(e),
        tooltip: `Documents mentioning ${e.term.term}: ${e.result.top.map((d) => d.path).join(", ")}`,
        command: OPEN_DOCS_COMMAND,
        arguments: [e.term.term, e.result.top],
      });
    });
  }

  async provideHover(
    doc: vscode.TextDocument,
    pos: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    if (!this.enabled) return undefined;
    const slot = this.cache.get(doc.uri.toString());
    // Hovers read what the lenses fetched; they never start a lookup of their own.
    const entries = slot && slot.version === doc.version ? slot.settled : undefined;
    if (!entries || token.isCancellationRequested) return undefined;
    const word = doc.getWordRangeAtPosition(pos, /[@\w$./-]+/);
    const text = word ? doc.getText(word) : "";
    const hit = entries.find(
      (e) =>
        (e.term.line === pos.line && pos.character >= e.term.start && pos.character <= e.term.end) ||
        (text !== "" && (text === e.term.term || text.startsWith(`${e.term.term}/`))),
    );
    const best = hit?.result.top[0];
    if (!hit || !best) return undefined;
    return new vscode.Hover(hoverMarkdown(hit, best), word);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

export function lensTitle(e: Pick<LensEntry, "result" | "owner">): string {
  return `📖 Docs (${e.result.count})${e.owner ? ` · Owner: ${e.owner}` : ""}`;
}

export function hoverMarkdown(e: LensEntry, best: LookupDoc): vscode.MarkdownString {
  const m = new vscode.MarkdownString(undefined, true);
  m.isTrusted = { enabledCommands: [OPEN_DOCS_COMMAND] };
  m.appendMarkdown(`**📖 ${e.result.count} doc${e.result.count === 1 ? "" : "s"} mention** `);
  m.appendMarkdown(`\`${e.term.term.replace(/`/g, "")}\``);
  if (e.owner) m.appendMarkdown(` · Owner: \`${e.owner.replace(/`/g, "")}\``);
  m.appendMarkdown("\n\n");
  m.appendCodeblock(best.snippet, "markdown");
  const args = encodeURIComponent(JSON.stringify([e.term.term, [best]]));
  m.appendMarkdown(
    `\n[${best.title.replace(/[[\]]/g, "") || best.path}](command:${OPEN_DOCS_COMMAND}?${args})`,
  );
  m.appendMarkdown(` — \`${best.path}:${best.startLine}\``);
  return m;
}
