import { describe, expect, it } from "vitest";
import { factRecall, percentile, recallAt, reciprocalRankAt, summarise } from "./metrics.js";

describe("eval metrics", () => {
  it("recall@k counts gold files in the top k", () => {
    expect(recallAt(["a.md", "b.md"], ["x", "a.md", "y", "z", "w", "b.md"], 5)).toBe(0.5);
    expect(recallAt(["a.md"], ["a.md"], 5)).toBe(1);
    expect(recallAt(["a.md"], [], 5)).toBe(0);
  });

  it("MRR uses the first gold hit within k", () => {
    expect(reciprocalRankAt(["b"], ["a", "b", "b"], 10)).toBe(0.5);
    expect(reciprocalRankAt(["z"], ["a", "b"], 10)).toBe(0);
    expect(reciprocalRankAt(["k"], ["a", "b", "c", "k"], 3)).toBe(0);
  });

  it("fact recall is case-insensitive substring matching", () => {
    expect(factRecall(["--Save-Dev", "package.json"], "Use `npm install --save-dev` (see [1])")).toBe(0.5);
    expect(factRecall(["x"], "")).toBe(0);
  });

  it("percentiles pick by nearest rank", () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 100], 95)).toBe(100);
    expect(percentile([], 50)).toBe(0);
  });

  it("summary leaves none-questions out of recall and scores abstention on them", () => {
    const s = summarise([
      {
        id: "1",
        kind: "lookup",
        answerable: true,
        recallAt5: 1,
        mrrAt10: 1,
        abstained: false,
        factRecall: 1,
        retrievalMs: 10,
      },
      {
        id: "2",
        kind: "lookup",
        answerable: true,
        recallAt5: 0,
        mrrAt10: 0,
        abstained: true,
        factRecall: 0,
        retrievalMs: 20,
      },
      {
        id: "3",
        kind: "none",
        answerable: false,
        recallAt5: 0,
        mrrAt10: 0,
        abstained: true,
        retrievalMs: 30,
      },
      {
        id: "4",
        kind: "none",
        answerable: false,
        recallAt5: 0,
        mrrAt10: 0,
        abstained: false,
        retrievalMs: 40,
      },
    ]);
    expect(s.recall_at_5).toBe(0.5);
    expect(s.mrr_at_10).toBe(0.5);
    expect(s.fact_recall).toBe(0.5);
    expect(s.abstention_accuracy).toBe(0.5);
    expect(s.false_abstention_rate).toBe(0.5);
    expect(s.by_kind.none?.recall_at_5).toBeNull();
    expect(s.latency_ms.retrieval_p50).toBe(20);
  });

  it("sweeps the abstention threshold over the gate's scores", async () => {
    const { abstentionSweep } = await import("./metrics.js");
    const base = { kind: "k", recallAt5: 0, mrrAt10: 0, abstained: false, retrievalMs: 1 };
    const sweep = abstentionSweep(
      [
        { ...base, id: "a", answerable: true, bestDenseScore: 0.7 },
        { ...base, id: "b", answerable: true, bestDenseScore: 0.42 },
        { ...base, id: "n", answerable: false, bestDenseScore: 0.4 },
      ],
      [0.3, 0.41, 0.5],
    );
    expect(sweep).toEqual([
      { threshold: 0.3, abstention_accuracy: 0, false_abstention_rate: 0 },
      { threshold: 0.41, abstention_accuracy: 1, false_abstention_rate: 0 },
      { threshold: 0.5, abstention_accuracy: 1, false_abstention_rate: 0.5 },
    ]);
  });

  it("the key-term sweep abstains below the score gate, or below the bar with an unmentioned name, and names who", async () => {
    const { unmentionedSweep } = await import("./metrics.js");
    const base = { kind: "k", recallAt5: 0, mrrAt10: 0, abstained: false, retrievalMs: 1 };
    const sweep = unmentionedSweep(
      [
        { ...base, id: "a", answerable: true, bestDenseScore: 0.48, unmentioned: ["Docker"] },
        { ...base, id: "b", answerable: true, bestDenseScore: 0.45, unmentioned: [] },
        { ...base, id: "n", answerable: false, bestDenseScore: 0.52, unmentioned: ["Dependabot"] },
        { ...base, id: "m", answerable: false, bestDenseScore: 0.35, unmentioned: [] },
      ],
      0.4,
      [0.45, 0.5, 0.55],
    );
    expect(sweep).toEqual([
      { bar: 0.45, abstention_accuracy: 0.5, false_abstention_rate: 0, false_abstentions: [] },
      { bar: 0.5, abstention_accuracy: 0.5, false_abstention_rate: 0.5, false_abstentions: ["a (Docker)"] },
      { bar: 0.55, abstention_accuracy: 1, false_abstention_rate: 0.5, false_abstentions: ["a (Docker)"] },
    ]);
  });
});
