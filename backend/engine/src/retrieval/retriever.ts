// Hybrid retrieval: lexical (BM25) and dense (cosine) candidates, both filtered by the caller's groups inside the
// store, fused by reciprocal rank, then capped per document so the top k spans several files.
import type { Chunk, Config, Embedder, Principal, ScoredChunk, VectorStore } from "@isa/core";
import { AppError, cosineSimilarity } from "@isa/core";
import type { FusedHit } from "./fusion.js";
import { capPerDocument, reciprocalRankFusion } from "./fusion.js";

export type RetrievalMode = "hybrid" | "dense" | "lexical";

export interface RetrieveOptions {
  readonly principal: Principal;
  /** Hits to return; defaults to `config.topK`. */
  readonly k?: number;
  /** Defaults to `config.mode`. `dense` and `lexical` rank by one list only (the eval's ablation). */
  readonly mode?: RetrievalMode;
  readonly kinds?: readonly Chunk["kind"][];
  readonly sources?: readonly string[];
}

export interface RetrievalHit {
  readonly chunk: Chunk;
  /** Reciprocal-rank-fusion score (in a single-list mode: that list's RRF term). Higher is better. */
  readonly score: number;
  /** Cosine similarity to the query, when the chunk was scored densely. */
  readonly denseScore?: number;
  /** BM25 score, when the chunk was in the lexical list. */
  readonly lexicalScore?: number;
  /** 1-based position in `hits`. */
  readonly rank: number;
}

export interface RetrievalResult {
  readonly hits: RetrievalHit[];
  /** Max cosine over the densely scored candidates; -1 if none. The abstention signal. */
  readonly bestDenseScore: number;
  readonly timings: {
    readonly embedMs: number;
    readonly denseMs: number;
    readonly lexicalMs: number;
    readonly fuseMs: number;
  };
}

export interface NeighbourOptions {
  readonly principal: Principal;
  /** Stop adding chunks past this many characters of text in all. */
  readonly maxChars: number;
}

export interface Retriever {
  retrieve(query: string, opts: RetrieveOptions): Promise<RetrievalResult>;
  /**
   * Small-to-big: the chunks of `chunk`'s document nearest to it (next, previous, next, … in line order) up to
   * `maxChars`, as the principal may read them, in line order and without `chunk` itself. The per-document cap
   * often leaves only a how-to's introduction in the top k; its steps are the next chunks.
   */
  neighbours(chunk: Chunk, opts: NeighbourOptions): Promise<Chunk[]>;
}

export interface RetrieverDeps {
  readonly store: VectorStore;
  readonly embedder: Embedder;
  readonly config: Config["retrieval"];
  /** Candidates fetched from each list before fusion (default 50, and at least 4·k). */
  readonly candidates?: number;
  /** Share of same-document support added to a chunk's fused score (default 0.01; see supportBoost). */
  readonly supportWeight?: number;
  /** RRF weights per list (default 1 each). */
  readonly weights?: { readonly dense?: number; readonly lexical?: number };
  /** Share of a linked chunk's score added by definition/usage links (default NEIGHBOUR_WEIGHT; 0 = off). */
  readonly neighbourWeight?: number;
}

/** Longer queries are certainly not questions; refusing them bounds the cost of one request. */
const MAX_QUERY_CHARS = 8000;
const MAX_K = 100;
/**
 * npm-docs eval, hybrid (recall@5 / MRR@10): 0 → 0.873/0.674, 0.0001 (a pure tie-breaker) → 0.873/0.705,
 * 0.01 → 0.882/0.716, 0.05 → 0.827/0.687: small weights help, large ones let long documents crowd out the rest.
 */
const DEFAULT_SUPPORT_WEIGHT = 0.01;
/** Definition/usage links between code candidates (see neighbourBoost); measured in backend/README.md ("Code retrieval ablation"): off, it helped code questions but cost the rest. */
export const NEIGHBOUR_WEIGHT = 0;

const round = (ms: number) => Math.round(ms * 100) / 100;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: round(performance.now() - t0) };
}

function validate(
  query: string,
  opts: RetrieveOptions,
  config: Config["retrieval"],
): { k: number; mode: RetrievalMode } {
  if (typeof query !== "string" || query.trim() === "") {
    throw new AppError("INPUT_INVALID", "The query is empty.");
  }
  if (query.length > MAX_QUERY_CHARS) {
    throw new AppError("INPUT_INVALID", `The query is longer than ${MAX_QUERY_CHARS} characters.`);
  }
  const k = opts.k ?? config.topK;
  if (!Number.isInteger(k) || k < 1 || k > MAX_K)
    throw new AppError("INPUT_INVALID", `k must be an integer from 1 to ${MAX_K}.`);
  const mode = opts.mode ?? config.mode;
  if (mode !== "hybrid" && mode !== "dense" && mode !== "lexical") {
    throw new AppError("INPUT_INVALID", `Unknown retrieval mode "${String(mode)}".`);
  }
  return { k, mode };
}

export function createRetriever(deps: RetrieverDeps): Retriever {
  const { store, embedder, config } = deps;

  return {
    async neighbours(chunk, opts) {
      // Permission-checked by the store: a chunk the principal may not read is never returned.
      const all = [...(await store.getDocumentChunks(chunk.docId, opts.principal))].sort(
        (a, b) => a.startLine - b.startLine,
      );
      const at = all.findIndex((c) => c.id === chunk.id);
      if (at < 0) return [];
      const out: Chunk[] = [];
      let chars = 0;
      for (let step = 1; step < all.length; step++) {
        const around = [all[at + step], all[at - step]].filter((c): c is Chunk => c !== undefined);
        if (around.length === 0) break;
        for (const c of around) {
          if (chars + c.text.length > opts.maxChars) return out.sort((a, b) => a.startLine - b.startLine);
          chars += c.text.length;
          out.push(c);
        }
      }
      return out.sort((a, b) => a.startLine - b.startLine);
    },

    async retrieve(query, opts) {
      const { k, mode } = validate(query, opts, config);
      const n = Math.max(deps.candidates ?? 50, 4 * k);
      const filter = {
        k: n,
        principal: opts.principal,
        ...(opts.kinds ? { kinds: opts.kinds } : {}),
        ...(opts.sources ? { sources: opts.sources } : {}),
      };

      // Lexical search needs no vector, so it runs while the query is embedded.
      const lexicalP = mode === "dense" ? undefined : timed(() => store.searchLexical(query, filter));
      const embedded = await timed(async () => {
        const [v] = await embedder.embed([query]);
        if (!v) throw new AppError("EMBEDDING_FAILED", "The embedder returned no vector for the query.");
        return v;
      });
      const denseP = mode === "lexical" ? undefined : timed(() => store.searchDense(embedded.value, filter));
      const [dense, lexical] = await Promise.all([denseP, lexicalP]);

      const t0 = performance.now();
      const fused = reciprocalRankFusion({
        ...(dense ? { dense: dense.value } : {}),
        ...(lexical ? { lexical: lexical.value } : {}),
        rrfK: config.rrfK,
        ...(deps.weights ? { weights: deps.weights } : {}),
      });
      let top: FusedHit[] = capPerDocument(
        neighbourBoost(
          supportBoost(fused, deps.supportWeight ?? DEFAULT_SUPPORT_WEIGHT),
          query,
          deps.neighbourWeight ?? NEIGHBOUR_WEIGHT,
        ),
        config.maxChunksPerDoc,
        k,
      );
      let bestDenseScore = dense ? Math.max(-1, ...dense.value.map((h) => h.score)) : -1;
      if (!dense && lexical) {
        // Lexical-only ranking still needs an abstention signal comparable with the other modes: score the
        // lexical candidates against the query by their stored vectors (no extra search, one id lookup).
        const scored = await cosineOf(store, embedded.value, lexical.value);
        bestDenseScore = Math.max(-1, ...scored.values());
        top = top.map((h) => {
          const c = scored.get(h.chunk.id);
          return c === undefined ? h : { ...h, denseScore: c };
        });
      }
      const hits: RetrievalHit[] = top.map((h, i) => ({
        chunk: h.chunk,
        score: h.score,
        ...(h.denseScore !== undefined ? { denseScore: h.denseScore } : {}),
        ...(h.lexicalScore !== undefined ? { lexicalScore: h.lexicalScore } : {}),
        rank: i + 1,
      }));
      return {
        hits,
        bestDenseScore,
        timings: {
          embedMs: embedded.ms,
          denseMs: dense?.ms ?? 0,
          lexicalMs: lexical?.ms ?? 0,
          fuseMs: round(performance.now() - t0),
        },
      };
    },
  };
}

async function cosineOf(
  store: VectorStore,
  query: Float32Array,
  hits: readonly ScoredChunk[],
): Promise<Map<string, number>> {
  const vectors = await store.getVectors(hits.map((h) => h.chunk.id));
  const out = new Map<string, number>();
  for (const [id, v] of vectors) out.set(id, cosineSimilarity(query, v));
  return out;
}

/**
 * Adds to each chunk's score a small share of the scores of other candidate chunks from the same document, so
 * a document that several chunks support wins ties (RRF produces many exact ties) and near-ties.
 */
export function supportBoost<T extends { readonly chunk: Chunk; readonly score: number }>(
  fused: readonly T[],
  weight: number,
): T[] {
  const total = new Map<string, number>();
  for (const h of fused) total.set(h.chunk.docId, (total.get(h.chunk.docId) ?? 0) + h.score);
  return fused
    .map((h) => ({ ...h, score: h.score + weight * ((total.get(h.chunk.docId) ?? 0) - h.score) }))
    .sort((a, b) => b.score - a.score);
}

const IDENT = /[A-Za-z_$][\w$]*/g;
const SYMBOL = /^[A-Za-z_$][\w$]*$/;

/** Names a code chunk defines: the symbols of its heading path (`Class.method` gives `method`), 4+ characters. */
export function definedNames(chunk: Chunk): string[] {
  if (chunk.kind !== "code") return [];
  const out = new Set<string>();
  for (const part of chunk.headingPath) {
    for (const raw of part.split(", ")) {
      const name = raw.replace(/…$/, "").split(".").at(-1) ?? "";
      if (name.length >= 4 && SYMBOL.test(name)) out.add(name.toLowerCase());
    }
  }
  return [...out];
}

/**
 * Definition and usage neighbours among the candidates: a code chunk that defines a name the question uses gains
 * `weight` × the top score; a chunk that uses a name another document's candidate defines gains `weight` × that
 * definition's score, and the definition gains the same share of its user's. A question about what calls what, or
 * about a function that the best-matching chunk only calls, then reaches the other end of the link. Pure and
 * bounded: only the fused candidates are linked, no extra search.
 */
export function neighbourBoost<T extends { readonly chunk: Chunk; readonly score: number }>(
  hits: readonly T[],
  query: string,
  weight: number,
): T[] {
  if (weight <= 0 || hits.length === 0) return [...hits];
  const defs = new Map<string, number[]>();
  hits.forEach((h, i) => {
    for (const n of definedNames(h.chunk)) defs.set(n, [...(defs.get(n) ?? []), i]);
  });
  if (defs.size === 0) return [...hits];
  // The strongest link counts, not their sum: a test file that calls everything must not outrank what it calls.
  const linked = new Float64Array(hits.length);
  const named = new Float64Array(hits.length);
  const top = Math.max(...hits.map((h) => h.score));
  const asked = new Set((query.match(IDENT) ?? []).map((w) => w.toLowerCase()));
  for (const [name, at] of defs) if (asked.has(name)) for (const j of at) named[j] = weight * top;
  const link = (i: number, by: number) => {
    linked[i] = Math.max(linked[i] ?? 0, weight * by);
  };
  hits.forEach((h, i) => {
    const used = new Set((h.chunk.text.match(IDENT) ?? []).map((w) => w.toLowerCase()));
    for (const [name, at] of defs) {
      if (!used.has(name)) continue;
      for (const j of at) {
        const d = hits[j];
        if (!d || d.chunk.docId === h.chunk.docId) continue;
        link(j, h.score);
        link(i, d.score);
      }
    }
  });
  return hits
    .map((h, i) => ({ ...h, score: h.score + (named[i] ?? 0) + (linked[i] ?? 0) }))
    .sort((a, b) => b.score - a.score);
}
