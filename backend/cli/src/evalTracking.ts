// `isa eval --track / --compare / --max-drop`: an eval run as an MLflow run (params that say what was measured,
// every figure the eval prints as a metric, the per-question results as an artifact), a before/after table against
// an earlier run, and a gate that fails when a quality figure drops by more than a margin.
import { execFileSync } from "node:child_process";
import type { Config } from "@isa/core";
import { AppError } from "@isa/core";
import { modelOf, promptVersionOf } from "@isa/engine";

/** Figures where lower is better; every other metric is better higher (latencies are reported, never gated). */
const LOWER_IS_BETTER = /false_abstention|latency/;

/** Every number of an eval summary, flattened to MLflow metric keys (`by_kind.docs.recall_at_5`). */
export function evalMetrics(summary: Record<string, unknown>, prefix = ""): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(summary)) {
    const key = `${prefix}${k.replace(/[^A-Za-z0-9_./ -]/g, "_")}`;
    if (typeof v === "number" && Number.isFinite(v)) out[key] = v;
    else if (v && typeof v === "object" && !Array.isArray(v))
      Object.assign(out, evalMetrics(v as Record<string, unknown>, `${key}.`));
  }
  return out;
}

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "unknown";
  }
}

/** What the run measured: models, retrieval, chunking, prompt, code version, question set. */
export function evalParams(
  config: Config,
  info: { questionsFile: string; corpusDir: string; answers: string; answerMode?: string | null },
): Record<string, string> {
  return {
    embedding_model: config.embed.model,
    llm: modelOf(config),
    answer_mode: info.answerMode ?? config.llm.answerMode,
    answers: info.answers,
    retrieval_mode: config.retrieval.mode,
    top_k: String(config.retrieval.topK),
    fusion: config.retrieval.mode === "hybrid" ? `rrf(k=${config.retrieval.rrfK})` : "none",
    max_chunks_per_doc: String(config.retrieval.maxChunksPerDoc),
    abstain_min_score: String(config.retrieval.abstainMinScore),
    chunking: "structure: markdown by heading path, code by top-level symbol, text by paragraph",
    max_file_bytes: String(config.ingest.maxFileBytes),
    prompt_version: promptVersionOf(config),
    git_commit: gitCommit(),
    questions_file: info.questionsFile,
    corpus: info.corpusDir,
  };
}

export interface TrackedRun {
  readonly runId: string;
  readonly experiment: string;
}

function trackingUri(config: Config): string {
  if (!config.tracking.uri) {
    throw new AppError(
      "INPUT_INVALID",
      "--track and --compare need MLFLOW_TRACKING_URI (the MLflow server).",
    );
  }
  return config.tracking.uri;
}

export async function trackEval(
  config: Config,
  run: {
    name: string;
    params: Record<string, string>;
    metrics: Record<string, number>;
    questions: readonly unknown[];
    summary: unknown;
  },
): Promise<TrackedRun> {
  const { createMlflowTracker } = await import("@isa/tracking");
  const tracker = createMlflowTracker({
    uri: trackingUri(config),
    tags: { "mlflow.source.git.commit": run.params.git_commit ?? "unknown" },
  });
  const experiment = config.tracking.experimentName;
  const r = await tracker.startRun(experiment, run.name);
  try {
    await r.logParams(run.params);
    await r.logMetrics(run.metrics);
    await r.logText("questions.jsonl", run.questions.map((q) => JSON.stringify(q)).join("\n") + "\n");
    await r.logText("summary.json", `${JSON.stringify(run.summary, null, 2)}\n`);
    await r.end("FINISHED");
  } catch (err) {
    await r.end("FAILED").catch(() => {});
    throw err;
  }
  return { runId: r.runId, experiment };
}

/** The metrics of an earlier MLflow run. */
export async function runMetrics(config: Config, runId: string): Promise<Record<string, number>> {
  const { createMlflowClient } = await import("@isa/tracking");
  const run = await createMlflowClient({ uri: trackingUri(config) }).getRun(runId);
  return Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, Number(m.value)]));
}

export interface Comparison {
  readonly rows: readonly { key: string; before?: number; after?: number; delta?: number; worse: boolean }[];
  /** Quality figures that dropped by more than the margin. */
  readonly regressions: readonly string[];
}

export function compareMetrics(
  before: Record<string, number>,
  after: Record<string, number>,
  maxDrop = Number.POSITIVE_INFINITY,
): Comparison {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const regressions: string[] = [];
  const rows = keys.map((key) => {
    const b = before[key];
    const a = after[key];
    const delta = a !== undefined && b !== undefined ? a - b : undefined;
    const lower = LOWER_IS_BETTER.test(key);
    const drop = delta === undefined ? 0 : lower ? delta : -delta;
    const gated = !key.startsWith("latency") && !key.endsWith(".n") && key !== "n";
    const worse = gated && drop > maxDrop + 1e-12;
    if (worse) regressions.push(key);
    return {
      key,
      ...(b === undefined ? {} : { before: b }),
      ...(a === undefined ? {} : { after: a }),
      ...(delta === undefined ? {} : { delta }),
      worse,
    };
  });
  return { rows, regressions };
}

export function comparisonTable(c: Comparison, labels: { before: string; after: string }): string {
  const f = (v: number | undefined) =>
    v === undefined ? "—" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3);
  const width = Math.max(6, ...c.rows.map((r) => r.key.length));
  const head = `${"metric".padEnd(width)}  ${labels.before.padStart(10)}  ${labels.after.padStart(10)}  ${"Δ".padStart(8)}`;
  const lines = c.rows.map(
    (r) =>
      `${r.key.padEnd(width)}  ${f(r.before).padStart(10)}  ${f(r.after).padStart(10)}  ${(r.delta === undefined ? "—" : `${r.delta >= 0 ? "+" : ""}${f(r.delta)}`).padStart(8)}${r.worse ? "  ✗ regression" : ""}`,
  );
  return [head, ...lines].join("\n");
}
