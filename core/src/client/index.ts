// The API client's public surface (re-exported from @isa/core).

export { answerLabel } from "./answerLabel.js";
export type {
  ApiClient,
  ApiClientOptions,
  AskOptions,
  ConversationTurn,
  FeedbackInput,
  OwnersQuery,
  SearchOptions as ClientSearchOptions,
} from "./apiClient.js";
export { composeQuestion, createApiClient, MAX_LOOKUP_TERMS, MAX_QUESTION_CHARS } from "./apiClient.js";
export type { SseEvent } from "./sse.js";
export { readSse } from "./sse.js";
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
} from "./wire.js";
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
} from "./wire.js";
