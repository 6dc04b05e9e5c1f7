// Against a real MLflow server (scripts/install-mlflow.sh's pinned version, SQLite store): answer traces arrive with
// their typed spans and attributes, feedback lands as a HUMAN assessment, eval runs carry params, metrics and an
// artifact, and a stopped server neither throws into nor blocks the caller (spans are dropped and counted).
import type { AnswerTraceRecord } from "@isa/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMlflowClient, mlflowTraceId } from "./mlflowClient.js";
import { createMlflowTracer } from "./mlflowTracer.js";
import { createMlflowTracker } from "./mlflowTracker.js";
import type { TestMlflow } from "./testkit/index.js";
import { mlflowPrerequisiteMissing, startTestMlflow } from "./testkit/index.js";

const missing = mlflowPrerequisiteMissing();
/** Request timeout for a test server on a busy 2-core machine (the product default is 10 s). */
const SLOW = 60_000;

function record(traceId: string, over: Partial<AnswerTraceRecord> = {}): AnswerTraceRecord {
  const t = Date.now() - 1000;
  return {
    traceId,
    rootSpanId: traceId.slice(0, 16),
    agent: "api",
    question: "How do I rotate the staging database password?",
    principalId: "alice",
    conversationId: "c-1",
    startedAt: t,
    endedAt: t + 420,
    retrievals: [
      {
        query: "How do I rotate the staging database password?",
        k: 6,
        startedAt: t + 1,
        ms: 35,
        bestDenseScore: 0.71,
        hits: [
          { chunkId: "chunk-a", path: "runbooks/db.md", score: 0.033, denseScore: 0.71 },
          { chunkId: "chunk-b", path: "runbooks/vault.md", score: 0.031 },
        ],
      },
    ],
    generations: [
      {
        model: "qwen-test",
        startedAt: t + 40,
        ms: 370,
        firstTokenMs: 90,
        messages: 2,
        outputChars: 120,
        usage: { promptTokens: 512, completionTokens: 40 },
      },
    ],
    mode: "generate",
    promptVersion: "answer-test1",
    model: "qwen-test",
    answer: "Run `vault rotate staging-db` [1].",
    state: "answered",
    citations: [
      {
        n: 1,
        chunkId: "chunk-a",
        path: "runbooks/db.md",
        source: "docs",
        score: 0.033,
        startLine: 3,
        endLine: 12,
      },
    ],
    timings: { retrieveMs: 36, generateMs: 370, totalMs: 420 },
    usage: { promptTokens: 512, completionTokens: 40 },
    ...over,
  };
}

const hex = (n: number) =>
  Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join("");

/** A span as MLflow's GetTrace returns it: OTLP JSON (base64 ids, attributes as AnyValues). */
interface StoredSpan {
  name: string;
  span_id: string;
  parent_span_id?: string;
  attributes: { key: string; value: AnyValue }[];
}
type AnyValue = {
  string_value?: string;
  int_value?: string | number;
  double_value?: number;
  bool_value?: boolean;
  array_value?: { values?: AnyValue[] };
  kvlist_value?: { values?: { key: string; value: AnyValue }[] };
};

function decode(v: AnyValue): unknown {
  if (v.string_value !== undefined) return v.string_value;
  if (v.int_value !== undefined) return Number(v.int_value);
  if (v.double_value !== undefined) return v.double_value;
  if (v.bool_value !== undefined) return v.bool_value;
  if (v.array_value) return (v.array_value.values ?? []).map(decode);
  if (v.kvlist_value)
    return Object.fromEntries((v.kvlist_value.values ?? []).map((kv) => [kv.key, decode(kv.value)]));
  return undefined;
}

function attr(span: StoredSpan, key: string): unknown {
  const a = span.attributes.find((x) => x.key === key);
  return a ? decode(a.value) : undefined;
}

if (missing && process.env.CI) {
  describe("MLflow tracking", () => {
    it("needs an MLflow server", () => {
      throw new Error(`prerequisite missing: ${missing}`);
    });
  });
} else if (missing) {
  console.warn(`skipping the MLflow tests: ${missing}`);
  describe.skip("MLflow tracking", () => {
    it("needs an MLflow server", () => {});
  });
} else {
  describe("MLflow tracking (real server)", () => {
    let mlflow: TestMlflow;
    beforeAll(async () => {
      mlflow = await startTestMlflow();
    });
    afterAll(async () => {
      await mlflow?.destroy();
    });

    it("sends an answer as a trace with typed spans, and feedback as a HUMAN assessment on it", async () => {
      const warnings: string[] = [];
      const tracer = createMlflowTracer({
        uri: mlflow.uri,
        experimentName: "isa-tracing-test",
        timeoutMs: SLOW,
        logger: { warn: (_o, m) => warnings.push(m), info: () => {} },
      });
      const traceId = hex(32);
      tracer.record(record(traceId));
      await tracer.flush();
      expect(tracer.exported()).toBe(3);
      expect(tracer.dropped()).toBe(0);

      const client = createMlflowClient({ uri: mlflow.uri, timeoutMs: SLOW });
      const trace = (await client.getTrace(mlflowTraceId(traceId))) as {
        trace_info: {
          trace_id: string;
          state: string;
          tags: Record<string, string>;
          trace_metadata: Record<string, string>;
          request_preview?: string;
        };
        spans: StoredSpan[];
      };
      expect(trace.trace_info.trace_id).toBe(mlflowTraceId(traceId));
      expect(trace.trace_info.state).toBe("OK");
      expect(trace.trace_info.tags).toMatchObject({
        "isa.prompt_version": "answer-test1",
        "isa.model": "qwen-test",
        "isa.state": "answered",
        "isa.agent": "api",
      });
      expect(trace.trace_info.trace_metadata["mlflow.trace.user"]).toBe("alice");
      expect(trace.trace_info.trace_metadata["mlflow.trace.session"]).toBe("c-1");
      const byName = new Map(trace.spans.map((s) => [s.name, s]));
      const root = byName.get("answer");
      const retrieve = byName.get("retrieve");
      const llm = byName.get("llm");
      if (!root || !retrieve || !llm) throw new Error(`spans: ${[...byName.keys()].join(", ")}`);
      expect(attr(root, "mlflow.spanType")).toBe("CHAIN");
      expect(attr(root, "mlflow.spanInputs")).toEqual({
        question: "How do I rotate the staging database password?",
      });
      expect(attr(root, "mlflow.spanOutputs")).toMatchObject({
        state: "answered",
        citations: [{ n: 1, chunk_id: "chunk-a", path: "runbooks/db.md" }],
      });
      expect(attr(root, "isa.principal_id")).toBe("alice");
      expect(attr(root, "isa.timing.generate_ms")).toBe(370);
      expect(attr(retrieve, "mlflow.spanType")).toBe("RETRIEVER");
      expect(attr(retrieve, "isa.retrieval.chunk_ids")).toEqual(["chunk-a", "chunk-b"]);
      expect(attr(retrieve, "mlflow.spanOutputs")).toMatchObject([
        { id: "chunk-a", metadata: { doc_uri: "runbooks/db.md", score: 0.033, dense_score: 0.71 } },
        { id: "chunk-b" },
      ]);
      expect(attr(llm, "mlflow.spanType")).toBe("LLM");
      expect(attr(llm, "mlflow.llm.model")).toBe("qwen-test");
      expect(attr(llm, "mlflow.chat.tokenUsage")).toEqual({
        input_tokens: 512,
        output_tokens: 40,
        total_tokens: 552,
      });
      expect(retrieve.parent_span_id).toBeTruthy();
      expect(llm.parent_span_id).toBe(retrieve.parent_span_id);
      // No credential anywhere in what was stored.
      expect(JSON.stringify(trace)).not.toMatch(/Bearer|token_sha256/);

      tracer.feedback({ traceId, principalId: "bob", rating: "down", comment: "outdated runbook" });
      await tracer.flush();
      const withFeedback = (await client.getTrace(mlflowTraceId(traceId))) as {
        trace_info: { assessments?: Record<string, unknown>[] };
      };
      const assessments = withFeedback.trace_info.assessments ?? [];
      expect(assessments).toHaveLength(1);
      expect(assessments[0]).toMatchObject({
        assessment_name: "user_feedback",
        source: { source_type: "HUMAN", source_id: "bob" },
        feedback: { value: false },
        rationale: "outdated runbook",
      });
      expect(warnings).toEqual([]);
      await tracer.close();
    }, 300_000);

    it("joins an agent's spans to its caller's trace through the traceparent", async () => {
      const tracer = createMlflowTracer({
        uri: mlflow.uri,
        experimentName: "isa-tracing-test",
        timeoutMs: SLOW,
      });
      const traceId = hex(32);
      const rootSpanId = hex(16);
      tracer.record(record(traceId, { agent: "root", rootSpanId, retrievals: [], generations: [] }));
      tracer.record(
        record(traceId, {
          agent: "docs",
          rootSpanId: hex(16),
          parent: { traceId, spanId: rootSpanId, sampled: true },
          generations: [],
        }),
      );
      await tracer.flush();
      const trace = (await createMlflowClient({ uri: mlflow.uri, timeoutMs: SLOW }).getTrace(
        mlflowTraceId(traceId),
      )) as {
        spans: StoredSpan[];
      };
      const root = trace.spans.find((s) => s.name === "agent.root");
      const docs = trace.spans.find((s) => s.name === "agent.docs");
      expect(attr(root as StoredSpan, "mlflow.spanType")).toBe("AGENT");
      expect(docs?.parent_span_id).toBe(root?.span_id);
      await tracer.close();
    }, 300_000);

    it("logs an eval run: params, metrics and a per-question artifact", async () => {
      const tracker = createMlflowTracker({
        uri: mlflow.uri,
        timeoutMs: SLOW,
        tags: { "mlflow.source.git.commit": "abc123" },
      });
      const run = await tracker.startRun("isa-eval-test", "npm-docs hybrid");
      await run.logParams({ retrieval_mode: "hybrid", top_k: 6, embedding_model: "all-MiniLM-L6-v2" });
      await run.logMetrics({ recall_at_5: 0.873, mrr_at_10: 0.705 });
      await run.logText("questions.jsonl", '{"id":"q1","hit":true}\n');
      await run.end("FINISHED");
      const got = await tracker.client.getRun(run.runId);
      expect(got.info.status).toBe("FINISHED");
      expect(Object.fromEntries((got.data.params ?? []).map((p) => [p.key, p.value]))).toEqual({
        retrieval_mode: "hybrid",
        top_k: "6",
        embedding_model: "all-MiniLM-L6-v2",
      });
      expect(Object.fromEntries((got.data.metrics ?? []).map((m) => [m.key, m.value]))).toEqual({
        recall_at_5: 0.873,
        mrr_at_10: 0.705,
      });
      expect(got.data.tags?.find((t) => t.key === "mlflow.source.git.commit")?.value).toBe("abc123");
      expect(await tracker.client.downloadArtifact(got.info, "questions.jsonl")).toBe(
        '{"id":"q1","hit":true}\n',
      );
    }, 300_000);

    it("drops and counts spans while MLflow is down, logs the episode once, and recovers", async () => {
      const warnings: string[] = [];
      const infos: string[] = [];
      const tracer = createMlflowTracer({
        uri: mlflow.uri,
        experimentName: "isa-outage-test",
        timeoutMs: SLOW,
        queueMax: 5,
        logger: { warn: (_o, m) => warnings.push(m), info: (_o, m) => infos.push(m) },
      });
      // Resolve the experiment while the server is up, then take it down.
      tracer.record(record(hex(32)));
      await tracer.flush();
      expect(tracer.exported()).toBe(3);
      await mlflow.stop();
      try {
        for (let i = 0; i < 4; i++) tracer.record(record(hex(32)));
        // 4 answers × 3 spans against a queue of 5: 7 refused at once, 5 fail to export.
        await tracer.flush();
        expect(tracer.dropped()).toBe(12);
        expect(warnings).toHaveLength(1);
      } finally {
        await mlflow.start();
      }
      tracer.record(record(hex(32)));
      await tracer.flush();
      expect(tracer.exported()).toBe(6);
      expect(infos).toEqual(["MLflow tracking recovered"]);
      expect(warnings).toHaveLength(1);
      await tracer.close();
    }, 300_000);
  });
}
