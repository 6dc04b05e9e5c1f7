// Shell chunking: one unit per function (`name() {` or `function name {` up to the `}` at the same indent),
// the rest of the script in blank-line-separated blocks.
import { PREAMBLE, TOP_LEVEL } from "./code.js";
import { mergeSmall } from "./merge.js";
import { type LineDoc, type Limits, packRange, type Range } from "./pack.js";
import type { PathedPiece } from "./types.js";

const FUNCTION_START =
  /^(\s*)(?:function\s+([\w:.@+-]+)\s*(?:\(\s*\))?|([\w:.@+-]+)\s*\(\s*\))\s*(\{|\(|$)(.*)$/;

interface ShellUnit extends Range {
  readonly name: string;
  readonly fn: boolean;
}

/** End (exclusive) of the function starting at `i`, or -1 when no closing line is found. */
function functionEnd(doc: LineDoc, i: number, indent: string, rest: string, opener: string): number {
  // One-liner: `f() { echo hi; }`.
  if (opener !== "" && /[})]\s*(?:[;&|>].*)?$/.test(rest.replace(/#.*$/, "").trim())) return i + 1;
  const close = new RegExp(`^${indent}[})]\\s*(?:[;&|>].*)?(?:#.*)?$`);
  for (let j = i + 1; j < doc.length; j++) {
    if (close.test(doc.line(j))) return j + 1;
  }
  return -1;
}

export function chunkShell(doc: LineDoc, limits: Limits & { readonly minChars: number }): PathedPiece[] {
  const units: ShellUnit[] = [];
  let plainStart = 0;
  let seenFunction = false;
  const pushPlain = (end: number) => {
    const t = doc.trim({ start: plainStart, end });
    // Blank gaps between functions are not a unit of their own.
    if (t.end > t.start) units.push({ start: plainStart, end, name: seenFunction ? TOP_LEVEL : PREAMBLE, fn: false });
  };
  for (let i = 0; i < doc.length; i++) {
    const m = FUNCTION_START.exec(doc.line(i));
    if (!m) continue;
    const name = m[2] ?? m[3] ?? "";
    const end = functionEnd(doc, i, m[1] ?? "", m[5] ?? "", m[4] ?? "");
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
    return packRange(doc, { start: 0, end: doc.length }, limits).map((piece) => ({ path: [TOP_LEVEL], piece }));
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
    for (const piece of packRange(doc, { start: first.start, end: last.end }, limits)) out.push({ path, piece });
  }
  return out;
}
