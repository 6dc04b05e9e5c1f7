// Public surface of @isa/tracking: the MLflow adapters of core's tracking ports (answer traces over OTLP/HTTP,
// feedback assessments, eval runs over REST) and the REST client the CLI's eval commands use.
export type { AnswerSpans, SpanSpec, SpanType } from "./answerSpans.js";
export { answerSpans } from "./answerSpans.js";
export type { MlflowClient, MlflowClientOptions, MlflowRun, MlflowRunInfo } from "./mlflowClient.js";
export { createMlflowClient, MlflowRequestError, mlflowTraceId } from "./mlflowClient.js";
export type { MlflowTracer, MlflowTracerOptions, TrackingLogger } from "./mlflowTracer.js";
export { createMlflowTracer, sampledByRatio } from "./mlflowTracer.js";
export type { MlflowTrackerOptions } from "./mlflowTracker.js";
export { createMlflowTracker } from "./mlflowTracker.js";
