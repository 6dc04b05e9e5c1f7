// A document as its chunks joined in line order (the documents route, the project catalog and ownership read it).
import type { Chunk } from "@isa/core";

/**
 * Chunks can overlap (a heading repeated as context, overlapping windows): lines a previous chunk already covered
 * are dropped when the chunk's text has exactly one line per line of its range, else the chunk is kept whole.
 */
export function joinChunks(chunks: readonly Chunk[]): string {
  const parts: string[] = [];
  let covered = 0;
  for (const c of chunks) {
    const lines = c.text.split("\n");
    const exact = lines.length === c.endLine - c.startLine + 1;
    if (c.endLine <= covered && exact) continue;
    const skip = exact && c.startLine <= covered ? covered - c.startLine + 1 : 0;
    parts.push(lines.slice(skip).join("\n"));
    covered = Math.max(covered, c.endLine);
  }
  return parts.join("\n");
}
