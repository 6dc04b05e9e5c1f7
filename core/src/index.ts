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
// The API client, how answers are labelled, and the wire schemas responses are parsed with.
export { answerLabel } from "./client/answerLabel.js";
export type {
  ApiClient,
  ApiClientOptions,
  AskOptions,
  ConversationTurn,
  FeedbackInput,
  OwnersQuery,
  SearchOptions as ClientSearchOptions,
} from "./client/apiClient.js";
export {
  composeQuestion,
  createApiClient,
  MAX_LOOKUP_TERMS,
  MAX_QUESTION_CHARS,
} from "./client/apiClient.js";
export type { SseEvent } from "./client/sse.js";
export { readSse } from "./client/sse.js";
export type {
  AnswerPayload,
  ConversationPayload,
  ConversationTurnPayload,
  LookupDoc,
  LookupResponse,
  LookupResult,
  Owner,
  OwnersResponse,
  Project,
  ProjectsResponse,
  SearchHit,
  SearchResponse,
  WireCitation,
} from "./client/wire.js";
export {
  CONVERSATION_ID,
  citationJson,
  TRACE_ID,
  wireAnswerModeSchema,
  wireAnswerSchema,
  wireAnswerStateSchema,
  wireCitationSchema,
  wireConversationSchema,
  wireConversationTurnSchema,
  wireErrorSchema,
  wireFeedbackResponseSchema,
  wireLookupDocSchema,
  wireLookupResponseSchema,
  wireLookupResultSchema,
  wireOwnerSchema,
  wireOwnersResponseSchema,
  wireProjectSchema,
  wireProjectsResponseSchema,
  wireSearchHitSchema,
  wireSearchResponseSchema,
  wireTokenEventSchema,
} from "./client/wire.js";
export type { Config, Env, KafkaConfig, QdrantConfig } from "./config.js";
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
