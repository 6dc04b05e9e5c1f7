// One answer's record → the spans of its trace, typed and attributed the way MLflow renders them (checked against
// MLflow 3.17's OTLP ingestion: mlflow/entities/span.py, mlflow/tracing/otel/translation/__init__.py):
// - `mlflow.spanType`: AGENT (an agent answered), CHAIN (the API's answer, routing), RETRIEVER, LLM;
// - `mlflow.spanInputs` / `mlflow.spanOutputs`: JSON text (MLflow unwraps one layer of encoding on ingest);
// - `mlflow.llm.model`, `mlflow.chat.tokenUsage` ({input_tokens, output_tokens, total_tokens}) on LLM spans;
// - `user.id` and `session.id` on the root span become the trace's user and session;
// - `mlflow.traceTag.<key>` on the root span become trace tags (prompt version, model, state, agent, route).
// Pure: the tracer turns these into OpenTelemetry spans.
import type { AnswerTraceRecord } from "@isa/core";

export type SpanType = "AGENT" | "CHAIN" | "RETRIEVER" | "LLM" | "TOOL";

export interface SpanSpec {
  readonly name: string;
  readonly type: SpanType;
  /** Epoch milliseconds. */
  readonly start: number;
  readonly end: number;
  readonly attributes: Readonly<Record<string, string | number | boolean | string[]>>;
  readonly error?: string;
}

export interface AnswerSpans {
  readonly root: SpanSpec;
  readonly children: readonly SpanSpec[];
}

/** Citation and chunk previews are capped so one trace stays small whatever the answer. */
const MAX_ANSWER_CHARS = 8000;

const json = (v: unknown) => JSON.stringify(v);

export function answerSpans(r: AnswerTraceRecord): AnswerSpans {
  const citations = r.citations.map((c) => ({
    n: c.n,
    chunk_id: c.chunkId,
    source: c.source,
    path: c.path,
    lines: `${c.startLine}-${c.endLine}`,
    score: round(c.score),
  }));
  const tags: Record<string, string> = {
    "mlflow.traceTag.isa.agent": r.agent,
    "mlflow.traceTag.isa.state": r.state,
    "mlflow.traceTag.isa.prompt_version": r.promptVersion,
    "mlflow.traceTag.isa.model": r.model,
    ...(r.mode ? { "mlflow.traceTag.isa.answer_mode": r.mode } : {}),
    ...(r.route ? { "mlflow.traceTag.isa.route": `root→${r.route.agent}` } : {}),
    ...(r.answeredBy ? { "mlflow.traceTag.isa.answered_by": r.answeredBy } : {}),
  };
  const timings = Object.fromEntries(
    Object.entries(r.timings ?? {}).map(([k, v]) => [`isa.timing.${snake(k)}`, round(v)]),
  );
  const root: SpanSpec = {
    name: r.agent === "api" ? "answer" : `agent.${r.agent}`,
    type: r.agent === "api" ? "CHAIN" : "AGENT",
    start: r.startedAt,
    end: Math.max(r.endedAt, r.startedAt),
    attributes: {
      "mlflow.spanInputs": json({ question: r.question }),
      "mlflow.spanOutputs": json({
        answer: truncate(r.answer ?? "", MAX_ANSWER_CHARS),
        state: r.state,
        citations,
        ...(r.citationsInferred ? { citations_inferred: true } : {}),
      }),
      "user.id": r.principalId,
      ...(r.conversationId ? { "session.id": r.conversationId } : {}),
      "isa.question": truncate(r.question, 2000),
      "isa.principal_id": r.principalId,
      "isa.agent": r.agent,
      "isa.answer.state": r.state,
      ...(r.mode ? { "isa.answer.mode": r.mode } : {}),
      "isa.prompt_version": r.promptVersion,
      "isa.model": r.model,
      "isa.citations": citations.map((c) => `[${c.n}] ${c.path}:${c.lines} (${c.chunk_id})`),
      ...(r.route
        ? {
            "isa.route": r.route.agent,
            "isa.route.scores": json(r.route.scores),
          }
        : {}),
      ...(r.answeredBy ? { "isa.answered_by": r.answeredBy } : {}),
      ...(r.usage
        ? {
            "isa.tokens.prompt": r.usage.promptTokens,
            "isa.tokens.completion": r.usage.completionTokens,
          }
        : {}),
      ...timings,
      ...tags,
    },
    ...(r.error ? { error: r.error } : {}),
  };

  const children: SpanSpec[] = [];
  if (r.route) {
    children.push({
      name: "route",
      type: "CHAIN",
      start: r.startedAt,
      end: firstEnd(r) ?? r.startedAt,
      attributes: {
        "mlflow.spanInputs": json({ question: r.question }),
        "mlflow.spanOutputs": json({ agent: r.route.agent, scores: r.route.scores }),
        "isa.route": r.route.agent,
      },
    });
  }
  for (const [i, q] of r.retrievals.entries()) {
    children.push({
      name: q.kinds ? `retrieve.${q.kinds.join("+")}` : "retrieve",
      type: "RETRIEVER",
      start: q.startedAt,
      end: q.startedAt + q.ms,
      attributes: {
        "mlflow.spanInputs": json({ query: q.query, k: q.k, ...(q.kinds ? { kinds: q.kinds } : {}) }),
        // MLflow's retriever view lists documents as {page_content, metadata: {doc_uri, chunk_id}}.
        "mlflow.spanOutputs": json(
          q.hits.map((h) => ({
            page_content: h.path,
            metadata: {
              doc_uri: h.path,
              chunk_id: h.chunkId,
              score: round(h.score),
              ...(h.denseScore === undefined ? {} : { dense_score: round(h.denseScore) }),
            },
            id: h.chunkId,
          })),
        ),
        "isa.retrieval.index": i,
        "isa.retrieval.k": q.k,
        "isa.retrieval.chunk_ids": q.hits.map((h) => h.chunkId),
        "isa.retrieval.scores": q.hits.map((h) => String(round(h.score))),
        ...(q.bestDenseScore === undefined
          ? {}
          : { "isa.retrieval.best_dense_score": round(q.bestDenseScore) }),
        "isa.timing.ms": round(q.ms),
      },
      ...(q.error ? { error: q.error } : {}),
    });
  }
  for (const g of r.generations) {
    const usage = g.usage
      ? {
          input_tokens: g.usage.promptTokens,
          output_tokens: g.usage.completionTokens,
          total_tokens: g.usage.promptTokens + g.usage.completionTokens,
        }
      : undefined;
    children.push({
      name: "llm",
      type: "LLM",
      start: g.startedAt,
      end: g.startedAt + g.ms,
      attributes: {
        "mlflow.spanInputs": json({ messages: g.messages, ...(g.tools ? { tools: g.tools } : {}) }),
        "mlflow.spanOutputs": json({
          output_chars: g.outputChars,
          ...(g.toolCalls ? { tool_calls: g.toolCalls } : {}),
        }),
        "mlflow.llm.model": g.model,
        ...(usage ? { "mlflow.chat.tokenUsage": json(usage) } : {}),
        "isa.timing.ms": round(g.ms),
        ...(g.firstTokenMs === undefined ? {} : { "isa.timing.first_token_ms": round(g.firstTokenMs) }),
      },
      ...(g.error ? { error: g.error } : {}),
    });
  }
  return { root, children };
}

function firstEnd(r: AnswerTraceRecord): number | undefined {
  const ends = r.retrievals.map((q) => q.startedAt + q.ms);
  return ends.length > 0 ? Math.max(...ends.slice(0, 2)) : undefined;
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}

function snake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
