// OpenAI-compatible chat adapter (vLLM, llama.cpp's llama-server, Ollama, OpenAI): streams /chat/completions
// over SSE and maps every failure to one catalog code, so callers never see raw fetch or undici errors.
import type { ChatDelta, ChatMessage, ChatRequest, Llm, TokenUsage, ToolCall } from "@isa/core";
import { AppError } from "@isa/core";
import { parseSse } from "./sse.js";

export interface OpenAiCompatibleOptions {
  /** Base URL including the API prefix, e.g. `http://vllm:8000/v1` (the OpenAI SDK convention). */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string | undefined;
  /** Limit for the response headers, and for each silence between streamed chunks. */
  readonly timeoutMs: number;
  /** Limit for a silence between chunks once streaming; defaults to `timeoutMs`. */
  readonly idleTimeoutMs?: number;
  /** Injected for tests or proxies; defaults to the global fetch. */
  readonly fetch?: typeof globalThis.fetch;
}

export interface OpenAiCompatibleLlm extends Llm {
  /** Model ids the server offers (GET /models): a readiness check that the configured model is served. */
  listModels(): Promise<string[]>;
}

/** Error bodies are only read this far: enough for a message, bounded against a misbehaving server. */
const MAX_ERROR_BODY_CHARS = 64 * 1024;

export function createOpenAiCompatibleLlm(opts: OpenAiCompatibleOptions): OpenAiCompatibleLlm {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const idleMs = opts.idleTimeoutMs ?? opts.timeoutMs;
  const redact = redactor(opts.apiKey);

  const headers = (): Record<string, string> => ({
    "content-type": "application/json",
    accept: "text/event-stream, application/json",
    ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
  });

  async function* stream(req: ChatRequest): AsyncGenerator<ChatDelta> {
    const call = startCall(req.signal);
    try {
      call.arm(opts.timeoutMs);
      const res = await fetchImpl(`${base}/chat/completions`, {
        method: "POST",
        headers: headers(),
        body: JSON.stringify({
          model: opts.model,
          messages: req.messages.map(wireMessage),
          ...(req.tools && req.tools.length > 0
            ? {
                tools: req.tools.map((t) => ({
                  type: "function",
                  function: { name: t.name, description: t.description, parameters: t.parameters },
                })),
              }
            : {}),
          // OpenAI's structured outputs; vLLM honours the same field with its guided decoding.
          ...(req.jsonSchema
            ? {
                response_format: {
                  type: "json_schema",
                  json_schema: { name: "response", schema: req.jsonSchema, strict: true },
                },
              }
            : {}),
          stream: true,
          stream_options: { include_usage: true },
          // Default 0: the same question over the same sources should give the same answer.
          temperature: req.temperature ?? 0,
          ...(req.maxTokens === undefined ? {} : { max_tokens: req.maxTokens }),
          ...(req.stop && req.stop.length > 0 ? { stop: [...req.stop] } : {}),
        }),
        signal: call.signal,
      });
      // Still armed: reading an error body is bounded by the same limit.
      if (!res.ok) throw await httpError(res, redact);
      call.disarm();
      if (!res.body) throw new AppError("LLM_BAD_RESPONSE", "The LLM server sent an empty response body.");
      const contentType = res.headers.get("content-type") ?? "";
      if (!contentType.includes("text/event-stream")) {
        // Some servers ignore `stream: true` and answer with one JSON completion; accept that too.
        call.arm(idleMs);
        yield* fromCompletionJson(await res.text(), redact);
        return;
      }
      yield* fromSse(
        timedReads(res.body, () => call.arm(idleMs), call.disarm),
        redact,
      );
    } catch (err) {
      throw call.classify(err, base);
    } finally {
      call.end();
    }
  }

  async function listModels(): Promise<string[]> {
    const call = startCall(undefined);
    try {
      call.arm(opts.timeoutMs);
      const res = await fetchImpl(`${base}/models`, { headers: headers(), signal: call.signal });
      if (!res.ok) throw await httpError(res, redact);
      const body = parseJson(await res.text()) as { data?: Array<{ id?: unknown }> } | undefined;
      if (!body || !Array.isArray(body.data)) {
        throw new AppError("LLM_BAD_RESPONSE", "The LLM server's /models answer has no `data` list.");
      }
      return body.data.map((m) => m.id).filter((id): id is string => typeof id === "string");
    } catch (err) {
      throw call.classify(err, base);
    } finally {
      call.end();
    }
  }

  return {
    modelId: opts.model,
    // The OpenAI wire format has both; whether the served model uses tools well is the deployment's choice
    // (vLLM: --enable-auto-tool-choice with a tool-call parser).
    supports: { tools: true, jsonSchema: true },
    stream,
    listModels,
    close: async () => {},
  };
}

/** Our ChatMessage in the OpenAI wire format (assistant tool calls, tool results). */
function wireMessage(m: ChatMessage): Record<string, unknown> {
  if (m.role === "tool") return { role: "tool", tool_call_id: m.toolCallId ?? "", content: m.content };
  if (m.role === "assistant" && m.toolCalls && m.toolCalls.length > 0) {
    return {
      role: "assistant",
      content: m.content === "" ? null : m.content,
      tool_calls: m.toolCalls.map((c) => ({
        id: c.id,
        type: "function",
        function: { name: c.name, arguments: c.arguments },
      })),
    };
  }
  return { role: m.role, content: m.content };
}

/** One request's abort wiring: the caller's signal, a resettable timer, and the reason a fetch ended. */
function startCall(outer: AbortSignal | undefined) {
  const ctrl = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const onOuterAbort = () => ctrl.abort(outer?.reason);
  if (outer?.aborted) ctrl.abort(outer.reason);
  else outer?.addEventListener("abort", onOuterAbort, { once: true });

  const disarm = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return {
    signal: ctrl.signal,
    arm(ms: number) {
      disarm();
      timer = setTimeout(() => {
        timedOut = true;
        ctrl.abort(new Error("timeout"));
      }, ms);
    },
    disarm,
    /** Map whatever ended the call to a catalog error; a caller's abort rethrows the caller's reason. */
    classify(err: unknown, base: string): unknown {
      if (err instanceof AppError) return err;
      if (timedOut)
        return new AppError("LLM_TIMEOUT", `The LLM server at ${origin(base)} did not answer in time.`);
      if (outer?.aborted) return outer.reason ?? err;
      const code = networkCode(err);
      return new AppError(
        "LLM_UNAVAILABLE",
        `Cannot reach the LLM server at ${origin(base)}${code ? ` (${code})` : ""}.`,
        {
          cause: err,
          ...(code ? { details: { code } } : {}),
        },
      );
    },
    /** Always abort at the end: if the consumer stopped early, this closes the connection and frees the server. */
    end() {
      disarm();
      outer?.removeEventListener("abort", onOuterAbort);
      if (!ctrl.signal.aborted) ctrl.abort(new Error("stream finished"));
    },
  };
}

/** Read a body, arming the idle timer only while waiting on the network (not while the consumer works). */
async function* timedReads(
  body: ReadableStream<Uint8Array>,
  arm: () => void,
  disarm: () => void,
): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      arm();
      const r = await reader.read();
      disarm();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    disarm();
    await reader.cancel().catch(() => undefined);
  }
}

interface WireToolCallDelta {
  index?: unknown;
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

interface StreamChunk {
  error?: unknown;
  choices?: Array<{ delta?: { content?: unknown; tool_calls?: unknown }; finish_reason?: unknown }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
}

async function* fromSse(
  bytes: AsyncIterable<Uint8Array>,
  redact: (s: string) => string,
): AsyncGenerator<ChatDelta> {
  let finishReason: string | undefined;
  let usage: TokenUsage | undefined;
  let sawDone = false;
  const calls = createToolCallAssembler();
  for await (const ev of parseSse(bytes)) {
    const data = ev.data.trim();
    if (data === "[DONE]") {
      sawDone = true;
      break;
    }
    if (data === "") continue;
    const chunk = parseJson(data) as StreamChunk | undefined;
    if (chunk === undefined || typeof chunk !== "object" || chunk === null) {
      throw new AppError("LLM_BAD_RESPONSE", "The LLM server sent a stream chunk that is not JSON.", {
        details: { chunk: redact(data.slice(0, 200)) },
      });
    }
    if (ev.event === "error" || chunk.error !== undefined) {
      throw new AppError(
        "LLM_BAD_RESPONSE",
        `The LLM server reported an error mid-stream: ${redact(errorText(chunk))}`,
      );
    }
    // n=1 is all we request; a server that sends more choices is answered by the first.
    const choice = chunk.choices?.[0];
    const text = choice?.delta?.content;
    if (typeof text === "string" && text !== "") yield { type: "token", text };
    calls.push(choice?.delta?.tool_calls);
    if (typeof choice?.finish_reason === "string") finishReason = choice.finish_reason;
    usage = toUsage(chunk.usage) ?? usage;
  }
  if (!sawDone && finishReason === undefined) {
    throw new AppError("LLM_BAD_RESPONSE", "The LLM stream ended before the completion finished.");
  }
  const toolCalls = calls.done();
  yield {
    type: "done",
    finishReason: finishReason ?? "stop",
    ...(usage ? { usage } : {}),
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
  };
}

/**
 * Streamed tool calls arrive in pieces keyed by `index`: the first piece carries `id` and `function.name`, later
 * ones append to `function.arguments` (a JSON text split anywhere). Non-streamed completions carry whole calls
 * in the same shape, so both paths use this.
 */
export function createToolCallAssembler(): { push(deltas: unknown): void; done(): ToolCall[] } {
  const byIndex = new Map<number, { id: string; name: string; arguments: string }>();
  return {
    push(deltas) {
      if (!Array.isArray(deltas)) return;
      for (const [i, raw] of deltas.entries()) {
        const d = raw as WireToolCallDelta;
        const index = typeof d.index === "number" ? d.index : i;
        const cur = byIndex.get(index) ?? { id: "", name: "", arguments: "" };
        if (typeof d.id === "string" && d.id !== "") cur.id = d.id;
        if (typeof d.function?.name === "string") cur.name += d.function.name;
        if (typeof d.function?.arguments === "string") cur.arguments += d.function.arguments;
        byIndex.set(index, cur);
      }
    },
    done() {
      return [...byIndex.entries()]
        .sort(([a], [b]) => a - b)
        .filter(([, c]) => c.name !== "")
        .map(([index, c]) => ({ id: c.id || `call_${index}`, name: c.name, arguments: c.arguments }));
    },
  };
}

async function* fromCompletionJson(text: string, redact: (s: string) => string): AsyncGenerator<ChatDelta> {
  const body = parseJson(text) as
    | (StreamChunk & {
        choices?: Array<{ message?: { content?: unknown; tool_calls?: unknown }; finish_reason?: unknown }>;
      })
    | undefined;
  const choice = body?.choices?.[0];
  if (!body || !choice) {
    throw new AppError(
      "LLM_BAD_RESPONSE",
      "The LLM server answered with neither an event stream nor a completion.",
      {
        details: { body: redact(text.slice(0, 200)) },
      },
    );
  }
  const content = choice.message?.content;
  if (typeof content === "string" && content !== "") yield { type: "token", text: content };
  const usage = toUsage(body.usage);
  const finishReason = typeof choice.finish_reason === "string" ? choice.finish_reason : "stop";
  const calls = createToolCallAssembler();
  calls.push(choice.message?.tool_calls);
  const toolCalls = calls.done();
  yield {
    type: "done",
    finishReason,
    ...(usage ? { usage } : {}),
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
  };
}

function toUsage(u: StreamChunk["usage"]): TokenUsage | undefined {
  if (!u || typeof u.prompt_tokens !== "number" || typeof u.completion_tokens !== "number") return undefined;
  return { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens };
}

async function httpError(res: Response, redact: (s: string) => string): Promise<AppError> {
  const raw = (await res.text().catch(() => "")).slice(0, MAX_ERROR_BODY_CHARS);
  const parsed = parseJson(raw);
  const serverMessage =
    redact(parsed === undefined ? raw.trim().slice(0, 500) : errorText(parsed)) || res.statusText;
  const message = `The LLM server answered HTTP ${res.status}: ${serverMessage}`;
  if (res.status === 429) {
    const retryAfter = Number(res.headers.get("retry-after"));
    return new AppError("RATE_LIMITED", message, {
      details: {
        status: 429,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
      },
    });
  }
  // 503 is how vLLM and llama-server say "loading / overloaded": the server is there but cannot serve yet.
  if (res.status === 503) return new AppError("LLM_UNAVAILABLE", message, { details: { status: 503 } });
  return new AppError("LLM_BAD_RESPONSE", message, { details: { status: res.status } });
}

/** The message of the error shapes servers use: OpenAI `{error:{message}}`, vLLM `{message}`, FastAPI `{detail}`. */
function errorText(body: unknown): string {
  if (typeof body === "string") return body;
  if (!body || typeof body !== "object") return "";
  const b = body as Record<string, unknown>;
  if (typeof b.error === "string") return b.error;
  if (b.error && typeof b.error === "object") return errorText(b.error);
  if (typeof b.message === "string") return b.message;
  if (typeof b.detail === "string") return b.detail;
  return JSON.stringify(body).slice(0, 500);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Servers sometimes echo the presented key in an auth error; it must never reach logs or clients. */
function redactor(apiKey: string | undefined): (s: string) => string {
  if (!apiKey) return (s) => s;
  return (s) => s.split(apiKey).join("[redacted]");
}

/** Origin only: a base URL may carry credentials in its userinfo. */
function origin(base: string): string {
  try {
    return new URL(base).origin;
  } catch {
    return "the configured URL";
  }
}

/** `ECONNREFUSED` and friends, from undici's `TypeError("fetch failed", {cause})` (or an AggregateError cause). */
function networkCode(err: unknown): string | undefined {
  const cause = (err as { cause?: unknown } | undefined)?.cause as
    | { code?: unknown; errors?: unknown[] }
    | undefined;
  if (typeof cause?.code === "string") return cause.code;
  const first = cause?.errors?.[0] as { code?: unknown } | undefined;
  return typeof first?.code === "string" ? first.code : undefined;
}
