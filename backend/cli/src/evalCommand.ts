// `isa eval`: retrieval and answer quality over a question set (JSON with --json, a table otherwise).
import { AppError, loadConfig } from "@isa/core";
import { runEval } from "@isa/engine";
import { intOption, parse } from "./args.js";
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
  });
  const file = positionals[0];
  if (!file || !values.corpus) {
    throw new AppError(
      "INPUT_INVALID",
      "usage: isa eval <questions.jsonl> --corpus <dir> [--json] [--retrieval-only]",
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
  if (values.json) {
    process.stdout.write(`${JSON.stringify(values["per-question"] ? report : summary)}\n`);
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
  process.stdout.write(`${lines.join("\n")}\n`);
}
