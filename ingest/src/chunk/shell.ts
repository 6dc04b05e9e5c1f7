// Shell chunking: one unit per function (`name() {` or `function name {` up to the `}` at the same indent),
// the rest of the script in blank-line-separated blocks.
import { PREAMBLE, TOP_LEVEL } from "./code.js";
import { mergeSmall } from "./merge.js";
import { type Limits, type LineDoc, packRange, type Range } from "./pack.js";
import type { PathedPiece } from "./types.js";

const FUNCTION_START =
  /^(\s*)(?:function\s+([\w:.@+-]+)\s*(?:\(\s*\))?|([\w:.@+-]+)\s*\(\s*\))\s*(\{|\(|$)(.*)$/;

interface ShellUnit extends Range {
  readonly name: string;
  readonly fn: boolean;
}

const CLOSING = /^([ \t]*)[})]\s*(?:[;&|>].*)?(?:#.*)?$/;

/** Lines that can close a function, by their indentation, in order (one pass, so lookups stay cheap). */
function closingLines(doc: LineDoc): Map<string, number[]> {
  const byIndent = new Map<string, number[]>();
  for (let j = 0; j < doc.length; j++) {
    const m = CLOSING.exec(doc.line(j));
    if (!m) continue;
    const list = byIndent.get(m[1] ?? "") ?? [];
    list.push(j);
    byIndent.set(m[1] ?? "", list);
  }
  return byIndent;
}

/** End (exclusive) of the function starting at `i`, or -1 when no closing line is found. */
function functionEnd(closers: Map<string, number[]>, i: number, m: RegExpExecArray): number {
  const rest = (m[5] ?? "").replace(/#.*$/, "").trim();
  // One-liner: `f() { echo hi; }`.
  if ((m[4] ?? "") !== "" && /[})]\s*(?:[;&|>].*)?$/.test(rest)) return i + 1;
  const list = closers.get(m[1] ?? "") ?? [];
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] ?? 0) <= i) lo = mid + 1;
    else hi = mid;
  }
  const j = list[lo];
  return j === undefined ? -1 : j + 1;
}

export function chunkShell(doc: LineDoc, limits: Limits & { readonly minChars: number }): PathedPiece[] {
  const closers = closingLines(doc);
  const units: ShellUnit[] = [];
  let plainStart = 0;
  let seenFunction = false;
  const pushPlain = (end: number) => {
    const t = doc.trim({ start: plainStart, end });
    // Blank gaps between functions are not a unit of their own.
    if (t.end > t.start)
      units.push({ start: plainStart, end, name: seenFunction ? TOP_LEVEL : PREAMBLE, fn: false });
  };
  for (let i = 0; i < doc.length; i++) {
    const m = FUNCTION_START.exec(doc.line(i));
    if (!m) continue;
    const name = m[2] ?? m[3] ?? "";
    const end = functionEnd(closers, i, m);
    if (end < 0 || name === "") continue;
    let start = i;
    // Comments directly above document the function.
    while (start - 1 >= plainStart && /^\s*#(?!!)/.test(doc.line(start - 1))) start--;
    pushPlain(start);
    units.push({ start, end, name, fn: true });
    seenFunction = true;
    plainStart = end;
    i = end - 1;
  }
  pushPlain(doc.length);
  if (!seenFunction) {
    // A script without functions: blank-line blocks, capped.
    return packRange(doc, { start: 0, end: doc.length }, limits).map((piece) => ({
      path: [TOP_LEVEL],
      piece,
    }));
  }
  const groups = mergeSmall(doc, units, {
    minChars: limits.minChars,
    maxChars: limits.maxChars,
    canJoin: (g, next) => next.name !== PREAMBLE && !g.some((u) => u.name === PREAMBLE),
  });
  const out: PathedPiece[] = [];
  for (const g of groups) {
    const first = g[0];
    const last = g.at(-1);
    if (!first || !last) continue;
    const path = [[...new Set(g.map((u) => u.name))].join(", ")];
    for (const piece of packRange(doc, { start: first.start, end: last.end }, limits))
      out.push({ path, piece });
  }
  return out;
}
