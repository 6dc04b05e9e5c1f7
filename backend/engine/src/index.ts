// Public surface of @isa/engine: retrieval, answering, LLM adapters, owners and projects, evaluation, and the runtime
// that composes them. Loading it loads no HTTP framework, agent SDK or database driver; the store, embedder and LLM
// adapters load when the runtime first needs them.

export { NO_ANSWER_SENTENCE, saysNoAnswer } from "./answer/abstain.js";
export { toCitation } from "./answer/citations.js";
export type {
  Answerer,
  AnswererConfig,
  AnswerMode,
  AnswerOptions,
  AnswerResult,
  AnswerRetriever,
  AnswerTimings,
  HistoryTurn,
} from "./answer/index.js";
export {
  citedNumbers,
  createAnswerer,
  HISTORY_TURNS,
  isFollowUp,
  preferExpanded,
  retrievalQuery,
} from "./answer/index.js";
export { joinChunks } from "./documents.js";
export type { QuestionResult } from "./eval/metrics.js";
export { factRecall, recallAt, reciprocalRankAt, summarise } from "./eval/metrics.js";
export { corpusHash, loadQuestions, runEval } from "./eval/runEval.js";
export type {
  LlamaCppLlm,
  LlamaCppOptions,
  OpenAiCompatibleLlm,
  OpenAiCompatibleOptions,
} from "./llm/index.js";
export { createLlamaCppLlm, createOpenAiCompatibleLlm } from "./llm/index.js";
export { createToolCallAssembler } from "./llm/openaiCompatible.js";
export type { TraceAnswerMeta, TraceAnswerOutcome } from "./observe.js";
export {
  answerState,
  currentTraceparent,
  formatTraceparent,
  modelOf,
  newSpanId,
  observedLlm,
  observedRetriever,
  PROMPT_VERSION,
  parseTraceparent,
  promptVersionOf,
  traceAnswer,
} from "./observe.js";
export type {
  CatalogEntity,
  CatalogProblem,
  CodeownersRule,
  OwnedProject,
  OwnerEntry,
  Ownership,
  OwnershipQuery,
} from "./owners/index.js";
export {
  catalogProblems,
  findOwners,
  matchRule,
  onCatalogProblem,
  parseCatalogEntities,
  parseCatalogInfo,
  parseCodeownersRules,
} from "./owners/index.js";
export type { Project } from "./owners/projects.js";
export { discoverProjects, parseCodeowners, readmeDescription } from "./owners/projects.js";
export type {
  RetrievalHit,
  RetrievalMode,
  RetrievalResult,
  RetrieveOptions,
  Retriever,
} from "./retrieval/index.js";
export { createRetriever } from "./retrieval/index.js";
export type { Runtime, RuntimeOptions, RuntimeParts } from "./runtime.js";
export { createRuntime, createRuntimeFrom, embedderFor } from "./runtime.js";
