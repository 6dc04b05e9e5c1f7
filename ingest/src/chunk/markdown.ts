// Markdown chunking: one unit per heading section with its heading chain as path, small sections merged
// with a neighbour, long ones split by paragraph with fenced code blocks kept whole.

import { outlineMarkdown } from "./markdownSyntax.js";
import { mergeSmall } from "./merge.js";
import { type Block, type Limits, type LineDoc, type Piece, packBlocks, type Range } from "./pack.js";
import type { PathedPiece } from "./types.js";

interface Section extends Range {
  /** 0 for text before the first heading. */
  readonly level: number;
  readonly path: readonly string[];
}

function commonPrefix(paths: ReadonlyArray<readonly string[]>): string[] {
  const [first, ...rest] = paths;
  if (!first) return [];
  let n = first.length;
  for (const p of rest) {
    let i = 0;
    while (i < n && i < p.length && p[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n);
}

/**
 * Path of merged sections: their common prefix, plus the names of the merged siblings when the parent's own
 * section is not among them (["Configuration", "cpu, os"] rather than a bare ["Configuration"]).
 */
function groupPath(paths: ReadonlyArray<readonly string[]>): string[] {
  const prefix = commonPrefix(paths);
  if (paths.length < 2 || paths.some((p) => p.length === prefix.length)) return prefix;
  const names = [...new Set(paths.map((p) => p[prefix.length] ?? ""))];
  return [...prefix, names.join(", ")];
}

/** Paragraph blocks of a range, with each fenced code block one atomic block. */
function markdownBlocks(doc: LineDoc, r: Range, fenceEndAt: ReadonlyMap<number, number>): Block[] {
  const out: Block[] = [];
  let start = -1;
  for (let i = r.start; i < r.end; i++) {
    const fenceEnd = fenceEndAt.get(i);
    if (fenceEnd !== undefined) {
      if (start >= 0) out.push({ start, end: i });
      start = -1;
      const end = Math.min(fenceEnd, r.end);
      out.push({ start: i, end, atomic: true });
      i = end - 1;
    } else if (doc.isBlank(i)) {
      if (start >= 0) out.push({ start, end: i });
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push({ start, end: r.end });
  return out;
}

export function chunkMarkdown(doc: LineDoc, limits: Limits & { readonly minChars: number }): PathedPiece[] {
  const outline = outlineMarkdown(doc.lines);
  const { bodyStart, title } = outline.frontMatter;
  // Docs whose title lives in front matter (no H1) still get it as the root of every heading path.
  const hasH1 = outline.headings.some((h) => h.level === 1);
  const root = !hasH1 && title ? [title] : [];

  const sections: Section[] = [];
  const firstHeading = outline.headings[0]?.line ?? doc.length;
  if (firstHeading > bodyStart) sections.push({ start: bodyStart, end: firstHeading, level: 0, path: root });
  const chain: Array<{ level: number; text: string }> = [];
  outline.headings.forEach((h, i) => {
    while ((chain.at(-1)?.level ?? 0) >= h.level) chain.pop();
    chain.push({ level: h.level, text: h.text });
    const end = outline.headings[i + 1]?.line ?? doc.length;
    const path = [...root, ...chain.map((c) => c.text).filter((t) => t !== "")];
    sections.push({ start: h.line, end, level: h.level, path });
  });

  const groups = mergeSmall(doc, sections, {
    minChars: limits.minChars,
    maxChars: limits.maxChars,
    // Join siblings and descendants, never a later section of a higher level (it starts a new topic).
    canJoin: (g, next) => next.level >= Math.min(...g.map((s) => s.level)),
  });

  const fenceEndAt = new Map(outline.fences.map((f) => [f.start, f.end] as const));
  const out: PathedPiece[] = [];
  for (const g of groups) {
    const first = g[0];
    const last = g.at(-1);
    if (!first || !last) continue;
    const path = groupPath(g.map((s) => s.path));
    const pieces: Piece[] = packBlocks(
      doc,
      markdownBlocks(doc, { start: first.start, end: last.end }, fenceEndAt),
      limits,
    );
    for (const piece of pieces) out.push({ path, piece });
  }
  return out;
}
