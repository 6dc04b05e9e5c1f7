// Public surface of @isa/server: the fastify app that serves the /v1 API and the A2A agents on one HTTP stack, with
// auth, rate limits, metrics and persistence. The engine, agents and auth are packages of their own.

export type { A2aDeps, A2aStartOptions, RunningA2aServer } from "./a2a/server.js";
export { startA2aServer } from "./a2a/server.js";
export type { A2aOptions, AppDeps } from "./api/app.js";
export { apiContextOf, buildApp, defaultLogger } from "./api/app.js";
export type { ApiContext } from "./api/context.js";
export type { ApiMetrics } from "./api/metrics.js";
export { createApiMetrics } from "./api/metrics.js";
export { buildOpenApi } from "./api/openapi.js";
export type { RouteName, RouteSpec } from "./api/routeTable.js";
export { ROUTES } from "./api/routeTable.js";
export type { AnswerPayload, AskBody, FeedbackBody, SearchBody, SearchResponse } from "./api/schemas.js";
export {
  answerSchema,
  askBodySchema,
  feedbackBodySchema,
  searchBodySchema,
  searchResponseSchema,
  TRACE_ID,
} from "./api/schemas.js";
export type { RunningServer, ShutdownOptions, StartOptions } from "./api/server.js";
export { shutdown, startServer } from "./api/server.js";
export { sseFrame } from "./api/sse.js";
export type { AppTracing } from "./api/tracking.js";
export { appTracing } from "./api/tracking.js";
export type { PgRateLimiterOptions } from "./persistence/index.js";
export {
  closeSharedDatabases,
  createPgRateLimiter,
  defaultConversationStore,
  defaultRateLimiter,
  defaultTaskStore,
} from "./persistence/index.js";
