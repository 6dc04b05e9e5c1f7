// What the full-text index sees, and how a query is shaped to match it.
//
// LanceDB's "simple" tokenizer splits on punctuation, so `--ignore-scripts` is indexed as `ignore` + `scripts`
// and `package-lock.json` as `package` + `lock` + `json`: an exact identifier gets no more weight than its common
// parts. We append a squashed form of every punctuated identifier (`ignorescripts`, `packagelockjson`) to the
// indexed text, and do the same to the query, so an exact identifier match adds one rare, high-IDF term.
// The tokenizer keeps a camelCase name whole (`assertNoLevelCollisions` is one term), so a question that says
// "level collisions" never meets it: we also append the words of camelCase and PascalCase names (`assert no level
// collisions`), keeping the whole name too, and the words of the chunk's file path (`lib/transport-stream.js`), which
// often names what a source file is about. (Lance's own `split_identifiers`/`preserve_original` tokenizer options are
// not exposed by @lancedb/lancedb 0.37.) Measured in backend/README.md ("Code retrieval ablation").

import type { Chunk } from "@isa/core";
import type { FtsOptions } from "@lancedb/lancedb";

/** Tokenizer settings of the `search_text` index. These are 0.37's defaults, spelled out so an upgrade cannot change them silently. */
export const FTS_OPTIONS: Partial<FtsOptions> = {
  baseTokenizer: "simple",
  language: "English",
  lowercase: true,
  stem: true,
  removeStopWords: true,
  asciiFolding: true,
  maxTokenLength: 40,
  // No phrase queries are issued, so positions would only make the index bigger.
  withPosition: false,
};

/** What is added to the indexed text (and the query) beside the raw words. Both default to on. */
export interface LexicalOptions {
  /** Append the words of camelCase/PascalCase names (`levelVal` → `level val`). */
  readonly splitIdentifiers?: boolean;
  /** Index the chunk's file path (its words, squashed form and split identifiers). */
  readonly path?: boolean;
}

/** The recipe every store uses unless told otherwise (the ablation turns parts off). */
export const DEFAULT_LEXICAL: Required<LexicalOptions> = { splitIdentifiers: true, path: true };

/** Words joined by `-`, `_`, `.`, `/`, `:` or `@`: flags, file names, scoped packages, config keys. */
const IDENTIFIER = /[\p{L}\p{N}]+(?:[-_./:@][\p{L}\p{N}]+)+/gu;
const PUNCTUATION = /[^\p{L}\p{N}]+/gu;
/** A run of letters and digits: what the tokenizer sees as one term. */
const WORD = /[\p{L}\p{N}]+/gu;
/** Boundaries inside a camelCase word: `levelVal` → level|Val, `HTTPServer` → HTTP|Server, `utf8Encode` → utf8|Encode. */
const CAMEL_BOUNDARY = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;

/** The squashed forms of the punctuated identifiers in `text`, lowercase, each once. */
export function identifierTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const m of text.matchAll(IDENTIFIER)) terms.add(m[0].toLowerCase().replace(PUNCTUATION, ""));
  return [...terms];
}

/**
 * The words of the camelCase and PascalCase names in `text`, lowercase, each name once: `assertNoLevelCollisions`
 * gives `assert no level collisions`. Words with one case (`pino`, `DEFAULT`) give nothing: the tokenizer has them.
 */
export function identifierWords(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(WORD)) {
    const w = m[0];
    if (w.length < 4 || w === w.toLowerCase() || w === w.toUpperCase()) continue;
    const parts = w.split(CAMEL_BOUNDARY);
    if (parts.length > 1) out.add(parts.join(" ").toLowerCase());
  }
  return [...out];
}

function extras(text: string, opts: LexicalOptions): string[] {
  const terms = identifierTerms(text);
  if (opts.splitIdentifiers ?? DEFAULT_LEXICAL.splitIdentifiers) terms.push(...identifierWords(text));
  return terms;
}

/** The indexed text of a chunk: title, heading path (and file path) carry much of what a chunk is about. */
export function searchText(
  chunk: Pick<Chunk, "title" | "headingPath" | "text"> & { readonly path?: string },
  opts: LexicalOptions = DEFAULT_LEXICAL,
): string {
  const withPath = (opts.path ?? DEFAULT_LEXICAL.path) && chunk.path ? `${chunk.path}\n` : "";
  const base = `${withPath}${chunk.title}\n${chunk.headingPath.join(" / ")}\n${chunk.text}`;
  const extra = extras(base, opts);
  return extra.length > 0 ? `${base}\n${extra.join(" ")}` : base;
}

/** A user query shaped like `searchText`; empty when it holds no word at all. */
export function lexicalQuery(query: string, opts: LexicalOptions = DEFAULT_LEXICAL): string {
  const q = query.trim();
  if (!/[\p{L}\p{N}]/u.test(q)) return "";
  const extra = extras(q, opts);
  return extra.length > 0 ? `${q} ${extra.join(" ")}` : q;
}
