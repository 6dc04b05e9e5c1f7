// Sentence vectors from token vectors, as sentence-transformers' Pooling(mean) + Normalize modules do:
// average the hidden states of real tokens (attention mask 1), then scale to unit length.

/**
 * @param hidden  last_hidden_state, row-major [batch, seqLen, dims]
 * @param mask    attention mask, row-major [batch, seqLen]
 */
export function meanPoolNormalize(
  hidden: Float32Array,
  mask: BigInt64Array,
  shape: { readonly batch: number; readonly seqLen: number; readonly dims: number },
): Float32Array[] {
  const { batch, seqLen, dims } = shape;
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    // Accumulate in float64: a 256-token sum in float32 loses digits the reference (torch) keeps.
    const acc = new Float64Array(dims);
    let count = 0;
    for (let t = 0; t < seqLen; t++) {
      if (mask[b * seqLen + t] === 0n) continue;
      count++;
      const base = (b * seqLen + t) * dims;
      for (let d = 0; d < dims; d++) acc[d] = (acc[d] ?? 0) + (hidden[base + d] ?? 0);
    }
    const denom = Math.max(count, 1e-9);
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      const v = (acc[d] ?? 0) / denom;
      acc[d] = v;
      norm += v * v;
    }
    // torch.nn.functional.normalize's eps: an all-zero vector stays zero instead of becoming NaN.
    const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
    const vec = new Float32Array(dims);
    for (let d = 0; d < dims; d++) vec[d] = (acc[d] ?? 0) * scale;
    out.push(vec);
  }
  return out;
}
