// Runs an eval question set against a corpus: index (cached by corpus hash), retrieve, optionally answer, score.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Config, Principal } from "@isa/core";
import { AppError, PUBLIC_GROUP, sha256Hex } from "@isa/core";
import { INDEX_VERSION, update } from "@isa/ingest/indexer";
import { keyTerms, unmentionedTerms } from "../answer/abstain.js";
import { createRuntime } from "../runtime.js";
import type { EvalQuestion, QuestionResult } from "./metrics.js";
import { evalQuestionSchema, factRecall, recallAt, reciprocalRankAt, summarise } from "./metrics.js";

export interface EvalOptions {
  readonly questionsFile: string;
  readonly corpusDir: string;
  readonly retrievalOnly: boolean;
  readonly limit?: number;
  readonly onProgress?: (done: number, total: number, id: string) => void;
}

export async function loadQuestions(file: string): Promise<EvalQuestion[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new AppError("PATH_INVALID", `Cannot read questions file ${file}.`, { cause });
  }
  return text
    .split("\n")
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l.length > 0)
    .map(([l, line]) => {
      let json: unknown;
      try {
        json = JSON.parse(l);
      } catch (cause) {
        throw new AppError("INPUT_INVALID", `${file}:${line}: not valid JSON.`, { cause });
      }
      const parsed = evalQuestionSchema.safeParse(json);
      if (!parsed.success)
        throw new AppError("INPUT_INVALID", `${file}:${line}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
}

/** Hash of every file's path and bytes under dir: the cache key of the eval's index. */
export async function corpusHash(dir: string): Promise<string> {
  const parts: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) parts.push(`${path.relative(dir, p)}\u0000${sha256Hex(await readFile(p))}`);
    }
  };
  try {
    await walk(dir);
  } catch (cause) {
    throw new AppError("PATH_INVALID", `Cannot read corpus ${dir}.`, { cause });
  }
  return sha256Hex(parts.join("\n")).slice(0, 16);
}

export async function runEval(config: Config, opts: EvalOptions) {
  const questions = (await loadQuestions(opts.questionsFile)).slice(
    0,
    opts.limit ?? Number.POSITIVE_INFINITY,
  );
  const corpus = path.resolve(opts.corpusDir);
  const key = `${await corpusHash(corpus)}-${config.embed.model}-v${INDEX_VERSION}`;
  const rt = createRuntime(config, { storeDir: path.join(config.dataDir, "eval-cache", key) });
  const principal: Principal = { id: "eval", groups: [PUBLIC_GROUP] };
  try {
    const store = await rt.store();
    const embedder = await rt.embedder();
    const indexStart = performance.now();
    const it = update(
      [{ name: "corpus", root: corpus }],
      { store, embedder },
      {
        maxFileBytes: config.ingest.maxFileBytes,
        defaultGroups: config.ingest.defaultGroups,
      },
    );
    let r = await it.next();
    while (!r.done) r = await it.next();
    const ingest = { ...r.value, ms: Math.round(performance.now() - indexStart) };

    const retriever = await rt.retriever();
    const answerer = opts.retrievalOnly ? undefined : await rt.answerer();
    const results: QuestionResult[] = [];
    for (const [i, q] of questions.entries()) {
      opts.onProgress?.(i, questions.length, q.id);
      const t0 = performance.now();
      const res = await retriever.retrieve(q.question, { principal, k: 10 });
      const retrievalMs = performance.now() - t0;
      const files = res.hits.map((h) => h.chunk.path);
      const answerable = q.gold.length > 0;
      // For the key-term sweep: the question's names that no chunk mentions (timed apart from retrieval).
      const unmentioned = await unmentionedTerms(store, keyTerms(q.question), principal);
      let abstained = res.hits.length === 0 || res.bestDenseScore < config.retrieval.abstainMinScore;
      let fr: number | undefined;
      let answerMs: number | undefined;
      let answer:
        | { state: "answered" | "partial" | "abstained"; text: string; notCovered?: readonly string[] }
        | undefined;
      if (answerer) {
        const t1 = performance.now();
        const a = await answerer.answer(q.question, { principal });
        answerMs = performance.now() - t1;
        // A partial answer declines what was asked (it says what the sources do not cover).
        abstained = a.state !== "answered";
        answer = { state: a.state, text: a.answer, ...(a.notCovered ? { notCovered: a.notCovered } : {}) };
        if (answerable) fr = factRecall(q.facts, a.answer);
      }
      results.push({
        id: q.id,
        kind: q.kind,
        answerable,
        recallAt5: answerable ? recallAt(q.gold, files, 5) : 0,
        mrrAt10: answerable ? reciprocalRankAt(q.gold, files, 10) : 0,
        abstained,
        ...(answer ? { state: answer.state } : {}),
        ...(fr === undefined ? {} : { factRecall: fr }),
        retrievalMs,
        bestDenseScore: res.bestDenseScore,
        unmentioned,
        ...(answerMs === undefined ? {} : { answerMs }),
        ...(answer
          ? { answer: answer.text, ...(answer.notCovered ? { notCovered: answer.notCovered } : {}) }
          : {}),
      });
    }
    opts.onProgress?.(questions.length, questions.length, "");
    return {
      ...summarise(results, config.retrieval.abstainMinScore),
      mode: config.retrieval.mode,
      answers: opts.retrievalOnly
        ? "none"
        : config.llm.baseUrl
          ? `openai:${config.llm.model}`
          : config.llm.localModel,
      answer_mode: opts.retrievalOnly ? null : config.llm.answerMode,
      embed_model: config.embed.model,
      index: { files: ingest.files, chunks: ingest.chunks, embedded: ingest.embedded, ms: ingest.ms },
      questions: results,
    };
  } finally {
    await rt.close();
  }
}
