// RRF arithmetic and the per-document cap, on hand-built lists.
import type { Chunk, ScoredChunk } from "@isa/core";
import { describe, expect, it } from "vitest";
import { capPerDocument, reciprocalRankFusion } from "./fusion.js";

const chunk = (id: string, docId = `doc-${id}`): Chunk => ({
  id,
  docId,
  source: "s",
  path: `${docId}.md`,
  title: docId,
  headingPath: [],
  kind: "markdown",
  startLine: 1,
  endLine: 2,
  text: id,
  acl: ["public"],
});
const list = (...ids: string[]): ScoredChunk[] => ids.map((id, i) => ({ chunk: chunk(id), score: 10 - i }));

describe("reciprocalRankFusion", () => {
  it("sums 1/(k + rank) over the lists that hold a chunk", () => {
    const fused = reciprocalRankFusion({
      dense: list("a", "b", "c"),
      lexical: list("c", "a", "d"),
      rrfK: 60,
    });
    const score = Object.fromEntries(fused.map((h) => [h.chunk.id, h.score]));
    expect(score.a).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(score.c).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(score.b).toBeCloseTo(1 / 62, 12);
    expect(score.d).toBeCloseTo(1 / 63, 12);
    expect(fused.map((h) => h.chunk.id)).toEqual(["a", "c", "b", "d"]);
  });

  it("keeps each list's own score and leaves the other undefined", () => {
    const fused = reciprocalRankFusion({ dense: list("a", "b"), lexical: list("b", "z"), rrfK: 10 });
    const by = new Map(fused.map((h) => [h.chunk.id, h]));
    const scores = (id: string) => [by.get(id)?.denseScore, by.get(id)?.lexicalScore];
    expect(scores("a")).toEqual([10, undefined]);
    expect(scores("b")).toEqual([9, 10]);
    expect(scores("z")).toEqual([undefined, 9]);
  });

  it("applies weights, breaks ties by best rank then id, and counts duplicates once", () => {
    const fused = reciprocalRankFusion({
      dense: list("a", "b"),
      lexical: list("b", "a", "b"),
      rrfK: 1,
      weights: { dense: 2, lexical: 1 },
    });
    const score = Object.fromEntries(fused.map((h) => [h.chunk.id, h.score]));
    expect(score.a).toBeCloseTo(2 / 2 + 1 / 3, 12);
    expect(score.b).toBeCloseTo(2 / 3 + 1 / 2, 12);
    const tie = reciprocalRankFusion({ dense: list("y"), lexical: list("x"), rrfK: 60 });
    expect(tie.map((h) => h.chunk.id)).toEqual(["x", "y"]);
  });

  it("handles one list or none", () => {
    expect(reciprocalRankFusion({ rrfK: 60 })).toEqual([]);
    expect(reciprocalRankFusion({ lexical: list("a", "b"), rrfK: 60 }).map((h) => h.score)).toEqual([
      1 / 61,
      1 / 62,
    ]);
  });
});

describe("capPerDocument", () => {
  const hits = (...spec: [string, string][]) => spec.map(([id, doc]) => ({ chunk: chunk(id, doc) }));

  it("keeps at most n chunks per document, each document's best chunk first", () => {
    const ranked = hits(["a1", "A"], ["a2", "A"], ["a3", "A"], ["b1", "B"], ["a4", "A"], ["c1", "C"]);
    expect(capPerDocument(ranked, 2, 4).map((h) => h.chunk.id)).toEqual(["a1", "b1", "c1", "a2"]);
    expect(capPerDocument(ranked, 1, 3).map((h) => h.chunk.id)).toEqual(["a1", "b1", "c1"]);
  });

  it("fills with demoted chunks, in order, when too few documents match", () => {
    const ranked = hits(["a1", "A"], ["a2", "A"], ["a3", "A"], ["b1", "B"], ["a4", "A"]);
    expect(capPerDocument(ranked, 1, 4).map((h) => h.chunk.id)).toEqual(["a1", "b1", "a2", "a3"]);
    expect(capPerDocument(ranked, 2, 10).map((h) => h.chunk.id)).toEqual(["a1", "b1", "a2", "a3", "a4"]);
    expect(capPerDocument([], 2, 5)).toEqual([]);
  });
});

describe("supportBoost", () => {
  it("breaks ties in favour of the document that more candidates support", async () => {
    const { supportBoost } = await import("./retriever.js");
    const ranked = [
      { chunk: chunk("x1", "X"), score: 0.02 },
      { chunk: chunk("y1", "Y"), score: 0.02 },
      { chunk: chunk("y2", "Y"), score: 0.01 },
    ];
    expect(supportBoost(ranked, 0.01).map((h) => h.chunk.id)).toEqual(["y1", "x1", "y2"]);
    expect(supportBoost(ranked, 0).map((h) => h.chunk.id)).toEqual(["x1", "y1", "y2"]);
  });
});
