// `isa eval`: retrieval and answer quality over a question set (JSON with --json, a table otherwise).
import { AppError, loadConfig } from "@isa/core";
import { runEval } from "@isa/engine";
import { intOption, parse } from "./args.js";
import type { Comparison } from "./evalTracking.js";
import { bar, progressLine } from "./output.js";

export async function evalCommand(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    corpus: { type: "string" },
    json: { type: "boolean" },
    "retrieval-only": { type: "boolean" },
    mode: { type: "string" },
    "answer-mode": { type: "string" },
    limit: { type: "string" },
    "per-question": { type: "boolean" },
    track: { type: "boolean" },
    "run-name": { type: "string" },
    compare: { type: "string" },
    baseline: { type: "string" },
    "max-drop": { type: "string" },
  });
  const file = positionals[0];
  if (!file || !values.corpus) {
    throw new AppError(
      "INPUT_INVALID",
      "usage: isa eval <questions.jsonl> --corpus <dir> [--json] [--retrieval-only] [--track [--run-name N]] [--compare <run-id> | --baseline <eval.json>] [--max-drop M]",
    );
  }
  const env: Record<string, string | undefined> = { ...process.env };
  if (values.mode) env.ISA_RETRIEVAL_MODE = values.mode;
  if (values["answer-mode"]) env.ISA_ANSWER_MODE = values["answer-mode"];
  const config = loadConfig(env);
  const limit = intOption(values.limit, "limit", 1, 1_000_000);
  const p = progressLine();
  const report = await runEval(config, {
    questionsFile: file,
    corpusDir: values.corpus,
    retrievalOnly: Boolean(values["retrieval-only"]),
    ...(limit ? { limit } : {}),
    onProgress: (done, total, id) => p.update(`${bar(done, total)} questions ${id}`),
  });
  p.done();
  const { questions, ...summary } = report;
  const tracked = await trackAndCompare(config, {
    values,
    file,
    corpus: values.corpus,
    summary: summary as unknown as Record<string, unknown>,
    questions,
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(values["per-question"] ? report : summary)}\n`);
    finish(tracked.comparison);
    return;
  }
  const fmt = (v: number | null) => (v === null ? "—" : v.toFixed(3));
  const lines = [
    `questions ${summary.n} · retrieval ${summary.mode} · answers ${summary.answers}${summary.answer_mode ? ` (${summary.answer_mode})` : ""}`,
    `recall@5 ${fmt(summary.recall_at_5)}  MRR@10 ${fmt(summary.mrr_at_10)}  fact recall ${fmt(summary.fact_recall)}  all facts ${fmt(summary.all_facts_rate)}`,
    `abstention ${fmt(summary.abstention_accuracy)}  false abstention ${fmt(summary.false_abstention_rate)}`,
    `latency ms: ${Object.entries(summary.latency_ms)
      .map(([k, v]) => `${k} ${v}`)
      .join("  ")}`,
    "by kind:",
    ...Object.entries(summary.by_kind).map(
      ([k, v]) =>
        `  ${k.padEnd(8)} n=${String(v.n).padStart(3)}  R@5 ${fmt(v.recall_at_5)}  MRR ${fmt(v.mrr_at_10)}  facts ${fmt(v.fact_recall)}  abst ${fmt(v.abstention_accuracy)}`,
    ),
  ];
  if (tracked.runId) lines.push(`MLflow run ${tracked.runId} (experiment ${config.tracking.experimentName})`);
  if (tracked.table) lines.push("", tracked.table);
  process.stdout.write(`${lines.join("\n")}\n`);
  finish(tracked.comparison);
}

/** --track (log the run to MLflow), --compare <run-id> / --baseline <eval --json file> (table), --max-drop (gate). */
async function trackAndCompare(
  config: ReturnType<typeof loadConfig>,
  o: {
    values: {
      track?: boolean;
      "run-name"?: string;
      compare?: string;
      baseline?: string;
      "max-drop"?: string;
    };
    file: string;
    corpus: string;
    summary: Record<string, unknown>;
    questions: readonly unknown[];
  },
): Promise<{ runId?: string; table?: string; comparison?: Comparison }> {
  const { values } = o;
  if (!values.track && !values.compare && !values.baseline) return {};
  const t = await import("./evalTracking.js");
  const metrics = t.evalMetrics(o.summary);
  let runId: string | undefined;
  if (values.track) {
    const params = t.evalParams(config, {
      questionsFile: o.file,
      corpusDir: o.corpus,
      answers: String(o.summary.answers ?? ""),
      answerMode: (o.summary.answer_mode as string | null | undefined) ?? null,
    });
    const name =
      values["run-name"] ?? `${o.file.split("/").pop()} ${params.retrieval_mode} ${params.answer_mode}`;
    runId = (await t.trackEval(config, { name, params, metrics, questions: o.questions, summary: o.summary }))
      .runId;
  }
  if (!values.compare && !values.baseline) return runId ? { runId } : {};
  const before = values.compare
    ? await t.runMetrics(config, values.compare)
    : t.evalMetrics(
        JSON.parse(await (await import("node:fs/promises")).readFile(values.baseline ?? "", "utf8")),
      );
  const maxDrop = values["max-drop"] === undefined ? undefined : Number(values["max-drop"]);
  if (maxDrop !== undefined && !(maxDrop >= 0))
    throw new AppError("INPUT_INVALID", "--max-drop must be a number ≥ 0");
  const comparison = t.compareMetrics(before, metrics, maxDrop);
  const table = t.comparisonTable(comparison, {
    before: values.compare ? values.compare.slice(0, 10) : "baseline",
    after: runId ? runId.slice(0, 10) : "this run",
  });
  return { ...(runId ? { runId } : {}), table, comparison };
}

/** The gate: a quality figure that dropped by more than --max-drop makes `isa eval` exit non-zero. */
function finish(c: Comparison | undefined): void {
  if (!c || c.regressions.length === 0) return;
  process.stderr.write(
    `eval gate: ${c.regressions.length} metric(s) dropped beyond the margin: ${c.regressions.join(", ")}\n`,
  );
  process.exitCode = 1;
}
