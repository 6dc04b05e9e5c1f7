// The HTTP API: build the fastify app from a Config and injected parts, listen, shut down gracefully.
export type { AppDeps } from "./app.js";
export { apiContextOf, buildApp, defaultLogger } from "./app.js";
export type { ApiContext } from "./context.js";
export type { ApiMetrics } from "./metrics.js";
export { createApiMetrics } from "./metrics.js";
export { buildOpenApi } from "./openapi.js";
export type { RouteName, RouteSpec } from "./routeTable.js";
export { ROUTES } from "./routeTable.js";
export type { AnswerPayload, AskBody, FeedbackBody, SearchBody, SearchResponse } from "./schemas.js";
export {
  answerSchema,
  askBodySchema,
  feedbackBodySchema,
  searchBodySchema,
  searchResponseSchema,
  TRACE_ID,
} from "./schemas.js";
export type { RunningServer, ShutdownOptions, StartOptions } from "./server.js";
export { shutdown, startServer } from "./server.js";
export { sseFrame } from "./sse.js";
