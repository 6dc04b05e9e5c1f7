// TEST UTILITY, not a model: a deterministic Embedder for store and retrieval tests. Feature hashing of lowercase
// word tokens into a signed bag-of-words vector, L2-normalised. Texts sharing words get a positive cosine, so
// dense search is meaningful in tests, with no model file, no native code and identical output on every machine.
import type { Embedder } from "../ports.js";

const WORD = /[\p{L}\p{N}]+/gu;

/** 32-bit FNV-1a: tiny, fast and stable across platforms (unlike any built-in string hash). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The vector of one text; a text with no word maps to the first axis so it is still unit length. */
export function hashingVector(text: string, dimensions: number): Float32Array {
  const v = new Float32Array(dimensions);
  for (const [word] of text.toLowerCase().matchAll(WORD)) {
    const h = fnv1a(word);
    // One hash bit picks the sign, so collisions cancel out on average instead of piling up.
    v[h % dimensions] = (v[h % dimensions] ?? 0) + ((h >>> 31) & 1 ? -1 : 1);
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  if (norm === 0) {
    v[0] = 1;
    return v;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimensions; i++) v[i] = (v[i] ?? 0) * inv;
  return v;
}

/** A deterministic feature-hashing Embedder for tests (model id `test-hashing-<dim>`). Never use it in production. */
export function hashingEmbedder(dimensions: number): Embedder {
  if (!Number.isInteger(dimensions) || dimensions < 2)
    throw new RangeError("dimensions must be an integer ≥ 2");
  return {
    modelId: `test-hashing-${dimensions}`,
    dimensions,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      return texts.map((t) => hashingVector(t, dimensions));
    },
    async close(): Promise<void> {},
  };
}
