// The API client's surface is listed once, in ./client/index.ts.

export type {
  Bus,
  BusAssignment,
  BusHandler,
  BusMessage,
  BusRecord,
  BusSubscription,
  SubscribeOptions,
} from "./bus/bus.js";
export { DEFAULT_RETRY_BACKOFF, retryDelayMs } from "./bus/bus.js";
export type { InProcessBusOptions } from "./bus/inProcessBus.js";
export { createInProcessBus } from "./bus/inProcessBus.js";
export { murmur2, partitionForKey } from "./bus/partition.js";
export type { BaseTopic, ConcreteTopic, TopicSpec } from "./bus/topics.js";
export { concreteTopics, DLQ_RETENTION_MS, dlqTopic, retryTopic, TOPIC_TABLE, TOPICS } from "./bus/topics.js";
export * from "./client/index.js";
export type { Config, Env, KafkaConfig } from "./config.js";
export { envSchema, loadConfig } from "./config.js";
export {
  documentPathMatches,
  documentQueryMatches,
  fileNameOf,
  mayReadDocument,
  pathDepth,
} from "./documentQuery.js";
export type {
  Answer,
  AnswerOrigin,
  AnswerStatus,
  Chunk,
  Citation,
  Document,
  DocumentKind,
  EmbeddedChunk,
  Principal,
  ScoredChunk,
} from "./domain.js";
export { PUBLIC_GROUP } from "./domain.js";
export type { AppErrorOptions, ErrorCode } from "./errors.js";
export { AppError, ERROR_CATALOG, isAppError, toAppError } from "./errors.js";
export { contentId, sha256Hex } from "./hash.js";
export type {
  ChatDelta,
  ChatMessage,
  ChatRequest,
  ConversationAppend,
  ConversationAppendResult,
  ConversationRecord,
  ConversationStore,
  ConversationTurnRecord,
  DocumentQuery,
  DocumentState,
  Embedder,
  Llm,
  SearchOptions,
  TokenUsage,
  ToolCall,
  ToolSpec,
  Tracker,
  TrackerRun,
  VectorStore,
} from "./ports.js";
export type { RateDecision, RateLimiter, RateLimiterOptions } from "./rateLimit.js";
export {
  addressRateKey,
  chargedCost,
  createMemoryRateLimiter,
  principalRateKey,
  RATE_WINDOW_MS,
  rateWindow,
} from "./rateLimit.js";
export type {
  AnswerState,
  AnswerTraceRecord,
  AnswerTracer,
  GenerationObservation,
  RetrievalObservation,
  TracedCitation,
  TraceFeedback,
  TraceParent,
} from "./tracking.js";
export { cosineSimilarity } from "./vector.js";
