// Answerability: is what the question specifically asks about present in the evidence that will be quoted (or given
// to the model)? Similar evidence is not enough: "rotate the production password" retrieves the staging runbook,
// which is close in every word but one. The check reads which of the question's terms are specific from the store's
// own lexical index (how many chunks mention them), never from word lists, so it works on any corpus:
//   - names (backticked spans and their words, flags, camelCase, dotted/hyphenated identifiers, ALL-CAPS,
//     capitalised words inside a sentence) are specific when the corpus mentions them; a name the corpus never
//     mentions is specific only when written as code or as an option (`npm token rotate`, --frozen-lockfile,
//     mfa=webauthn): the asker's own names ("@acme", "libs/ui") are not things the sources could have covered;
//   - other content words are specific when the corpus mentions them rarely (at most `maxShare` of the chunks) and
//     some document is about them (the word is in a document's title or path, like "production" in
//     deploy-to-production.md): a word the corpus never uses is the asker's own vocabulary ("leaked"), and one no
//     title uses is phrasing ("actually", "turn on"), not a qualifier the sources could have covered.
// A term is covered when any quoted document mentions it (a question may compare two commands). Measured on the
// npm-docs and near-miss eval sets: backend/README.md, "Answerability".
import type { Principal, ScoredChunk, SearchOptions } from "@isa/core";
import { keyTerms } from "./abstain.js";
import { terms } from "./terms.js";

/** What the check reads from the store (a VectorStore fits). */
export interface AnswerabilityIndex {
  searchLexical(query: string, opts: SearchOptions): Promise<ScoredChunk[]>;
  stats?(): Promise<{ readonly chunks: number }>;
}

export interface AskedTerm {
  /** As the question writes it (named in the answer when not covered). */
  readonly text: string;
  /** Matching form: a stemmed word, or a squashed name. */
  readonly key: string;
  readonly name: boolean;
  /** Written in backticks by the asker. */
  readonly code?: boolean;
}

export interface TermCheck extends AskedTerm {
  /** Chunks (of the caller's readable ones, up to the lexical candidates read) that mention the term. */
  readonly df: number;
  readonly specific: boolean;
  readonly covered: boolean;
}

export interface Answerability {
  readonly terms: readonly TermCheck[];
  /** Specific terms no quoted document mentions. */
  readonly missing: readonly AskedTerm[];
  /** The question's terms (specific or not) some quoted document mentions: none means nothing relevant was found. */
  readonly covered: readonly AskedTerm[];
}

export interface AnswerabilityOptions {
  /** A content word is specific when at most this share of the index's chunks mention it. Default 0.15. */
  readonly maxShare?: number;
  /** Lexical candidates read per term (the document frequency is counted among them). Default 100. */
  readonly candidates?: number;
}

/** The documents an answer quotes, primary (best quote's) first: their ids, and what the quoted chunks say. */
export interface EvidenceDocument {
  readonly docId: string;
  readonly text: string;
}

export const DEFAULT_MAX_SHARE = 0.15;
const DEFAULT_CANDIDATES = 100;

/** Lower-cased, with separators dropped: `pg-staging-01`, `PG_STAGING_01` and "pg staging 01" meet. */
export const squash = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

/**
 * The question's terms to check: its names (each of a multi-word code span's words counts as a name: in
 * `npm token rotate` the subcommand is as specific as a flag), then its other content words, stemmed.
 */
export function askedTerms(question: string): AskedTerm[] {
  const out = new Map<string, AskedTerm>();
  const addName = (text: string, code = false) => {
    const key = squash(text);
    if (key.length >= 2 && !out.has(`n:${key}`)) out.set(`n:${key}`, { text, key, name: true, code });
  };
  const spans = [...question.matchAll(/`([^`\n]{1,80})`/g)].map((m) => (m[1] ?? "").trim());
  for (const n of keyTerms(question))
    addName(
      n,
      spans.some((sp) => sp.includes(n)),
    );
  // An option in prose (--frozen-lockfile) is a name, written as the asker wrote it.
  for (const m of question.replace(/`[^`\n]*`/g, " ").matchAll(/(?<!\S)--?\p{L}[\p{L}\p{N}-]*/gu))
    addName(m[0]);
  // A hyphenated compound in prose (`payments-gateway`) names one thing, and is checked as one: its parts may each
  // appear somewhere ("payments", "gateway") without the thing existing.
  for (const m of question
    .replace(/`[^`\n]*`/g, " ")
    .matchAll(/(?<![\p{L}\p{N}-])\p{L}[\p{L}\p{N}]*(?:-[\p{L}\p{N}]+)+/gu))
    addName(m[0]);
  for (const span of spans) {
    if (!/\s/.test(span)) continue;
    for (const tok of span.split(/\s+/)) if (terms(tok).some((t) => !/^\d+$/.test(t))) addName(tok, true);
  }
  const nameKeys = [...out.values()].map((t) => t.key);
  for (const raw of question.replace(/`[^`\n]*`/g, " ").match(/[\p{L}\p{N}][\p{L}\p{N}'’_.-]*/gu) ?? []) {
    const word = raw.replace(/['’]s$/u, "").replace(/[.'’-]+$/u, "");
    for (const key of terms(word)) {
      // Words inside a name are checked as the name; numbers alone are not topics.
      if (/^\d+$/.test(key) || nameKeys.some((n) => n.includes(squash(key)))) continue;
      if (!out.has(`w:${key}`)) out.set(`w:${key}`, { text: word.toLowerCase(), key, name: false });
    }
  }
  return [...out.values()];
}

/** Does this text mention the term (a name verbatim up to case and separators; a word by its stem)? */
export function mentions(text: string, term: AskedTerm, textTerms?: ReadonlySet<string>): boolean {
  if (term.name) return squash(text).includes(term.key);
  return (textTerms ?? new Set(terms(text))).has(term.key);
}

/**
 * Which of the question's specific terms the quoted documents cover. Each term is one lexical query filtered by the
 * caller's groups inside the store: its document frequency decides whether a word is specific, and a term only a
 * document the caller cannot read mentions counts as not covered.
 */
export async function checkAnswerability(
  index: AnswerabilityIndex,
  question: string,
  opts: {
    readonly principal: Principal;
    readonly evidence: readonly EvidenceDocument[];
  } & AnswerabilityOptions,
): Promise<Answerability> {
  const asked = askedTerms(question);
  if (asked.length === 0) return { terms: [], missing: [], covered: [] };
  const k = opts.candidates ?? DEFAULT_CANDIDATES;
  const maxShare = opts.maxShare ?? DEFAULT_MAX_SHARE;
  const total = (await index.stats?.())?.chunks;
  const evidence = opts.evidence.map((d) => ({
    docId: d.docId,
    text: d.text,
    terms: new Set(terms(d.text)),
  }));
  const checks = await Promise.all(
    asked.map(async (t): Promise<TermCheck & { anywhere: boolean }> => {
      const hits = await index.searchLexical(t.text, { k, principal: opts.principal });
      const docs = new Set<string>();
      let df = 0;
      let topical = false;
      for (const h of hits) {
        const c = h.chunk;
        if (mentions(`${c.title}\n${c.headingPath.join("\n")}\n${c.text}`, t)) {
          df++;
          docs.add(c.docId);
          topical ||= mentions(`${c.title}\n${c.path}`, t);
        }
      }
      const anywhere = evidence.some(
        (d) => docs.has(d.docId) || (t.name ? mentions(d.text, t) : d.terms.has(t.key)),
      );
      const covered = anywhere;
      // Among the candidates read, a term found in all of them is common whatever the index size.
      const rare = df < k && (total === undefined || df <= Math.max(1, total * maxShare));
      const specific = t.name ? df > 0 || t.code === true || /^-|=/.test(t.text) : df > 0 && rare && topical;
      return { ...t, df, specific, covered, anywhere };
    }),
  );
  return {
    terms: checks.map(({ anywhere: _, ...c }) => c),
    missing: checks.filter((c) => c.specific && !c.covered).map(strip),
    covered: checks.filter((c) => c.anywhere).map(strip),
  };
}

const strip = (c: TermCheck): AskedTerm => ({ text: c.text, key: c.key, name: c.name });

/** "“a”", "“a” or “b”", "“a”, “b” or “c”". */
export function listTerms(ts: readonly AskedTerm[]): string {
  const q = ts.map((t) => `“${t.text}”`);
  return q.length <= 1 ? (q[0] ?? "") : `${q.slice(0, -1).join(", ")} or ${q.at(-1)}`;
}
