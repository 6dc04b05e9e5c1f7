export type {
  AnswerPayload,
  ApiClient,
  ApiClientOptions,
  AskOptions,
  ClientSearchOptions,
  ConversationTurn,
  FeedbackInput,
  Project,
  ProjectsResponse,
  SearchHit,
  SearchResponse,
  SseEvent,
  WireCitation,
} from "./client/index.js";
export {
  composeQuestion,
  createApiClient,
  MAX_QUESTION_CHARS,
  readSse,
  TRACE_ID,
  wireAnswerSchema,
  wireCitationSchema,
  wireErrorSchema,
  wireFeedbackResponseSchema,
  wireProjectSchema,
  wireProjectsResponseSchema,
  wireSearchHitSchema,
  wireSearchResponseSchema,
  wireTokenEventSchema,
} from "./client/index.js";
export type { Config, Env } from "./config.js";
export { envSchema, loadConfig } from "./config.js";
export type {
  Answer,
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
  DocumentState,
  Embedder,
  Llm,
  SearchOptions,
  TokenUsage,
  Tracker,
  TrackerRun,
  VectorStore,
} from "./ports.js";
export { cosineSimilarity } from "./vector.js";
