// The MLflow AnswerTracer: answer records become OpenTelemetry spans (sdk-trace-base, this module's own provider;
// nothing global is registered) exported over OTLP/HTTP to `<uri>/v1/traces` with `x-mlflow-experiment-id`.
// Feedback becomes an assessment on the trace (`/api/3.0/mlflow/traces/{id}/assessments`, source HUMAN).
//
// Never in an answer's way: `record` and `feedback` only push to bounded queues and return; one background loop
// exports a batch at a time. When a queue is full, or an export fails (MLflow down, slow, refusing), the spans are
// dropped and counted (`dropped()`, shown in /metrics); the first failure of an episode is logged as a warning and
// the recovery once, never one line per answer.
import type { AnswerTraceRecord, AnswerTracer, TraceFeedback } from "@isa/core";
import type { Context, SpanContext } from "@opentelemetry/api";
import { ROOT_CONTEXT, SpanStatusCode, TraceFlags, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { IdGenerator, ReadableSpan, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { BasicTracerProvider, RandomIdGenerator } from "@opentelemetry/sdk-trace-base";
import type { SpanSpec } from "./answerSpans.js";
import { answerSpans } from "./answerSpans.js";
import type { MlflowClient } from "./mlflowClient.js";
import { createMlflowClient, MlflowRequestError, mlflowTraceId } from "./mlflowClient.js";

/** The few logger methods used (pino fits). */
export interface TrackingLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface MlflowTracerOptions {
  readonly uri: string;
  readonly experimentName: string;
  /** Share of traces sent (0–1), decided from the trace id. */
  readonly sampleRatio?: number;
  /** Spans held for export at most (default 2048); feedback items likewise, a tenth of it. */
  readonly queueMax?: number;
  /** Spans per OTLP request (default 256). */
  readonly batchSize?: number;
  /** How long finished spans wait for more before an export (default 500 ms). */
  readonly flushDelayMs?: number;
  /** Per OTLP or REST request (default 10 s). */
  readonly timeoutMs?: number;
  readonly logger?: TrackingLogger;
  /** Resource `service.name` (default `innersource-assistant`). */
  readonly serviceName?: string;
}

export interface MlflowTracer extends AnswerTracer {
  /** Resolves when everything queued so far was sent or dropped (tests, shutdown). */
  flush(): Promise<void>;
  /** Spans exported so far. */
  exported(): number;
}

/** Deterministic sampling from the trace id's last 8 hex digits, so every agent of one answer decides alike. */
export function sampledByRatio(traceId: string, ratio: number): boolean {
  if (ratio >= 1) return true;
  if (ratio <= 0) return false;
  const n = Number.parseInt(traceId.slice(-8), 16);
  return Number.isFinite(n) && n / 0x1_0000_0000 < ratio;
}

/** Ids the SDK asks for, answered from a one-shot override (the root span must carry the answer's trace id). */
class OverridableIds implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  next: { traceId?: string; spanId?: string } = {};
  generateTraceId(): string {
    const id = this.next.traceId ?? this.random.generateTraceId();
    this.next.traceId = undefined;
    return id;
  }
  generateSpanId(): string {
    const id = this.next.spanId ?? this.random.generateSpanId();
    this.next.spanId = undefined;
    return id;
  }
}

export function createMlflowTracer(opts: MlflowTracerOptions): MlflowTracer {
  const queueMax = opts.queueMax ?? 2048;
  const feedbackMax = Math.max(16, Math.floor(queueMax / 10));
  const batchSize = opts.batchSize ?? 256;
  const flushDelayMs = opts.flushDelayMs ?? 500;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const ratio = opts.sampleRatio ?? 1;
  const client: MlflowClient = createMlflowClient({ uri: opts.uri, timeoutMs });
  const log = opts.logger;

  const spans: ReadableSpan[] = [];
  const feedbacks: { f: TraceFeedback; attempts: number }[] = [];
  let droppedCount = 0;
  let exportedCount = 0;
  let failing = false;
  let droppedInEpisode = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  let experimentId: string | undefined;
  let exporter: OTLPTraceExporter | undefined;

  const drop = (n: number) => {
    droppedCount += n;
    droppedInEpisode += n;
  };
  const fail = (err: unknown, what: string) => {
    if (!failing) {
      failing = true;
      log?.warn(
        { err: (err as Error)?.message ?? String(err), mlflow: opts.uri },
        `MLflow tracking failing (${what}); traces are dropped until it answers again`,
      );
    }
  };
  const succeed = () => {
    if (failing) {
      failing = false;
      log?.info({ dropped: droppedInEpisode, mlflow: opts.uri }, "MLflow tracking recovered");
      droppedInEpisode = 0;
    }
  };

  const queue: SpanProcessor = {
    onStart() {},
    onEnd(span) {
      if (closed || spans.length >= queueMax) {
        drop(1);
        return;
      }
      spans.push(span);
      schedule();
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const ids = new OverridableIds();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": opts.serviceName ?? "innersource-assistant" }),
    idGenerator: ids,
    spanProcessors: [queue],
  });
  const tracer = provider.getTracer("@isa/tracking");

  function schedule() {
    if (timer || running) return;
    timer = setTimeout(() => {
      timer = undefined;
      void drain();
    }, flushDelayMs);
    timer.unref();
  }

  async function ensureExporter(): Promise<OTLPTraceExporter> {
    if (exporter) return exporter;
    experimentId ??= await client.experimentId(opts.experimentName);
    exporter = new OTLPTraceExporter({
      url: `${client.uri}/v1/traces`,
      headers: { "x-mlflow-experiment-id": experimentId },
      timeoutMillis: timeoutMs,
    });
    return exporter;
  }

  async function exportBatch(batch: ReadableSpan[]): Promise<void> {
    const ex = await ensureExporter();
    await new Promise<void>((resolve, reject) => {
      ex.export(batch, (result) => {
        // ExportResultCode.SUCCESS is 0.
        if (result.code === 0) resolve();
        else reject(result.error ?? new Error("OTLP export failed"));
      });
    });
  }

  async function sendFeedback(item: { f: TraceFeedback; attempts: number }): Promise<"done" | "retry"> {
    const { f } = item;
    try {
      await client.createAssessment(mlflowTraceId(f.traceId), {
        assessment_name: "user_feedback",
        source: { source_type: "HUMAN", source_id: f.principalId },
        feedback: { value: f.rating === "up" },
        ...(f.comment ? { rationale: f.comment } : {}),
        metadata: { rating: f.rating },
      });
      return "done";
    } catch (err) {
      // The trace may still be in flight (queued spans): retry a few times before giving up on this one.
      if (err instanceof MlflowRequestError && err.notFound && item.attempts < 5) return "retry";
      throw err;
    }
  }

  async function drainOnce(): Promise<boolean> {
    let progressed = false;
    while (spans.length > 0) {
      const batch = spans.splice(0, batchSize);
      try {
        await exportBatch(batch);
        exportedCount += batch.length;
        succeed();
      } catch (err) {
        drop(batch.length);
        fail(err, "trace export");
        // While failing, drop what is queued rather than queueing behind a dead server.
        drop(spans.length);
        spans.length = 0;
      }
      progressed = true;
    }
    const retry: typeof feedbacks = [];
    while (feedbacks.length > 0) {
      const item = feedbacks.shift();
      if (!item) break;
      item.attempts++;
      try {
        if ((await sendFeedback(item)) === "retry") retry.push(item);
        else succeed();
      } catch (err) {
        drop(1);
        fail(err, "feedback assessment");
      }
      progressed = true;
    }
    feedbacks.push(...retry);
    return progressed && retry.length > 0;
  }

  function drain(): Promise<void> {
    running ??= (async () => {
      try {
        while (await drainOnce()) {
          if (closed) break;
          // Feedback waiting for its trace: give the server a moment.
          await new Promise((r) => setTimeout(r, 200).unref());
        }
      } finally {
        running = undefined;
        if (!closed && (spans.length > 0 || feedbacks.length > 0)) schedule();
      }
    })();
    return running;
  }

  function emit(spec: SpanSpec, ctx: Context, ids2?: { traceId?: string; spanId?: string }) {
    if (ids2) ids.next = { ...ids2 };
    const span = tracer.startSpan(
      spec.name,
      { startTime: spec.start, attributes: { "mlflow.spanType": spec.type, ...spec.attributes } },
      ctx,
    );
    ids.next = {};
    if (spec.error) span.setStatus({ code: SpanStatusCode.ERROR, message: spec.error });
    else span.setStatus({ code: SpanStatusCode.OK });
    return { span, end: () => span.end(spec.end) };
  }

  return {
    sampled: (traceId) => sampledByRatio(traceId, ratio),
    record(r: AnswerTraceRecord) {
      if (closed) return;
      try {
        const { root, children } = answerSpans(r);
        let parentCtx: Context = ROOT_CONTEXT;
        if (r.parent) {
          const sc: SpanContext = {
            traceId: r.parent.traceId,
            spanId: r.parent.spanId,
            traceFlags: TraceFlags.SAMPLED,
            isRemote: true,
          };
          parentCtx = trace.setSpanContext(ROOT_CONTEXT, sc);
        }
        // A root without a parent gets the answer's trace id; with one, the parent's (the same id, sent along).
        const rootSpan = emit(root, parentCtx, {
          ...(r.parent ? {} : { traceId: r.traceId }),
          spanId: r.rootSpanId,
        });
        const childCtx = trace.setSpan(ROOT_CONTEXT, rootSpan.span);
        for (const c of children) emit(c, childCtx).end();
        rootSpan.end();
      } catch (err) {
        drop(1);
        fail(err, "span build");
      }
    },
    feedback(f) {
      if (closed) return;
      if (feedbacks.length >= feedbackMax) {
        drop(1);
        return;
      }
      feedbacks.push({ f, attempts: 0 });
      schedule();
    },
    dropped: () => droppedCount,
    exported: () => exportedCount,
    async flush() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      while (spans.length > 0 || feedbacks.length > 0 || running) await drain();
    },
    async close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      // A last bounded attempt: never hold shutdown for longer than one request timeout.
      const last = drain();
      closed = true;
      await Promise.race([last, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      drop(spans.length + feedbacks.length);
      spans.length = 0;
      feedbacks.length = 0;
      await exporter?.shutdown().catch(() => {});
      await provider.shutdown().catch(() => {});
    },
  };
}
