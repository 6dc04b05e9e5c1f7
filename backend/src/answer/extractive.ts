// Extractive answering: pick the sentences of the retrieved sources that best match the question's terms and
// quote them verbatim with their source number. No generation, so no paraphrase errors and nothing invented;
// used alone (answer mode "extractive") and as the evidence appended to a generated answer ("hybrid").
import type { Chunk } from "@isa/core";
import { termSet, terms } from "./terms.js";

export interface EvidenceSource {
  /** Source number as shown to the reader, `[n]`. */
  readonly n: number;
  readonly chunk: Chunk;
}

export interface Evidence {
  readonly n: number;
  readonly text: string;
  readonly score: number;
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

interface Unit {
  readonly n: number;
  readonly position: number;
  readonly text: string;
  readonly terms: readonly string[];
  /** The unit introduces what follows ("Run this:"), so the next unit is part of its meaning. */
  readonly next: Unit | undefined;
}

const MAX_UNIT_CHARS = 600;
const ABBREVIATIONS = /(?:\b(?:e\.g|i\.e|etc|vs|cf|approx|incl|no|fig|mr|mrs|ms|dr|st)\.|\b[A-Z]\.)$/i;

/** Split a chunk into quotable units: sentences of prose, list items, table rows, whole fenced code blocks. */
export function splitUnits(text: string, kind: Chunk["kind"]): string[] {
  const lines = text.split(/\r?\n/);
  if (kind === "code" || kind === "config") {
    // Code has no sentences; a line is the smallest thing worth quoting. Bare braces and the like are skipped.
    return lines.map((l) => l.trim()).filter((l) => /[\p{L}\p{N}]{2}/u.test(l));
  }
  const units: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length > 0) units.push(...splitSentences(para.join(" ")));
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const trimmed = line.trim();
    const fence = /^(```+|~~~+)/.exec(trimmed);
    if (fence) {
      flush();
      const block = [line];
      const close = fence[1] ?? "```";
      for (i++; i < lines.length; i++) {
        block.push(lines[i] ?? "");
        if ((lines[i] ?? "").trim().startsWith(close)) break;
      }
      units.push(capBlock(block, close));
      continue;
    }
    if (trimmed === "" || /^#{1,6}\s/.test(trimmed) || /^\|?\s*:?-{3,}/.test(trimmed)) {
      flush();
      continue;
    }
    const item = /^(?:[-*+]|\d{1,3}[.)])\s+(.*)$/.exec(trimmed);
    if (item || trimmed.startsWith("|") || trimmed.startsWith(">")) {
      flush();
      para = [item ? (item[1] ?? "") : trimmed.replace(/^>\s?/, "")];
      if (trimmed.startsWith("|")) flush();
      continue;
    }
    para.push(trimmed);
  }
  flush();
  return units.filter((u) => /[\p{L}\p{N}]/u.test(u));
}

function capBlock(block: string[], close: string): string {
  const whole = block.join("\n");
  if (whole.length <= MAX_UNIT_CHARS) return whole;
  const kept: string[] = [];
  let len = 0;
  for (const l of block) {
    if (len + l.length > MAX_UNIT_CHARS - 10) break;
    kept.push(l);
    len += l.length + 1;
  }
  return [...kept, "…", close].join("\n");
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
  return out
    .filter((s) => s !== "")
    .map((s) => (s.length > MAX_UNIT_CHARS ? `${s.slice(0, MAX_UNIT_CHARS - 1)}…` : s));
}

/**
 * The best evidence units for a question, best first. Scoring is BM25 over units (the question's distinct terms
 * against each unit, idf over all candidate units), times a small prior for the retriever's rank.
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

  const df = new Map<string, number>();
  for (const u of units) for (const t of new Set(u.terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const avgLen = units.reduce((sum, u) => sum + u.terms.length, 0) / units.length || 1;
  const idf = (t: string) => {
    const d = df.get(t) ?? 0;
    return Math.log(1 + (units.length - d + 0.5) / (d + 0.5));
  };
  const k1 = 1.2;
  const b = 0.5;
  const scored = units.map((u) => {
    let s = 0;
    for (const t of query) {
      const tf = u.terms.filter((x) => x === t).length;
      if (tf === 0) continue;
      s += (idf(t) * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * u.terms.length) / avgLen));
    }
    // The retriever ranked whole chunks with better signals (dense + lexical); let its order break near-ties.
    return { u, score: s * (1 + 0.3 / u.n) };
  });
  scored.sort((x, y) => y.score - x.score || x.u.n - y.u.n || x.u.position - y.u.position);

  const best = scored[0];
  if (!best || best.score <= 0) {
    // No term overlap at all (a paraphrased question the dense search still matched): the top passage's opening.
    const first = units[0];
    return first ? [{ n: first.n, text: withNext(first), score: 0 }] : [];
  }
  const chosen: Array<{ u: Unit; score: number; terms: Set<string> }> = [];
  const perSource = new Map<number, number>();
  let chars = 0;
  for (const c of scored) {
    if (chosen.length >= maxUnits || c.score <= 0 || c.score < best.score * minRelative) break;
    if ((perSource.get(c.u.n) ?? 0) >= maxPerSource) continue;
    const text = withNext(c.u);
    if (chosen.length > 0 && chars + text.length > maxChars) continue;
    const ts = new Set(c.u.terms);
    // Skip a unit already quoted as another's continuation (or carrying one as its own), and near-duplicates.
    if (
      chosen.some(
        (o) =>
          o.u.next === c.u || (c.u.next !== undefined && o.u === c.u.next) || jaccard(o.terms, ts) >= 0.8,
      )
    ) {
      continue;
    }
    chosen.push({ u: c.u, score: c.score, terms: ts });
    perSource.set(c.u.n, (perSource.get(c.u.n) ?? 0) + 1);
    chars += text.length;
  }
  // Read in source order, and within a source in document order: quotes from one passage then follow each other
  // as the author wrote them (steps stay in sequence) instead of jumping by score.
  chosen.sort((x, y) => x.u.n - y.u.n || x.u.position - y.u.position);
  return chosen.map((c) => ({ n: c.u.n, text: withNext(c.u), score: c.score }));
}

/** A line comment in code describes the line after it, as "Run this:" introduces what follows in prose. */
const CODE_COMMENT = /^(?:\/\/|#(?!!)|--|\/\*|\*|<!--|;)/;

function toUnits(source: EvidenceSource): Unit[] {
  const code = source.chunk.kind === "code" || source.chunk.kind === "config";
  const texts = splitUnits(source.chunk.text, source.chunk.kind);
  const units: Unit[] = [];
  for (let i = texts.length - 1; i >= 0; i--) {
    const text = texts[i] ?? "";
    const following = units[0];
    const introduces =
      /:\s*$/.test(text) || (code && CODE_COMMENT.test(text) && !CODE_COMMENT.test(following?.text ?? ""));
    units.unshift({
      n: source.n,
      position: i,
      text,
      terms: terms(text),
      next: introduces ? following : undefined,
    });
  }
  return units;
}

function withNext(u: Unit): string {
  return u.next ? `${u.text}\n${u.next.text}` : u.text;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Quotes, each followed by its citation; a citation after a code block goes on its own line. */
export function renderEvidence(evidence: readonly Evidence[]): string {
  return evidence
    .map((e) => (/\n(```|~~~)\s*$/.test(e.text) ? `${e.text}\n[${e.n}]` : `${e.text} [${e.n}]`))
    .join("\n\n");
}
