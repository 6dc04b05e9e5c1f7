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
