// The index `isa eval` built for a corpus (cached under $ISA_DATA_DIR/eval-cache), opened for a bench that wants
// to run retrieval or answering over the eval questions without re-ingesting.
import path from "node:path";
import { corpusHash, loadQuestions } from "../../backend/engine/dist/eval/runEval.js";
import { createRuntime } from "../../backend/engine/dist/runtime.js";
import { loadConfig } from "../../core/dist/index.js";
import { INDEX_VERSION } from "../../ingest/dist/index.js";

const repo = path.resolve(import.meta.dirname, "../..");

/**
 * @param {string[]} positional  [questions.jsonl, corpus dir], both optional (default: ../shared/eval npm-docs)
 * @param {Record<string, string>} env  extra environment for the config (e.g. ISA_ANSWER_MODE)
 */
export async function openEvalIndex(positional, env = {}) {
  const questionsFile = positional[0] ?? path.join(repo, "../shared/eval/npm-docs.jsonl");
  const corpusDir = path.resolve(positional[1] ?? path.join(repo, "../shared/eval/corpus/npm-docs"));
  const config = loadConfig({
    ...process.env,
    ISA_DATA_DIR: process.env.ISA_DATA_DIR ?? path.join(repo, ".isa"),
    ...env,
  });
  const key = `${await corpusHash(corpusDir)}-${config.embed.model}-v${INDEX_VERSION}`;
  const runtime = createRuntime(config, { storeDir: path.join(config.dataDir, "eval-cache", key) });
  const store = await runtime.store();
  if ((await store.stats()).chunks === 0) {
    console.error(
      `no eval index at ${key}: run \`isa eval ${questionsFile} --corpus ${corpusDir}\` once first`,
    );
    process.exit(1);
  }
  const questions = (await loadQuestions(questionsFile)).filter((q) => q.gold.length > 0);
  return { config, runtime, questions };
}
