// Pooling arithmetic on hand-made tensors (no model needed).
import { describe, expect, it } from "vitest";
import { meanPoolNormalize } from "./meanPool.js";

describe("meanPoolNormalize", () => {
  it("averages only unmasked tokens, then scales to unit length", () => {
    // batch 2, seqLen 3, dims 2; second row's last token is padding with a huge value that must be ignored.
    const hidden = Float32Array.from([1, 0, 3, 0, 5, 0, 0, 2, 0, 4, 1000, 1000]);
    const mask = BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]);
    const [a, b] = meanPoolNormalize(hidden, mask, { batch: 2, seqLen: 3, dims: 2 });
    expect(Array.from(a ?? [])).toEqual([1, 0]);
    expect(Array.from(b ?? [])).toEqual([0, 1]);
  });

  it("keeps an all-zero vector finite", () => {
    const [v] = meanPoolNormalize(new Float32Array(4), BigInt64Array.from([1n, 1n]), {
      batch: 1,
      seqLen: 2,
      dims: 2,
    });
    expect(Array.from(v ?? [])).toEqual([0, 0]);
  });
});
