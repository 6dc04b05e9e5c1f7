// Abstention: the answer when retrieval found nothing good enough, and detection of a model saying it cannot
// answer from the sources, so both paths report `abstained` and list the closest documents.
import type { Citation, Principal, ScoredChunk, SearchOptions } from "@isa/core";

/** Said for the model when it produced no text at all. */
export const NO_ANSWER_SENTENCE = "I could not find the answer in the sources.";

const NO_ANSWER_PATTERNS: readonly RegExp[] = [
  /\b(?:sources?|documents?|context|documentation|passages?|provided (?:text|information))\b[^.\n]{0,60}?\b(?:do(?:es)?\s*n[o']t|did\s*n[o']t|doesn['’]t|don['’]t)\s+(?:contain|mention|include|provide|say|cover|specify|describe|have|answer)/i,
  /\b(?:i\s+(?:do\s+not|don['’]t)\s+know)\b/i,
  /\b(?:can\s*not|can['’]t|could\s*n[o']t|could\s+not|unable\s+to|not\s+able\s+to)\s+(?:find|determine|locate|answer|tell|see)\b/i,
  /\b(?:there\s+is\s+)?no\s+(?:information|mention|details?|data)\s+(?:about|on|regarding|in|of)\b/i,
  /\b(?:is|are|was|were)\s+not\s+(?:mentioned|specified|provided|stated|covered|found|included|described)\b/i,
];

/** Does the opening of a model answer say that the sources do not answer the question? */
export function saysNoAnswer(text: string): boolean {
  // Only the opening counts: "X is not mentioned, but [2] says Y" later in an answer is still an answer.
  const opening = text.trim().split(/(?<=[.!?])\s+|\n/)[0] ?? "";
  return NO_ANSWER_PATTERNS.some((re) => re.test(opening.slice(0, 300)));
}

/** A readable list of the closest documents, for abstentions. */
export function renderClosest(closest: readonly Citation[]): string {
  if (closest.length === 0) return "";
  const lines = closest.map((c) => {
    const where = `${c.path}, lines ${c.startLine}–${c.endLine}`;
    const section = c.headingPath.length > 0 ? ` › ${c.headingPath.join(" › ")}` : "";
    return `- ${c.title}${section} (${where})`;
  });
  return `Closest documents:\n${lines.join("\n")}`;
}

/** The whole answer when retrieval found nothing close enough: no LLM is asked. */
export function retrievalAbstention(closest: readonly Citation[]): string {
  if (closest.length === 0) return "No indexed source you can access matches this question.";
  return `The indexed sources do not seem to cover this question.\n\n${renderClosest(closest)}`;
}

/**
 * The question's key terms: the names in it (backticked spans, camelCase/CamelCase, dotted or slashed names,
 * ALL-CAPS, hyphenated compounds, capitalised words not opening a sentence), never ordinary words. An
 * out-of-scope question usually names something the sources never mention ("Dependabot", `nodeLinker`).
 */
export function keyTerms(question: string): string[] {
  const out = new Map<string, string>();
  const add = (t: string) => {
    const term = t.replace(/^[^\p{L}\p{N}@.]+|[^\p{L}\p{N}]+$/gu, "");
    if (term.length >= 2 && !out.has(term.toLowerCase())) out.set(term.toLowerCase(), term);
  };
  const spans: string[] = [];
  const prose = question.replace(/`([^`\n]{1,80})`/g, (_, span: string) => {
    spans.push(span.trim());
    return " ";
  });
  // A one-word code span is a name as it stands; a longer one (a command line) contributes its names.
  for (const span of spans) {
    if (!/\s/.test(span)) add(span);
    else for (const tok of span.split(/\s+/)) if (isName(tok, true)) add(tok);
  }
  // Sentence starts are the first token and those after . ! ? or a colon; `KEY=value` is read as two tokens.
  let sentenceStart = true;
  for (const raw of prose.match(/[^\s=]+/g) ?? []) {
    // Possessives and surrounding punctuation are not part of the name ("Verdaccio's", "Berry,").
    const tok = raw.replace(/^["'([]+/, "").replace(/(?:['’]s)?[)"'\],;:!?]*\.?$/u, "");
    const starts = sentenceStart;
    sentenceStart = /[.!?:]["')\]]*$/.test(raw);
    if (tok === "") continue;
    if (/^\p{Lu}[\p{Lu}\p{N}_]*s$/u.test(tok) && isName(tok.slice(0, -1), false))
      add(tok.slice(0, -1)); // PRs
    else if (isName(tok, false) || (!starts && /^\p{Lu}\p{Ll}+$/u.test(tok))) add(tok); // … Dependabot
  }
  return [...out.values()];
}

/**
 * Does a token look like a name rather than a word? Hyphenated words count only in code (`dry-run`, `--force`):
 * in prose they are mostly ordinary compounds ("high-severity", "sanity-checks") that documents phrase otherwise.
 */
function isName(tok: string, code: boolean): boolean {
  if (/[./@]/.test(tok) && /\p{L}/u.test(tok)) return true; // .yarnrc.yml, @scope/pkg, engines.node
  if (/\p{Ll}\p{Lu}/u.test(tok)) return true; // camelCase, CamelCase
  if (
    /^[\p{Lu}\p{N}_]+$/u.test(tok) &&
    /\p{Lu}/u.test(tok) &&
    (/\p{Lu}.*\p{Lu}/u.test(tok) || /\p{N}/u.test(tok))
  )
    return true; // NODE_ENV, 2FA
  if (/_/.test(tok) && /^[\p{L}\p{N}_]+$/u.test(tok)) return true; // node_modules
  return code && /^-*[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u.test(tok) && /-/.test(tok); // some-cli, --force
}

/** The lexical index the key-term check reads (a VectorStore fits). */
export interface TermIndex {
  searchLexical(query: string, opts: SearchOptions): Promise<ScoredChunk[]>;
}

/** Lexical candidates read per term; a term counts as mentioned when one of them contains it. */
const TERM_CANDIDATES = 20;

/** Lower-cased, with separators dropped: `node-modules`, `node_modules` and "node modules" meet. */
const squash = (s: string) => s.toLowerCase().replace(/[\s_.\-/]+/g, "");

/**
 * The key terms that no chunk the caller can read mentions (verbatim up to case and separators). Each term is one
 * lexical query filtered by the caller's groups inside the store, so a name that exists only in a document the
 * caller cannot read counts as unmentioned: the abstention then says no more than a restricted index would.
 */
export async function unmentionedTerms(
  index: TermIndex,
  terms: readonly string[],
  principal: Principal,
): Promise<string[]> {
  const found = await Promise.all(
    terms.map(async (term) => {
      const hits = await index.searchLexical(term, { k: TERM_CANDIDATES, principal });
      const needle = squash(term);
      // A script's name is in its path and title, not in its text (`restart-consumers.sh`).
      return hits.some((h) =>
        squash(
          `${h.chunk.path}\n${h.chunk.title}\n${h.chunk.headingPath.join("\n")}\n${h.chunk.text}`,
        ).includes(needle),
      );
    }),
  );
  return terms.filter((_, i) => !found[i]);
}
