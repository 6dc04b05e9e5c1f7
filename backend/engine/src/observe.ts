// What an answer did, for its trace: the runtime wraps its retriever and LLM so that, inside `traceAnswer`, each
// retrieval (query, hits, scores) and each completion (model, tokens, latency) is noted in the current answer's
// observation (AsyncLocalStorage, so concurrent answers never mix). Outside a traced answer the wrappers cost one
// store lookup per call. `traceAnswer` builds the AnswerTraceRecord and hands it to the tracer, which sends it in
// the background; nothing here waits on the tracking server or lets its failure reach the answer.
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash, randomBytes } from "node:crypto";
import type {
  Answer,
  AnswerState,
  AnswerTraceRecord,
  AnswerTracer,
  ChatDelta,
  ChatRequest,
  Config,
  GenerationObservation,
  Llm,
  RetrievalObservation,
  TokenUsage,
  TraceParent,
} from "@isa/core";
import { isAppError } from "@isa/core";
import { PROMPT_SCAFFOLD_LINES, SYSTEM_PROMPT } from "./answer/prompt.js";
import type { RetrievalResult } from "./answer/types.js";

interface Observation {
  readonly retrievals: RetrievalObservation[];
  readonly generations: GenerationObservation[];
}

const current = new AsyncLocalStorage<Observation>();

/**
 * The version of the answering prompt: a digest of the system prompt, so any change to it is a new version on
 * every trace and eval run without anyone remembering to bump a number (ISA_PROMPT_VERSION overrides it).
 */
export const PROMPT_VERSION = `answer-${createHash("sha256")
  .update([SYSTEM_PROMPT, ...PROMPT_SCAFFOLD_LINES].join("\n"))
  .digest("hex")
  .slice(0, 8)}`;

export function promptVersionOf(config: Pick<Config, "tracking">): string {
  return config.tracking.promptVersion ?? PROMPT_VERSION;
}

/** The model answers are attributed to: the served model's name, else the embedded one. */
export function modelOf(config: Pick<Config, "llm">): string {
  return config.llm.baseUrl ? (config.llm.model ?? "default") : config.llm.localModel;
}

const MAX_HITS = 20;

interface RetrieveLike {
  retrieve(
    query: string,
    opts: { readonly k: number; readonly kinds?: readonly string[] } & Record<string, unknown>,
  ): Promise<RetrievalResult>;
}

/** The same retriever, noting each retrieval in the traced answer it runs in (if any). */
export function observedRetriever<R extends object>(retriever: R): R {
  const inner = retriever as unknown as RetrieveLike;
  const retrieve: RetrieveLike["retrieve"] = async (query, opts) => {
    const obs = current.getStore();
    if (!obs) return inner.retrieve(query, opts);
    const startedAt = Date.now();
    const t0 = performance.now();
    const base = { query, k: opts.k, ...(opts.kinds ? { kinds: [...opts.kinds] } : {}), startedAt };
    try {
      const r = await inner.retrieve(query, opts);
      obs.retrievals.push({
        ...base,
        ms: performance.now() - t0,
        bestDenseScore: r.bestDenseScore,
        hits: r.hits.slice(0, MAX_HITS).map((h) => ({
          chunkId: h.chunk.id,
          path: h.chunk.path,
          score: h.score,
          ...(h.denseScore === undefined ? {} : { denseScore: h.denseScore }),
        })),
      });
      return r;
    } catch (err) {
      obs.retrievals.push({ ...base, ms: performance.now() - t0, hits: [], error: errorName(err) });
      throw err;
    }
  };
  return new Proxy(retriever, {
    get(target, prop, receiver) {
      if (prop === "retrieve") return retrieve;
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** The same LLM, noting each completion in the traced answer it runs in (if any). */
export function observedLlm(llm: Llm): Llm {
  async function* stream(req: ChatRequest): AsyncGenerator<ChatDelta> {
    const obs = current.getStore();
    if (!obs) {
      yield* llm.stream(req);
      return;
    }
    const startedAt = Date.now();
    const t0 = performance.now();
    let firstTokenMs: number | undefined;
    let outputChars = 0;
    let usage: TokenUsage | undefined;
    let toolCalls: string[] | undefined;
    let error: string | undefined;
    try {
      for await (const d of llm.stream(req)) {
        if (d.type === "done") {
          usage = d.usage;
          if (d.toolCalls && d.toolCalls.length > 0) toolCalls = d.toolCalls.map((c) => c.name);
        } else if (d.text !== "") {
          firstTokenMs ??= performance.now() - t0;
          outputChars += d.text.length;
        }
        yield d;
      }
    } catch (err) {
      error = errorName(err);
      throw err;
    } finally {
      // Also when the consumer stops early (the repeat guard): the completion ended there.
      obs.generations.push({
        model: llm.modelId,
        startedAt,
        ms: performance.now() - t0,
        ...(firstTokenMs === undefined ? {} : { firstTokenMs }),
        messages: req.messages.length,
        ...(req.tools ? { tools: req.tools.length } : {}),
        outputChars,
        ...(toolCalls ? { toolCalls } : {}),
        ...(usage ? { usage } : {}),
        ...(error ? { error } : {}),
      });
    }
  }
  return new Proxy(llm, {
    get(target, prop, receiver) {
      if (prop === "stream") return stream;
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

function errorName(err: unknown): string {
  if (isAppError(err)) return err.code;
  return err instanceof Error ? err.name : "Error";
}

/** `00-<trace id>-<span id>-<flags>` (W3C Trace Context), or undefined when absent or malformed. */
export function parseTraceparent(value: unknown): TraceParent | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value.trim().toLowerCase());
  if (!m || m[1] === "ff") return undefined;
  const [, , traceId, spanId, flags] = m as unknown as [string, string, string, string, string];
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(p: TraceParent): string {
  return `00-${p.traceId}-${p.spanId}-${p.sampled ? "01" : "00"}`;
}

/** A fresh span id (16 hex digits). */
export function newSpanId(): string {
  return randomBytes(8).toString("hex");
}

const activeTrace = new AsyncLocalStorage<TraceParent>();

/**
 * The trace context to send with an outgoing call (A2A, MCP) made while answering: the current answer's trace and
 * its root span. Undefined outside a traced answer.
 */
export function currentTraceparent(): string | undefined {
  const t = activeTrace.getStore();
  return t ? formatTraceparent(t) : undefined;
}

export interface TraceAnswerMeta {
  readonly traceId: string;
  readonly parent?: TraceParent;
  readonly agent: string;
  readonly question: string;
  readonly principalId: string;
  readonly conversationId?: string;
  readonly promptVersion: string;
  readonly model: string;
  readonly mode?: string;
}

/** What the caller knows about the finished answer beyond the observation. */
export interface TraceAnswerOutcome {
  readonly result: Answer & {
    readonly mode?: string;
    readonly citationsInferred?: boolean;
    readonly usage?: TokenUsage;
    readonly timings?: object;
  };
  readonly route?: AnswerTraceRecord["route"];
  readonly answeredBy?: string;
}

/** answered / partial (answered, but the model cited nothing, so the sources are a guess) / abstained. */
export function answerState(r: TraceAnswerOutcome["result"]): AnswerState {
  if (r.abstained) return "abstained";
  return r.citationsInferred || r.citations.length === 0 ? "partial" : "answered";
}

/**
 * Runs `run` (one answer) and, when a tracer is given and samples this trace id, records its trace. The root span
 * id is fixed up front so outgoing calls inside `run` can name it as their parent (`currentTraceparent`).
 */
export async function traceAnswer<T>(
  tracer: AnswerTracer | undefined,
  meta: TraceAnswerMeta,
  run: () => Promise<T>,
  outcome: (value: T) => TraceAnswerOutcome,
): Promise<T> {
  const sampled = meta.parent ? meta.parent.sampled : tracer?.sampled(meta.traceId) === true;
  if (!tracer || !sampled) return run();
  const obs: Observation = { retrievals: [], generations: [] };
  const rootSpanId = newSpanId();
  const startedAt = Date.now();
  const base = {
    traceId: meta.traceId,
    ...(meta.parent ? { parent: meta.parent } : {}),
    agent: meta.agent,
    question: meta.question,
    principalId: meta.principalId,
    ...(meta.conversationId ? { conversationId: meta.conversationId } : {}),
    promptVersion: meta.promptVersion,
    model: meta.model,
    ...(meta.mode ? { mode: meta.mode } : {}),
    startedAt,
  };
  const record = (r: AnswerTraceRecord) => {
    try {
      tracer.record(r);
    } catch {
      // A tracer must not throw; if one does, the answer still goes out.
    }
  };
  let value: T;
  try {
    value = await activeTrace.run({ traceId: meta.traceId, spanId: rootSpanId, sampled: true }, () =>
      current.run(obs, run),
    );
  } catch (err) {
    record({
      ...base,
      rootSpanId,
      endedAt: Date.now(),
      retrievals: obs.retrievals,
      generations: obs.generations,
      state: "failed",
      citations: [],
      error: errorName(err),
    });
    throw err;
  }
  try {
    const o = outcome(value);
    const r = o.result;
    const usage = r.usage ?? sumUsage(obs.generations);
    record({
      ...base,
      rootSpanId,
      endedAt: Date.now(),
      retrievals: obs.retrievals,
      generations: obs.generations,
      ...(o.route ? { route: o.route } : {}),
      ...(o.answeredBy ? { answeredBy: o.answeredBy } : {}),
      ...(r.mode ? { mode: r.mode } : {}),
      answer: r.answer,
      state: answerState(r),
      citations: r.citations.map((c) => ({
        n: c.n,
        chunkId: c.chunkId,
        path: c.path,
        source: c.source,
        score: c.score,
        startLine: c.startLine,
        endLine: c.endLine,
      })),
      ...(r.citationsInferred === undefined ? {} : { citationsInferred: r.citationsInferred }),
      ...(r.timings ? { timings: numericFields(r.timings) } : {}),
      ...(usage ? { usage } : {}),
    });
  } catch {
    // Describing the outcome failed (a bug in the caller's mapping): the answer is unaffected.
  }
  return value;
}

function sumUsage(gens: readonly GenerationObservation[]): TokenUsage | undefined {
  const withUsage = gens.filter((g) => g.usage);
  if (withUsage.length === 0) return undefined;
  return {
    promptTokens: withUsage.reduce((s, g) => s + (g.usage?.promptTokens ?? 0), 0),
    completionTokens: withUsage.reduce((s, g) => s + (g.usage?.completionTokens ?? 0), 0),
  };
}

function numericFields(o: object): Record<string, number> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === "number"));
}
