// Pure evaluation metrics over ranked file lists and answers (see shared/eval/README.md for definitions).
import { z } from "zod";

export const evalQuestionSchema = z.object({
  id: z.string().min(1),
  question: z.string().min(1),
  gold: z.array(z.string()),
  facts: z.array(z.string()),
  kind: z.string().min(1),
});
export type EvalQuestion = z.infer<typeof evalQuestionSchema>;

/** |gold ∩ files(top k)| / |gold|. */
export function recallAt(gold: readonly string[], rankedFiles: readonly string[], k: number): number {
  if (gold.length === 0) return 0;
  const top = new Set(rankedFiles.slice(0, k));
  return gold.filter((g) => top.has(g)).length / gold.length;
}

/** 1 / rank of the first file in gold within the top k, else 0. */
export function reciprocalRankAt(gold: readonly string[], rankedFiles: readonly string[], k: number): number {
  const g = new Set(gold);
  const i = rankedFiles.slice(0, k).findIndex((f) => g.has(f));
  return i < 0 ? 0 : 1 / (i + 1);
}

/** Share of facts found in the answer, case-insensitively, as substrings. */
export function factRecall(facts: readonly string[], answer: string): number {
  if (facts.length === 0) return 0;
  const a = answer.toLowerCase();
  return facts.filter((f) => a.includes(f.toLowerCase())).length / facts.length;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}

export interface QuestionResult {
  readonly id: string;
  readonly kind: string;
  readonly answerable: boolean;
  readonly recallAt5: number;
  readonly mrrAt10: number;
  /** Declined: abstained, or answered `partial` (said what the sources do not cover). */
  readonly abstained: boolean;
  /** The answer's state, when answers were made. */
  readonly state?: "answered" | "partial" | "abstained";
  /** Undefined when answers were not generated. */
  readonly factRecall?: number;
  readonly retrievalMs: number;
  readonly answerMs?: number;
  /** The retrieval gate's signal (best dense cosine), for threshold sweeps. */
  readonly bestDenseScore?: number;
  /** Key terms of the question that no chunk mentions (the key-term gate's signal). */
  readonly unmentioned?: readonly string[];
  /** The answer's text (per-question output, to read what was said). */
  readonly answer?: string;
  /** For a `partial` answer: the question's terms the quoted documents do not mention. */
  readonly notCovered?: readonly string[];
}

/**
 * What the retrieval gate alone would do at other ISA_ABSTAIN_MIN_SCORE values: abstention accuracy on the
 * unanswerable questions and false-abstention rate on the answerable ones, so an operator can pick a threshold.
 */
export function abstentionSweep(results: readonly QuestionResult[], thresholds: readonly number[]) {
  const scored = results.filter((r) => r.bestDenseScore !== undefined);
  const none = scored.filter((r) => !r.answerable);
  const ans = scored.filter((r) => r.answerable);
  return thresholds.map((t) => ({
    threshold: t,
    abstention_accuracy: none.length
      ? round(none.filter((r) => (r.bestDenseScore as number) < t).length / none.length)
      : null,
    false_abstention_rate: ans.length
      ? round(ans.filter((r) => (r.bestDenseScore as number) < t).length / ans.length)
      : null,
  }));
}

/**
 * What the key-term gate would do at other ISA_ABSTAIN_UNMENTIONED_MIN_SCORE bars, with the score gate at
 * `minScore`: abstain when dense < minScore, or a key term is unmentioned and dense < bar. Lists the answerable
 * questions it would refuse, so a false abstention can be read, not only counted.
 */
export function unmentionedSweep(
  results: readonly QuestionResult[],
  minScore: number,
  bars: readonly number[],
) {
  const scored = results.filter((r) => r.bestDenseScore !== undefined && r.unmentioned !== undefined);
  const none = scored.filter((r) => !r.answerable);
  const ans = scored.filter((r) => r.answerable);
  const abstains = (r: QuestionResult, bar: number) => {
    const s = r.bestDenseScore as number;
    return s < minScore || (s < bar && (r.unmentioned?.length ?? 0) > 0);
  };
  return bars.map((bar) => ({
    bar,
    abstention_accuracy: none.length
      ? round(none.filter((r) => abstains(r, bar)).length / none.length)
      : null,
    false_abstention_rate: ans.length ? round(ans.filter((r) => abstains(r, bar)).length / ans.length) : null,
    false_abstentions: ans
      .filter((r) => abstains(r, bar))
      .map((r) => `${r.id} (${r.unmentioned?.join(", ")})`),
  }));
}

const round = (v: number) => Math.round(v * 1000) / 1000;

function aggregate(rs: readonly QuestionResult[]) {
  const answerable = rs.filter((r) => r.answerable);
  const none = rs.filter((r) => !r.answerable);
  const withFacts = answerable.filter((r) => r.factRecall !== undefined);
  return {
    n: rs.length,
    recall_at_5: answerable.length ? round(mean(answerable.map((r) => r.recallAt5))) : null,
    mrr_at_10: answerable.length ? round(mean(answerable.map((r) => r.mrrAt10))) : null,
    fact_recall: withFacts.length ? round(mean(withFacts.map((r) => r.factRecall as number))) : null,
    all_facts_rate: withFacts.length
      ? round(withFacts.filter((r) => r.factRecall === 1).length / withFacts.length)
      : null,
    abstention_accuracy: none.length ? round(none.filter((r) => r.abstained).length / none.length) : null,
    false_abstention_rate: answerable.length
      ? round(answerable.filter((r) => r.abstained).length / answerable.length)
      : null,
    // How the declines split: `partial` (closest passages quoted, the uncovered term named) vs full abstention.
    partial_rate: rs.some((r) => r.state !== undefined)
      ? round(rs.filter((r) => r.state === "partial").length / rs.length)
      : null,
  };
}

export function summarise(results: readonly QuestionResult[], abstainMinScore?: number) {
  const kinds = [...new Set(results.map((r) => r.kind))].sort();
  const answerMs = results.flatMap((r) => (r.answerMs === undefined ? [] : [r.answerMs]));
  const retrievalMs = results.map((r) => r.retrievalMs);
  return {
    ...aggregate(results),
    by_kind: Object.fromEntries(kinds.map((k) => [k, aggregate(results.filter((r) => r.kind === k))])),
    abstention_sweep: abstentionSweep(results, [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]),
    ...(abstainMinScore === undefined || !results.some((r) => r.unmentioned !== undefined)
      ? {}
      : {
          unmentioned_sweep: unmentionedSweep(
            results,
            abstainMinScore,
            [0.45, 0.5, 0.55, 0.58, 0.6, 0.65, 0.7],
          ),
        }),
    latency_ms: {
      retrieval_p50: round(percentile(retrievalMs, 50)),
      retrieval_p95: round(percentile(retrievalMs, 95)),
      ...(answerMs.length
        ? { answer_p50: round(percentile(answerMs, 50)), answer_p95: round(percentile(answerMs, 95)) }
        : {}),
    },
  };
}
