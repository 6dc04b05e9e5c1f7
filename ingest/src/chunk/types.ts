// Types shared by the chunkers.
import type { Piece } from "./pack.js";

/** A piece of a file with the heading path (or symbol) it belongs to. */
export interface PathedPiece {
  readonly path: readonly string[];
  readonly piece: Piece;
}

export interface ChunkOptions {
  /** Cap on a chunk's text, in characters (default 1500). */
  readonly maxChars?: number;
  /** Characters of context repeated at the start of the next piece of a split unit (default 200). */
  readonly overlapChars?: number;
  /** Units smaller than this merge with a neighbour (default 200). */
  readonly minChars?: number;
}
