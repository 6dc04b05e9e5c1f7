// Public surface of @isa/backend: retrieval, answering, LLM adapters, evaluation and the runtime that wires them.
export type { A2aDeps, A2aStartOptions, AgentBackend, AgentId, RunningA2aServer } from "./a2a/index.js";
export { buildA2aApp, createInProcessAgents, startA2aServer } from "./a2a/index.js";
export type { Answerer, AnswerOptions, AnswerResult } from "./answer/index.js";
export { createAnswerer } from "./answer/index.js";
export type { AppDeps, RunningServer, ShutdownOptions, StartOptions } from "./api/index.js";
export {
  buildApp,
  buildOpenApi,
  createApiMetrics,
  defaultLogger,
  shutdown,
  startServer,
} from "./api/index.js";
export type { Project } from "./api/projects.js";
export { discoverProjects } from "./api/projects.js";
export type { Authenticator, AuthenticatorOptions, OidcOptions, TokenEntry } from "./auth/index.js";
export {
  authenticatorFromConfig,
  createAuthenticator,
  hashToken,
  loadTokensFile,
  parseTokensFile,
} from "./auth/index.js";
export type { QuestionResult } from "./eval/metrics.js";
export { factRecall, recallAt, reciprocalRankAt, summarise } from "./eval/metrics.js";
export { runEval } from "./eval/runEval.js";
export { createLlamaCppLlm, createOpenAiCompatibleLlm } from "./llm/index.js";
export type { CodeownersRule, OwnerEntry, Ownership, OwnershipQuery } from "./owners/index.js";
export { findOwners, matchRule, parseCatalogEntities, parseCodeownersRules } from "./owners/index.js";
export type { RetrievalResult, Retriever } from "./retrieval/index.js";
export { createRetriever } from "./retrieval/index.js";
export type { Runtime, RuntimeOptions, RuntimeParts } from "./runtime.js";
export { createRuntime, createRuntimeFrom } from "./runtime.js";
