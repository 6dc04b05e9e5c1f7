// Embedded llama.cpp adapter (node-llama-cpp 3): the default LLM when no server is configured. Loads the GGUF
// lazily once, then serves each request on a pooled context sequence with a fresh chat history.
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { ChatDelta, ChatMessage, ChatRequest, Llm } from "@isa/core";
import { AppError } from "@isa/core";
import type {
  ChatHistoryItem,
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaContextSequence,
  LlamaModel,
} from "node-llama-cpp";
import type { Pool } from "./pool.js";
import { createPool } from "./pool.js";
import { createPushQueue } from "./pushQueue.js";

export interface LlamaCppOptions {
  readonly modelPath: string;
  /** Context window per sequence; capped at what the model was trained with. */
  readonly contextTokens: number;
  /** CPU threads for evaluation; default: half the cores (at least 1), see DEFAULT_THREADS. */
  readonly threads?: number;
  /**
   * llama.cpp backend (LLM_GPU). `false` (default) loads the prebuilt CPU binary; `"auto"` whatever GPU backend
   * node-llama-cpp finds (CUDA, Vulkan, Metal), else the CPU; `"cuda"`/`"vulkan"` that backend, and the CPU with one
   * `onWarning` when its binary or driver cannot be loaded. Layers go to the GPU as far as they fit ("auto").
   */
  readonly gpu?: false | "auto" | "cuda" | "vulkan";
  /** Parallel generations (context sequences). Default 1: requests queue, which is fastest on a few CPU cores. */
  readonly sequences?: number;
  /** Reported as `modelId`; default: the file name without `.gguf`. */
  readonly modelId?: string;
  /** Receives llama.cpp's own warnings and errors (library code never writes to the console). */
  readonly log?: (level: string, message: string) => void;
  /** Told once when the requested GPU backend could not be loaded; default: `process.emitWarning` (stderr). */
  readonly onWarning?: (message: string) => void;
}

export interface LlamaCppLlm extends Llm {
  /** Load the model now (warm start, readiness check) instead of on the first request. */
  load(): Promise<void>;
  /** Exact token count with the model's own tokenizer (loads the model). */
  countTokens(text: string): Promise<number>;
  /** The context window actually in use, after capping at the model's training size (loads the model). */
  contextSize(): Promise<number>;
  /** The backend actually in use: `false` for the CPU, else `cuda`, `vulkan` or `metal` (loads the model). */
  gpu(): Promise<false | string>;
}

/**
 * llama.cpp's worker threads spin-wait at each step: with more threads than idle cores (the embedder, other
 * services) generation collapses. Measured here on 2 busy cores, SmolLM2-135M: 65 tok/s with 1 thread, 16 with 2.
 * Half the cores is safe on a shared host and near the memory-bandwidth limit of CPU decoding on a large one.
 */
const DEFAULT_THREADS = Math.max(1, Math.floor(availableParallelism() / 2));

/** Generation cap when the request names none: enough for a cited paragraph, bounded against run-on loops. */
const DEFAULT_MAX_TOKENS = 512;

interface Loaded {
  readonly llama: Llama;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  readonly pool: Pool<LlamaContextSequence>;
  readonly newChat: (seq: LlamaContextSequence) => LlamaChat;
  readonly dispose: () => Promise<void>;
}

export function createLlamaCppLlm(opts: LlamaCppOptions): LlamaCppLlm {
  const modelId = opts.modelId ?? path.basename(opts.modelPath).replace(/\.gguf$/i, "");
  let loading: Promise<Loaded> | undefined;
  let closed = false;

  const ensure = (): Promise<Loaded> => {
    if (closed) return Promise.reject(new AppError("MODEL_NOT_READY", "The language model was closed."));
    // A failed load is forgotten so a later request retries (e.g. after `isa setup` fetched the file).
    loading ??= load(opts).catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };

  async function* stream(req: ChatRequest): AsyncGenerator<ChatDelta> {
    req.signal?.throwIfAborted();
    const loaded = await ensure();
    const seq = await loaded.pool.acquire(req.signal);
    // Our own controller: aborting it when the consumer stops early stops generation and frees the sequence.
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort(req.signal?.reason);
    req.signal?.addEventListener("abort", onAbort, { once: true });
    const chat = loaded.newChat(seq);
    let run: Promise<void> = Promise.resolve();
    try {
      // A fresh history per request: nothing from an earlier caller's conversation is in it. The sequence may
      // still hold the previous prompt's KV cache; LlamaChat reuses only a token-for-token identical prefix.
      const history = toHistory(req.messages);
      const promptTokens = chat.chatWrapper
        .generateContextState({ chatHistory: history })
        .contextText.tokenize(loaded.model.tokenizer).length;
      const room = seq.contextSize - promptTokens;
      if (room < 1) {
        throw new AppError(
          "INPUT_INVALID",
          `The prompt (${promptTokens} tokens) does not fit the ${seq.contextSize}-token context.`,
          {
            details: { promptTokens, contextTokens: seq.contextSize },
          },
        );
      }
      const maxTokens = Math.min(req.maxTokens ?? DEFAULT_MAX_TOKENS, room);
      // JSON-schema-constrained output (the agents' routing decision for models without tool calling): the
      // grammar makes every sampled token keep the text a prefix of a schema-valid JSON document.
      const grammar = req.jsonSchema
        ? await loaded.llama.createGrammarForJsonSchema(
            req.jsonSchema as Parameters<Llama["createGrammarForJsonSchema"]>[0],
          )
        : undefined;
      const queue = createPushQueue<ChatDelta>();
      let completionTokens = 0;
      run = chat
        .generateResponse(history, {
          onTextChunk: (text) => {
            if (text !== "") queue.push({ type: "token", text });
          },
          onToken: (tokens) => {
            completionTokens += tokens.length;
          },
          signal: ctrl.signal,
          maxTokens,
          // Greedy by default: the same question over the same sources gives the same answer.
          temperature: req.temperature ?? 0,
          ...(grammar ? { grammar } : {}),
          ...(req.stop && req.stop.length > 0 ? { customStopTriggers: [...req.stop] } : {}),
        })
        .then(
          (res) => {
            queue.push({
              type: "done",
              finishReason: finishReason(res.metadata.stopReason),
              usage: { promptTokens, completionTokens },
            });
            queue.end();
          },
          (err: unknown) => queue.fail(ctrl.signal.aborted ? ctrl.signal.reason : err),
        );
      yield* queue;
    } finally {
      req.signal?.removeEventListener("abort", onAbort);
      if (!ctrl.signal.aborted) ctrl.abort(new Error("consumer stopped reading"));
      // The sequence goes back to the pool only once generation on it has really stopped.
      await run;
      chat.dispose();
      loaded.pool.release(seq);
    }
  }

  return {
    modelId,
    // No native tool calling here; JSON-schema grammars stand in for it (agents/jsonRouterLlm.ts).
    supports: { jsonSchema: true },
    stream,
    async load() {
      await ensure();
    },
    async countTokens(text) {
      return (await ensure()).model.tokenize(text).length;
    },
    async contextSize() {
      return (await ensure()).context.contextSize;
    },
    async gpu() {
      return (await ensure()).llama.gpu;
    },
    async close() {
      closed = true;
      const l = loading;
      loading = undefined;
      if (l) await (await l.catch(() => undefined))?.dispose();
    },
  };
}

async function load(opts: LlamaCppOptions): Promise<Loaded> {
  try {
    await access(opts.modelPath, constants.R_OK);
  } catch {
    throw new AppError(
      "MODEL_NOT_READY",
      `The language model file is missing: ${opts.modelPath}. Run \`isa setup\`.`,
      {
        details: { modelPath: opts.modelPath },
      },
    );
  }
  // Imported here so that deployments using an LLM server never load the native addon.
  const { getLlama, LlamaChat, LlamaLogLevel } = await import("node-llama-cpp");
  const log = opts.log;
  const requested = opts.gpu ?? false;
  const open = (gpu: false | "auto" | "cuda" | "vulkan") =>
    getLlama({
      gpu,
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => log?.(String(level), message),
      // Never build from source or download at run time: the prebuilt binaries ship with the package.
      build: "never",
      progressLogs: false,
    }).catch((err: unknown) => {
      throw new AppError(
        "MODEL_NOT_READY",
        `The llama.cpp runtime for gpu=${String(gpu)} could not be loaded.`,
        {
          cause: err,
        },
      );
    });
  let llama: Llama;
  try {
    llama = await open(requested);
  } catch (err) {
    // An explicit backend that does not load (no prebuilt binary for it, no driver, no CUDA runtime): the CPU
    // answers more slowly rather than not at all, and says so. `auto` already falls back inside node-llama-cpp.
    if (requested !== "cuda" && requested !== "vulkan") throw err;
    llama = await open(false);
    const cause = (err as { cause?: unknown }).cause;
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    const warn = opts.onWarning ?? ((m: string) => process.emitWarning(m, { code: "ISA_LLM_GPU_FALLBACK" }));
    warn(
      `LLM_GPU=${requested}: the llama.cpp ${requested} backend could not be loaded, running the model on the CPU instead (${why.split("\n")[0]}).`,
    );
  }
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: opts.modelPath, ...(llama.gpu ? {} : { gpuLayers: 0 }) });
  } catch (err) {
    await llama.dispose();
    throw new AppError(
      "MODEL_NOT_READY",
      `The language model could not be loaded (corrupt or unsupported GGUF): ${opts.modelPath}.`,
      {
        cause: err,
        details: { modelPath: opts.modelPath },
      },
    );
  }
  const sequences = Math.max(1, opts.sequences ?? 1);
  const context = await model.createContext({
    contextSize: Math.min(opts.contextTokens, model.trainContextSize),
    sequences,
    threads: opts.threads ?? DEFAULT_THREADS,
  });
  const seqs = Array.from({ length: sequences }, () => context.getSequence());
  return {
    llama,
    model,
    context,
    pool: createPool(seqs),
    // "auto": the model's own chat template (or node-llama-cpp's wrapper for its architecture).
    newChat: (seq) => new LlamaChat({ contextSequence: seq, chatWrapper: "auto" }),
    dispose: async () => {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

function toHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m): ChatHistoryItem => {
    switch (m.role) {
      case "system":
        return { type: "system", text: m.content };
      case "user":
        return { type: "user", text: m.content };
      case "assistant":
        return { type: "model", response: [m.content] };
      // No tool calling in this adapter: a tool result reaches the model as a user turn.
      case "tool":
        return { type: "user", text: `Tool result:\n${m.content}` };
      default: {
        const never: never = m.role;
        throw new AppError("INPUT_INVALID", `Unknown chat role: ${String(never)}`);
      }
    }
  });
  // generateResponse continues the last model turn: an empty one asks for a new answer.
  if (history.at(-1)?.type !== "model") history.push({ type: "model", response: [] });
  return history;
}

/** node-llama-cpp's stop reasons in OpenAI's vocabulary, so both adapters report alike. */
function finishReason(stop: string): string {
  switch (stop) {
    case "maxTokens":
      return "length";
    case "abort":
      return "abort";
    default:
      return "stop";
  }
}
