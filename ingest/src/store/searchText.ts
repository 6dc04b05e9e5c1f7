// What the full-text index sees, and how a query is shaped to match it.
//
// LanceDB's "simple" tokenizer splits on punctuation, so `--ignore-scripts` is indexed as `ignore` + `scripts`
// and `package-lock.json` as `package` + `lock` + `json`: an exact identifier gets no more weight than its common
// parts. We append a squashed form of every punctuated identifier (`ignorescripts`, `packagelockjson`) to the
// indexed text, and do the same to the query, so an exact identifier match adds one rare, high-IDF term.
// (Lance's own `split_identifiers`/`preserve_original` tokenizer options are not exposed by @lancedb/lancedb 0.37.)

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

/** Words joined by `-`, `_`, `.`, `/`, `:` or `@`: flags, file names, scoped packages, config keys. */
const IDENTIFIER = /[\p{L}\p{N}]+(?:[-_./:@][\p{L}\p{N}]+)+/gu;
const PUNCTUATION = /[^\p{L}\p{N}]+/gu;

/** The squashed forms of the punctuated identifiers in `text`, lowercase, each once. */
export function identifierTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const m of text.matchAll(IDENTIFIER)) terms.add(m[0].toLowerCase().replace(PUNCTUATION, ""));
  return [...terms];
}

/** The indexed text of a chunk: title and heading path carry much of what a chunk is about. */
export function searchText(chunk: Pick<Chunk, "title" | "headingPath" | "text">): string {
  const base = `${chunk.title}\n${chunk.headingPath.join(" / ")}\n${chunk.text}`;
  const extra = identifierTerms(base);
  return extra.length > 0 ? `${base}\n${extra.join(" ")}` : base;
}

/** A user query shaped like `searchText`; empty when it holds no word at all. */
export function lexicalQuery(query: string): string {
  const q = query.trim();
  if (!/[\p{L}\p{N}]/u.test(q)) return "";
  const extra = identifierTerms(q);
  return extra.length > 0 ? `${q} ${extra.join(" ")}` : q;
}
