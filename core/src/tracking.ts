// Tracking ports: each answer as a trace (what was retrieved, what the model did, what was answered), feedback on
// it, and eval runs (params, metrics, artifacts). MLflow implements them at the edge (@isa/tracking); with
// MLFLOW_TRACKING_URI unset nothing implements them and nothing is sent anywhere. Records carry a principal's id,
// never a credential.
import type { TokenUsage } from "./ports.js";

/** W3C trace context of a caller (from a `traceparent`), so the spans of one answer across agents form one trace. */
export interface TraceParent {
  /** 32 lower-case hex digits. */
  readonly traceId: string;
  /** 16 lower-case hex digits. */
  readonly spanId: string;
  readonly sampled: boolean;
}

/** One retrieval as the answer saw it (the engine records these while answering). */
export interface RetrievalObservation {
  readonly query: string;
  readonly k: number;
  /** Chunk kinds searched (an agent's view), when restricted. */
  readonly kinds?: readonly string[];
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly ms: number;
  readonly bestDenseScore?: number;
  readonly hits: readonly {
    readonly chunkId: string;
    readonly path: string;
    readonly score: number;
    readonly denseScore?: number;
  }[];
  /** Set when the retrieval threw. */
  readonly error?: string;
}

/** One LLM call (a streamed completion) as the answer saw it. */
export interface GenerationObservation {
  readonly model: string;
  readonly startedAt: number;
  readonly ms: number;
  readonly firstTokenMs?: number;
  readonly messages: number;
  readonly tools?: number;
  readonly outputChars: number;
  readonly toolCalls?: readonly string[];
  readonly usage?: TokenUsage;
  readonly error?: string;
}

/** How an answer ended, for the trace and for gap reports. */
export type AnswerState = "answered" | "partial" | "abstained" | "failed";

/** A cited source as it goes on a trace. */
export interface TracedCitation {
  readonly n: number;
  readonly chunkId: string;
  readonly path: string;
  readonly source: string;
  readonly score: number;
  readonly startLine: number;
  readonly endLine: number;
}

/** Everything one answer's trace holds. Built by the caller of the answerer, recorded once the answer is done. */
export interface AnswerTraceRecord {
  /** 32 hex digits: the id the API returns as `traceId` and feedback refers to. */
  readonly traceId: string;
  /** 16 hex digits: the answer's root span, named as parent by the calls it makes to other agents. */
  readonly rootSpanId: string;
  /** The caller's span when the question came from another agent (A2A, MCP) with a `traceparent`. */
  readonly parent?: TraceParent;
  /** Which front door or agent answered: `api`, `docs`, `dev`, `root`. */
  readonly agent: string;
  readonly question: string;
  /** The asking principal's id (never a token). */
  readonly principalId: string;
  readonly conversationId?: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly retrievals: readonly RetrievalObservation[];
  readonly generations: readonly GenerationObservation[];
  /** Root agent's decision: the agent chosen and each agent's best dense score. */
  readonly route?: { readonly agent: string; readonly scores: Readonly<Record<string, number>> };
  readonly answeredBy?: string;
  readonly mode?: string;
  readonly promptVersion: string;
  readonly model: string;
  readonly answer?: string;
  readonly state: AnswerState;
  readonly citations: readonly TracedCitation[];
  readonly citationsInferred?: boolean;
  /** Stage latencies the answerer measured (retrieve, generate, first token, total), in ms. */
  readonly timings?: Readonly<Record<string, number>>;
  readonly usage?: TokenUsage;
  /** Error code when the answer failed. */
  readonly error?: string;
}

/** A person's rating of an answer, logged on its trace. */
export interface TraceFeedback {
  readonly traceId: string;
  readonly principalId: string;
  readonly rating: "up" | "down";
  readonly comment?: string;
}

/**
 * Sends answer traces and feedback somewhere. Both calls return at once and never throw: an outage of the
 * tracking server must not fail or slow an answer (adapters queue with a bound and drop, counting the drops).
 */
export interface AnswerTracer {
  /** Whether this trace id is sampled (deterministic from the id, so every agent of one answer agrees). */
  sampled(traceId: string): boolean;
  record(trace: AnswerTraceRecord): void;
  feedback(f: TraceFeedback): void;
  /** Spans and assessments dropped so far (queue full, export failed). */
  dropped(): number;
  /** Sends what is queued (bounded by the adapter's timeout) and stops. */
  close(): Promise<void>;
}

/** Experiment tracking of eval runs (MLflow runs). */
export interface TrackerRun {
  readonly runId: string;
  logParams(params: Record<string, string | number | boolean>): Promise<void>;
  logMetrics(metrics: Record<string, number>): Promise<void>;
  /** A text artifact at `name` (a relative path such as `questions.jsonl`). */
  logText(name: string, text: string): Promise<void>;
  end(status: "FINISHED" | "FAILED"): Promise<void>;
}

export interface Tracker {
  startRun(experiment: string, runName: string): Promise<TrackerRun>;
}
