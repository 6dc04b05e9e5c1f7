// Extractive answering: pick the sentences of the retrieved sources that best match the question's terms and
// quote them verbatim with their source number. No generation, so no paraphrase errors and nothing invented;
// used alone (answer mode "extractive") and as the evidence appended to a generated answer ("hybrid").
import type { Chunk } from "@isa/core";
import { termSet, terms } from "./terms.js";

export interface EvidenceSource {
  /** Source number as shown to the reader, `[n]`. */
  readonly n: number;
  readonly chunk: Chunk;
  /**
   * The retriever's rank for the ranking prior; default `n`. A neighbouring chunk added for context shares the
   * rank of the hit it neighbours, so it is not treated as the weakest source.
   */
  readonly rank?: number;
  /** Not retrieved itself but added from around a hit (small-to-big): quoted only when clearly better. */
  readonly around?: boolean;
}

export interface Evidence {
  readonly n: number;
  readonly text: string;
  readonly score: number;
  /** Quoted from code or configuration: rendered as a code block, so `# comment` is not read as a heading. */
  readonly code?: boolean;
  /** Only the start of a long passage is quoted: rendered as cut, pointing at the cited passage for the rest. */
  readonly cut?: boolean;
}

export interface EvidenceOptions {
  /** Most units (sentences, list items, code blocks) to quote. Default 3. */
  readonly maxUnits?: number;
  /** Stop adding units past this many characters in total. Default 700. */
  readonly maxChars?: number;
  /** At most this many units from one source, so one verbose chunk does not crowd out the rest. Default 2. */
  readonly maxPerSource?: number;
  /** Keep only units scoring at least this fraction of the best one. Default 0.35. */
  readonly minRelativeScore?: number;
}

/** A quotable piece of a chunk, where it sits, and what it belongs to. */
interface Piece {
  readonly text: string;
  /** 0-based line of the chunk where the piece starts. */
  readonly line: number;
  /** Nearest heading above the piece (inside the chunk, else the chunk's own heading). */
  readonly heading: string | undefined;
  /** List marker ("-", "1.") when the piece is a list item. */
  readonly marker: string | undefined;
  /** The piece is the start of something longer (a very long sentence or code block), cut at a line or word. */
  readonly cut?: boolean;
}

interface Unit {
  readonly n: number;
  readonly code: boolean;
  readonly around: boolean;
  /** Two or more list items quoted together (a procedure, or the list a sentence introduces). */
  readonly list: boolean;
  /** Terms of the document title and the headings above the unit: what the passage is about. */
  readonly about: ReadonlySet<string>;
  readonly rank: number;
  readonly position: number;
  /** Indices of the source's pieces this unit quotes: two units that share one are never both quoted. */
  readonly covers: readonly number[];
  readonly text: string;
  readonly terms: readonly string[];
  readonly cut: boolean;
  /** A code line that declares something (`export class X {`) with no comment saying what it is for. */
  readonly bare: boolean;
}

/** Units are built up to this size (list runs, fenced blocks); a longer one is cut and marked as cut. */
const MAX_UNIT_CHARS = 600;
/**
 * A sentence is quoted whole up to this size (so a quote is never cut mid-sentence in practice); past it (a run-on
 * paragraph without full stops), it is cut at a word and marked as cut.
 */
const MAX_SENTENCE_CHARS = 1500;
/** A bare declaration line answers nothing by itself: its score, for choosing and for ordering, is scaled by this. */
const BARE_DECLARATION = 0.5;
const DECLARATION =
  /^(?:export\s+)?(?:default\s+)?(?:public\s+|private\s+|protected\s+|static\s+|abstract\s+|async\s+)*(?:class|interface|enum|struct|trait|impl|function|func|fn|def|type|module|namespace)\b|[{(:]\s*$/;
/** Most list items quoted after an introducing sentence or under a heading, so one long list stays readable. */
const MAX_LIST_ITEMS = 6;
/**
 * A unit from around a hit (not retrieved itself) must beat a hit's unit by this factor to be quoted: on the
 * npm-docs eval 0.6–0.8 gave the same fact recall, 1 (no discount) lost 0.037 and 0.5 lost 0.018.
 */
const AROUND_DISCOUNT = 0.7;
/** For a how-to question a whole list scores at least its best item's score, times this: the steps, not one step. */
const HOWTO_LIST = 1.05;
/** Questions asking for a procedure. */
const HOW_TO = /\b(?:how|steps?|procedure|way)\b/i;
const ABBREVIATIONS = /(?:\b(?:e\.g|i\.e|etc|vs|cf|approx|incl|no|fig|mr|mrs|ms|dr|st)\.|\b[A-Z]\.)$/i;

/**
 * Lines of code that every file of its kind carries and that never answer a question: shebangs, shell strict
 * mode, imports, encoding and lint pragmas, licence headers. Quoting them spends the answer on nothing.
 */
const BOILERPLATE = [
  /^#!/,
  /^set\s+-[a-z]+(?:\s+-?o?\s*pipefail)?\s*$/i,
  /^set\s+-o\s+\w+\s*$/,
  /^(?:import\s|from\s+[\w.]+\s+import\s|export\s+(?:\*|\{[^}]*\})\s+from\s|#include\s|using\s+[\w.]+;|package\s+[\w.]+;?$|require\s*\()/,
  /^(?:const|let|var)\s+[\w{},\s]+=\s*require\(/,
  /^["']use strict["'];?$/,
  /^#\s*-\*-.*-\*-$|^#\s*(?:frozen_string_literal|encoding|coding)[:=]/,
  /^(?:\/\/|\/\*+|\*|#)\s*(?:eslint-|@ts-|prettier-ignore|biome-ignore|noqa|type:\s*ignore|pylint:)/,
];
const LICENSE =
  /SPDX-License-Identifier|\bcopyright\b|\(c\)\s*\d{4}|licensed under|permission is hereby granted|all rights reserved|apache license|\bMIT license/i;

/** Split a chunk into quotable units: sentences of prose, list items, table rows, whole fenced code blocks. */
export function splitUnits(text: string, kind: Chunk["kind"]): string[] {
  return splitPieces(text, kind).map((p) => p.text);
}

function splitPieces(text: string, kind: Chunk["kind"], ownHeading?: string): Piece[] {
  const lines = text.split(/\r?\n/);
  if (kind === "code" || kind === "config") return codePieces(lines, ownHeading);
  const pieces: Piece[] = [];
  let heading = ownHeading;
  let para: string[] = [];
  let paraLine = 0;
  let marker: string | undefined;
  const flush = () => {
    if (para.length > 0) {
      const sentences = marker ? [para.join(" ")] : splitSentences(para.join(" "));
      for (const s of sentences) {
        const c = cutAtWord(s);
        pieces.push({ text: c.text, line: paraLine, heading, marker, ...(c.cut ? { cut: true } : {}) });
      }
    }
    para = [];
    marker = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const trimmed = line.trim();
    const fence = /^(```+|~~~+)/.exec(trimmed);
    if (fence) {
      flush();
      const start = i;
      const block = [line];
      const close = fence[1] ?? "```";
      for (i++; i < lines.length; i++) {
        block.push(lines[i] ?? "");
        if ((lines[i] ?? "").trim().startsWith(close)) break;
      }
      const b = capBlock(block, close);
      pieces.push({ text: b.text, line: start, heading, marker: undefined, ...(b.cut ? { cut: true } : {}) });
      continue;
    }
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(trimmed);
    if (h) {
      flush();
      heading = h[1] === "" ? heading : h[1];
      continue;
    }
    if (trimmed === "" || /^\|?\s*:?-{3,}/.test(trimmed)) {
      flush();
      continue;
    }
    const item = /^([-*+]|\d{1,3}[.)])\s+(.*)$/.exec(trimmed);
    if (item || trimmed.startsWith("|") || trimmed.startsWith(">")) {
      flush();
      paraLine = i;
      para = [item ? (item[2] ?? "") : trimmed.replace(/^>\s?/, "")];
      marker = item ? item[1] : undefined;
      if (trimmed.startsWith("|")) flush();
      continue;
    }
    if (para.length === 0) paraLine = i;
    para.push(trimmed);
  }
  flush();
  return pieces.filter((p) => /[\p{L}\p{N}]/u.test(p.text));
}

function codePieces(lines: readonly string[], heading: string | undefined): Piece[] {
  // Code has no sentences; a line is the smallest thing worth quoting. Bare braces, boilerplate and licence
  // headers (the comment block holding a licence line) are skipped.
  const pieces: Piece[] = [];
  let inLicense = false;
  for (const [i, raw] of lines.entries()) {
    const l = raw.trim();
    const comment = CODE_COMMENT.test(l);
    if (comment && LICENSE.test(l)) inLicense = true;
    else if (!comment) inLicense = false;
    if (inLicense || !/[\p{L}\p{N}]{2}/u.test(l) || BOILERPLATE.some((re) => re.test(l))) continue;
    pieces.push({ text: l, line: i, heading, marker: undefined });
  }
  return pieces;
}

/**
 * A fenced block longer than MAX_UNIT_CHARS keeps its first whole lines and its closing fence; nothing is written
 * inside the fence (what is shown as code stays verbatim), the unit is marked `cut` instead.
 */
function capBlock(block: string[], close: string): { text: string; cut: boolean } {
  const whole = block.join("\n");
  if (whole.length <= MAX_UNIT_CHARS) return { text: whole, cut: false };
  const kept: string[] = [];
  let len = 0;
  for (const l of block) {
    if (len + l.length > MAX_UNIT_CHARS - 10) break;
    kept.push(l);
    len += l.length + 1;
  }
  return { text: [...kept, close].join("\n"), cut: true };
}

/** A sentence is kept whole unless it is a run-on past MAX_SENTENCE_CHARS: then its first words, marked cut. */
function cutAtWord(s: string): { text: string; cut: boolean } {
  if (s.length <= MAX_SENTENCE_CHARS) return { text: s, cut: false };
  const head = s.slice(0, MAX_SENTENCE_CHARS);
  const space = head.lastIndexOf(" ");
  return { text: (space > MAX_SENTENCE_CHARS / 2 ? head.slice(0, space) : head).trimEnd(), cut: true };
}

/** Sentence split that survives "e.g.", initials, version numbers and file names like `config.yaml`. */
export function splitSentences(paragraph: string): string[] {
  const out: string[] = [];
  let start = 0;
  const re = /[.!?]+["')\]]?\s+(?=["'(`*_[]?[\p{Lu}\p{N}])/gu;
  for (let m = re.exec(paragraph); m; m = re.exec(paragraph)) {
    const end = m.index + m[0].trimEnd().length;
    if (ABBREVIATIONS.test(paragraph.slice(start, end))) continue;
    out.push(paragraph.slice(start, end).trim());
    start = m.index + m[0].length;
  }
  out.push(paragraph.slice(start).trim());
  return out.filter((s) => s !== "");
}

/**
 * The best evidence units for a question, in source and document order. Scoring is BM25 over units (the
 * question's distinct terms against each unit, idf over the retrieved sources' units), times a small prior for the
 * retriever's rank; units from around a hit (`around`) are discounted, and a how-to question prefers a whole
 * list (the steps) to its best single item.
 */
export function selectEvidence(
  question: string,
  sources: readonly EvidenceSource[],
  opts: EvidenceOptions = {},
): Evidence[] {
  const maxUnits = opts.maxUnits ?? 3;
  const maxChars = opts.maxChars ?? 700;
  const maxPerSource = opts.maxPerSource ?? 2;
  const minRelative = opts.minRelativeScore ?? 0.35;
  const query = [...termSet(question)];
  const units = sources.flatMap((s) => toUnits(s));
  if (units.length === 0) return [];

  const howTo = HOW_TO.test(question);
  // Term statistics come from the retrieved sources' single pieces: the text added around hits must not change
  // how the hits' own sentences rank against each other, and a list counted again as a whole must not either.
  const base = units.filter((u) => !u.around && u.covers.length === 1);
  const df = new Map<string, number>();
  for (const u of base) for (const t of new Set(u.terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const avgLen = base.reduce((sum, u) => sum + u.terms.length, 0) / base.length || 1;
  const idf = (t: string) => {
    const d = df.get(t) ?? 0;
    return Math.log(1 + (base.length - d + 0.5) / (d + 0.5));
  };
  const k1 = 1.2;
  const b = 0.5;
  const scored: Array<{ u: Unit; score: number }> = units.map((u) => {
    let s = 0;
    for (const t of query) {
      const tf = u.terms.filter((x) => x === t).length;
      if (tf === 0) continue;
      s += (idf(t) * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * u.terms.length) / avgLen));
    }
    if (u.around) s *= AROUND_DISCOUNT;
    if (u.bare) s *= BARE_DECLARATION;
    // The retriever ranked whole chunks with better signals (dense + lexical); let its order break near-ties.
    return { u, score: s * (1 + 0.3 / u.rank) };
  });
  if (howTo) {
    // Asked how, quote the procedure: a list ties with (just beats) its best step, when the document or heading
    // it sits under is about the question (a runbook's steps, not another runbook's step that shares one word).
    const single = new Map<string, number>();
    for (const c of scored) if (c.u.covers.length === 1) single.set(`${c.u.n}:${c.u.covers[0]}`, c.score);
    for (const c of scored) {
      if (!c.u.list || !query.some((t) => c.u.about.has(t))) continue;
      const bestItem = Math.max(0, ...c.u.covers.map((i) => single.get(`${c.u.n}:${i}`) ?? 0));
      c.score = Math.max(c.score, bestItem * HOWTO_LIST);
    }
  }
  scored.sort((x, y) => y.score - x.score || x.u.n - y.u.n || x.u.position - y.u.position);

  const best = scored[0];
  if (!best || best.score <= 0) {
    // No term overlap at all (a paraphrased question the dense search still matched): the top passage's opening.
    const first = units[0];
    return first
      ? [
          {
            n: first.n,
            text: first.text,
            score: 0,
            ...(first.code ? { code: true } : {}),
            ...(first.cut ? { cut: true } : {}),
          },
        ]
      : [];
  }
  const chosen: Array<{ u: Unit; score: number; terms: Set<string> }> = [];
  const perSource = new Map<number, number>();
  let chars = 0;
  for (const c of scored) {
    if (chosen.length >= maxUnits || c.score <= 0 || c.score < best.score * minRelative) break;
    if ((perSource.get(c.u.n) ?? 0) >= maxPerSource) continue;
    if (chosen.length > 0 && chars + c.u.text.length > maxChars) continue;
    const ts = new Set(c.u.terms);
    // Skip a unit that quotes a piece already quoted (a list item of a chosen list, a sentence already quoted as
    // another's continuation), and near-duplicates.
    if (
      chosen.some(
        (o) =>
          (o.u.n === c.u.n && o.u.covers.some((i) => c.u.covers.includes(i))) || jaccard(o.terms, ts) >= 0.8,
      )
    ) {
      continue;
    }
    chosen.push({ u: c.u, score: c.score, terms: ts });
    perSource.set(c.u.n, (perSource.get(c.u.n) ?? 0) + 1);
    chars += c.u.text.length;
  }
  // The answer opens with what answers: units in order of how much of the question they cover (idf-weighted share
  // of its terms), a bare declaration never first. Ties (units of one passage covering as much) keep the author's
  // order, so steps split over units stay in sequence.
  const weight = query.reduce((sum, t) => sum + idf(t), 0) || 1;
  const coverage = (u: Unit) => {
    const have = new Set(u.terms);
    const c = query.reduce((sum, t) => sum + (have.has(t) ? idf(t) : 0), 0) / weight;
    return u.bare ? c * BARE_DECLARATION : c;
  };
  const cov = new Map(chosen.map((c) => [c, Math.round(coverage(c.u) * 20) / 20]));
  chosen.sort(
    (x, y) => (cov.get(y) ?? 0) - (cov.get(x) ?? 0) || x.u.n - y.u.n || x.u.position - y.u.position,
  );
  return chosen.map((c) => ({
    n: c.u.n,
    text: c.u.text,
    score: c.score,
    ...(c.u.code ? { code: true } : {}),
    ...(c.u.cut ? { cut: true } : {}),
  }));
}

/** A line comment in code describes the line after it, as "Run this:" introduces what follows in prose. */
const CODE_COMMENT = /^(?:\/\/|#(?!!)|--|\/\*|\*|<!--|;)/;

function toUnits(source: EvidenceSource): Unit[] {
  const { chunk } = source;
  const code = chunk.kind === "code" || chunk.kind === "config";
  const pieces = splitPieces(chunk.text, chunk.kind, chunk.headingPath.at(-1));
  const rank = source.rank ?? source.n;
  const unit = (covers: number[], text: string): Unit => ({
    n: source.n,
    code,
    around: source.around === true,
    list: covers.filter((i) => pieces[i]?.marker !== undefined).length >= 2,
    rank,
    position: covers[0] ?? 0,
    covers,
    text,
    terms: covers.flatMap((i) => terms(pieces[i]?.text ?? "")),
    cut: covers.some((i) => pieces[i]?.cut === true),
    bare: code && covers.length === 1 && !CODE_COMMENT.test(text) && DECLARATION.test(text),
    about: new Set(
      terms([chunk.title, ...chunk.headingPath, pieces[covers[0] ?? 0]?.heading ?? ""].join("\n")),
    ),
  });
  /** The list items from i on (same heading, nothing between), at least one, within MAX_UNIT_CHARS in all. */
  const listRun = (i: number, used: number): number[] => {
    const run: number[] = [];
    const first = pieces[i];
    let chars = used;
    for (let j = i; j < pieces.length && run.length < MAX_LIST_ITEMS; j++) {
      const p = pieces[j];
      if (!p?.marker || p.heading !== first?.heading) break;
      chars += p.text.length + 4;
      if (run.length > 0 && chars > MAX_UNIT_CHARS) break;
      run.push(j);
    }
    return run;
  };
  const item = (p: Piece) => `${p.marker} ${p.text}`;
  const units: Unit[] = [];
  for (const [i, p] of pieces.entries()) {
    const next = pieces[i + 1];
    if (/:\s*$/.test(p.text) && next) {
      // "Run this:" / "There are three levels:": the unit is the sentence and what it introduces, a whole list
      // when a list follows.
      const follow = next.marker && !p.marker ? listRun(i + 1, p.text.length) : [i + 1];
      const body = follow.map((j) => {
        const f = pieces[j] as Piece;
        return f.marker && !p.marker ? item(f) : f.text;
      });
      units.push(unit([i, ...follow], [p.text, ...body].join("\n")));
      continue;
    }
    // A code comment describes the line right below it (not a line further down, past a skipped one).
    const describes =
      code && next && next.line === p.line + 1 && CODE_COMMENT.test(p.text) && !CODE_COMMENT.test(next.text);
    if (describes) {
      units.push(unit([i, i + 1], `${p.text}\n${next.text}`));
      continue;
    }
    units.push(unit([i], p.text));
    // A list straight under a heading, with no sentence introducing it (a runbook's "## Steps"), is also one unit:
    // the procedure as a whole, labelled by its heading.
    const prev = pieces[i - 1];
    const startsList = p.marker && next?.marker && (!prev?.marker || prev.heading !== p.heading);
    const introduced = prev && /:\s*$/.test(prev.text) && prev.heading === p.heading;
    if (startsList && !introduced) {
      const run = listRun(i, p.heading?.length ?? 0);
      if (run.length >= 2) {
        const body = run.map((j) => item(pieces[j] as Piece)).join("\n");
        units.push(unit(run, p.heading ? `${p.heading}:\n${body}` : body));
      }
    }
  }
  return units;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}

/**
 * Quotes, each followed by its citation; a citation after a code block goes on its own line. A quote that is only
 * the start of its passage says so outside the quoted text, and points at the cited passage for the whole.
 */
export function renderEvidence(evidence: readonly Evidence[]): string {
  return evidence
    .map((e) => {
      const cite = e.cut ? `[${e.n}] (cut short: the whole passage is at [${e.n}])` : `[${e.n}]`;
      // Code and config lines go in a fenced block (a Markdown reader would take `# Restart…` for a heading).
      if (e.code && !/^(```|~~~)/.test(e.text))
        return `${fence(e.text)}\n${e.text}\n${fence(e.text)}\n${cite}`;
      return /\n(```|~~~)\s*$/.test(e.text) ? `${e.text}\n${cite}` : `${e.text} ${cite}`;
    })
    .join("\n\n");
}

/** A backtick fence longer than any backtick run inside the text. */
function fence(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}
