// The API client's public surface (re-exported from @isa/core).
export type {
  ApiClient,
  ApiClientOptions,
  AskOptions,
  ConversationTurn,
  FeedbackInput,
  SearchOptions as ClientSearchOptions,
} from "./apiClient.js";
export { composeQuestion, createApiClient, MAX_QUESTION_CHARS } from "./apiClient.js";
export type { SseEvent } from "./sse.js";
export { readSse } from "./sse.js";
export type {
  AnswerPayload,
  Project,
  ProjectsResponse,
  SearchHit,
  SearchResponse,
  WireCitation,
} from "./wire.js";
export {
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
} from "./wire.js";
