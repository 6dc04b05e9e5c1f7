// YAML and JSON chunking by top-level key (or top-level list item), found with a line scan so that
// malformed files still chunk. Keys are the heading path.
import { scanLines } from "./lexer.js";
import { mergeSmall } from "./merge.js";
import { type Limits, type LineDoc, packRange, type Range } from "./pack.js";
import type { PathedPiece } from "./types.js";

interface KeyUnit extends Range {
  readonly key: string;
}

const YAML_KEY =
  /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#\-?:[{'"!&*%@`|>][^:#]*?|[-?:][^\s:#][^:#]*?))\s*:(?:\s|$)/;
const YAML_ITEM = /^-(?:\s|$)/;

function yamlUnits(doc: LineDoc): KeyUnit[] {
  const starts: Array<{ line: number; key: string }> = [];
  let items = 0;
  for (let i = 0; i < doc.length; i++) {
    const line = doc.line(i);
    if (line === "" || /^\s/.test(line) || line.startsWith("#")) continue;
    if (/^(?:---|\.\.\.)(?:\s|$)/.test(line)) {
      items = 0;
      continue;
    }
    const m = YAML_KEY.exec(line);
    const key = m ? (m[1] ?? m[2] ?? m[3] ?? "").trim() : YAML_ITEM.test(line) ? `[${items++}]` : undefined;
    if (key === undefined) continue;
    let start = i;
    // Comments directly above a key describe it; a document marker right above opens its document.
    while (start - 1 >= 0 && doc.line(start - 1).startsWith("#")) start--;
    if (start - 1 >= 0 && /^---(?:\s|$)/.test(doc.line(start - 1))) start--;
    starts.push({ line: start, key });
  }
  return toUnits(doc, starts);
}

function jsonUnits(doc: LineDoc): KeyUnit[] {
  const info = scanLines(doc.lines, "js");
  const starts: Array<{ line: number; key: string }> = [];
  let items = 0;
  for (let i = 0; i < doc.length; i++) {
    const li = info[i];
    if (!li || li.startsInside || li.depthStart !== 1 || !li.hasCode) continue;
    const t = doc.line(i).trim();
    const m = /^"((?:[^"\\]|\\.)*)"\s*:/.exec(t);
    if (m) starts.push({ line: i, key: m[1] ?? "" });
    // Items of a top-level array: a new one starts after a line that ended the previous item.
    else if (!/^[\]}]/.test(t) && (i === 0 || /,\s*$|\[\s*$/.test(doc.line(i - 1))))
      starts.push({ line: i, key: `[${items++}]` });
  }
  return toUnits(doc, starts);
}

function toUnits(doc: LineDoc, starts: ReadonlyArray<{ line: number; key: string }>): KeyUnit[] {
  const units: KeyUnit[] = [];
  const first = starts[0];
  // A lone `{`, `[` or `---` before the first key is no chunk of its own: it opens the first one.
  const bare = first !== undefined && /^[\s{[-]*$/.test(doc.lines.slice(0, first.line).join("\n"));
  if (first && first.line > 0 && !bare) units.push({ start: 0, end: first.line, key: "" });
  starts.forEach((s, k) => {
    units.push({ start: k === 0 && bare ? 0 : s.line, end: starts[k + 1]?.line ?? doc.length, key: s.key });
  });
  return units;
}

export function chunkStructured(
  doc: LineDoc,
  language: "yaml" | "json",
  limits: Limits & { readonly minChars: number },
): PathedPiece[] {
  const units = language === "yaml" ? yamlUnits(doc) : jsonUnits(doc);
  if (units.length === 0) {
    return packRange(doc, { start: 0, end: doc.length }, limits).map((piece) => ({ path: [], piece }));
  }
  const groups = mergeSmall(doc, units, {
    minChars: limits.minChars,
    maxChars: limits.maxChars,
    canJoin: () => true,
  });
  const out: PathedPiece[] = [];
  for (const g of groups) {
    const first = g[0];
    const last = g.at(-1);
    if (!first || !last) continue;
    const keys = [...new Set(g.map((u) => u.key).filter((k) => k !== ""))];
    const path = keys.length === 0 ? [] : [keys.join(", ")];
    for (const piece of packRange(doc, { start: first.start, end: last.end }, limits))
      out.push({ path, piece });
  }
  return out;
}
