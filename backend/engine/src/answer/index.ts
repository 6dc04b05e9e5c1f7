// Grounded answering over retrieved sources: prompt, citations, abstention, extractive and hybrid modes.
export type { Answerer, AnswererDeps } from "./answerer.js";
export { createAnswerer } from "./answerer.js";
export { citedNumbers, rewriteCitations } from "./citations.js";
export type { Evidence, EvidenceOptions, EvidenceSource } from "./extractive.js";
export { renderEvidence, selectEvidence } from "./extractive.js";
export {
  FOLLOW_UP_MARGIN,
  HISTORY_TURNS,
  historyMessages,
  isFollowUp,
  preferExpanded,
  retrievalQuery,
} from "./history.js";
export type { PromptSource, TokenCounter } from "./prompt.js";
export { buildMessages, escapeSourceText, estimateTokens, fitSources, SYSTEM_PROMPT } from "./prompt.js";
export type {
  AnswererConfig,
  AnswerMode,
  AnswerOptions,
  AnswerResult,
  AnswerRetriever,
  AnswerTimings,
  HistoryTurn,
  RetrievalHit,
  RetrievalResult,
} from "./types.js";
