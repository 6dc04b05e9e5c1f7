// Wires adapters from one Config: embedded defaults (LanceDB, onnxruntime CPU, llama.cpp) unless env switches a part.
// Every part is built lazily and once, so `isa search` never loads an LLM and `isa ask` loads it once; the adapters
// themselves (LanceDB, onnxruntime, node-llama-cpp) are imported only when their part is first built, so a process
// that loads the engine for its types or pure functions pays for none of them.
import path from "node:path";
import type { ChatDelta, ChatRequest, Config, Embedder, Llm, VectorStore } from "@isa/core";
import type { FetchProgress } from "@isa/ingest/models";
import type { Answerer } from "./answer/index.js";
import { createAnswerer } from "./answer/index.js";
import { createLlamaCppLlm, createOpenAiCompatibleLlm } from "./llm/index.js";
import { observedLlm, observedRetriever } from "./observe.js";
import type { Retriever } from "./retrieval/index.js";
import { createRetriever } from "./retrieval/index.js";

export interface RuntimeOptions {
  /** Use another store directory than `<dataDir>/lancedb` (the eval's per-corpus index). */
  readonly storeDir?: string;
  /** Report model download progress. */
  readonly onFetchProgress?: (p: FetchProgress) => void;
  /**
   * Told once per part when a GPU setting (EMBED_DEVICE=cuda, LLM_GPU=cuda|vulkan) could not be honoured and the
   * part runs on the CPU instead; e.g. `(m) => logger.warn(m)`. Default: a process warning on stderr.
   */
  readonly onWarning?: (message: string) => void;
}

export interface Runtime {
  readonly config: Config;
  embedder(): Promise<Embedder>;
  store(): Promise<VectorStore>;
  retriever(): Promise<Retriever>;
  llm(): Promise<Llm>;
  answerer(): Promise<Answerer>;
  close(): Promise<void>;
}

async function* lazyStream(get: () => Promise<Llm>, req: ChatRequest): AsyncGenerator<ChatDelta> {
  yield* (await get()).stream(req);
}

function once<T>(make: () => Promise<T>): { get: () => Promise<T>; peek: () => Promise<T> | undefined } {
  let p: Promise<T> | undefined;
  return { get: () => (p ??= make()), peek: () => p };
}

/** The embedded GGUF model for each ISA_LOCAL_MODEL value. */
async function localModelPath(config: Config, onProgress?: (p: FetchProgress) => void): Promise<string> {
  const { ensureModel } = await import("@isa/ingest/models");
  const files = await ensureModel(config.llm.localModel, config, onProgress ? { onProgress } : {});
  const gguf = Object.values(files).find((f) => f.endsWith(".gguf"));
  if (!gguf) throw new Error(`model ${config.llm.localModel} has no .gguf file`);
  return gguf;
}

export async function embedderFor(
  config: Config,
  onProgress?: (p: FetchProgress) => void,
  onWarning?: (message: string) => void,
): Promise<Embedder> {
  const { ensureModel } = await import("@isa/ingest/models");
  const { createOnnxEmbedder } = await import("@isa/ingest/embed");
  const files = await ensureModel(config.embed.model, config, onProgress ? { onProgress } : {});
  return createOnnxEmbedder({
    modelPath: files["model.onnx"] as string,
    tokenizerPath: files["tokenizer.json"] as string,
    device: config.embed.device,
    threads: config.embed.threads,
    batchSize: config.embed.batchSize,
    ...(onWarning ? { onWarning } : {}),
  });
}

export function createRuntime(config: Config, opts: RuntimeOptions = {}): Runtime {
  const embedder = once(() => embedderFor(config, opts.onFetchProgress, opts.onWarning));
  const store = once(async () => {
    const e = await embedder.get();
    const qdrant = config.store.qdrant;
    if (qdrant) {
      // The cluster store (QDRANT_URL). A per-purpose store (the eval's per-corpus index) is its own collection.
      const { openQdrantStore } = await import("@isa/ingest/qdrant");
      const suffix = opts.storeDir ? `_${path.basename(opts.storeDir).replace(/[^A-Za-z0-9_-]/g, "_")}` : "";
      return openQdrantStore({
        url: qdrant.url,
        ...(qdrant.apiKey ? { apiKey: qdrant.apiKey } : {}),
        collection: `${qdrant.collection}${suffix}`,
        dimensions: e.dimensions,
        modelId: e.modelId,
      });
    }
    const { openLanceStore } = await import("@isa/ingest/lance");
    return openLanceStore({
      dir: opts.storeDir ?? path.join(config.dataDir, "lancedb"),
      dimensions: e.dimensions,
      modelId: e.modelId,
    });
  });
  // Observed: inside a traced answer (observe.ts) each retrieval and completion is noted for its trace.
  const retriever = once(async () =>
    observedRetriever(
      createRetriever({ store: await store.get(), embedder: await embedder.get(), config: config.retrieval }),
    ),
  );
  const llm = once(async (): Promise<Llm> => observedLlm(await makeLlm()));
  const makeLlm = async (): Promise<Llm> => {
    if (config.llm.baseUrl) {
      return createOpenAiCompatibleLlm({
        baseUrl: config.llm.baseUrl,
        model: config.llm.model ?? "default",
        ...(config.llm.apiKey ? { apiKey: config.llm.apiKey } : {}),
        timeoutMs: config.llm.timeoutMs,
      });
    }
    return createLlamaCppLlm({
      modelPath: await localModelPath(config, opts.onFetchProgress),
      contextTokens: config.llm.contextTokens,
      gpu: config.llm.gpu ?? false,
      ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
    });
  };
  // Extractive answers never call the model: hand the answerer a stand-in that loads it only if asked, so
  // `isa ask` and `isa serve` neither fetch nor open a GGUF they do not use.
  const answerLlm = async (): Promise<Llm> =>
    config.llm.answerMode === "extractive"
      ? {
          modelId: config.llm.model ?? config.llm.localModel,
          stream: (req) => lazyStream(llm.get, req),
          close: async () => {},
        }
      : llm.get();
  const answerer = once(async () =>
    createAnswerer({
      llm: await answerLlm(),
      retriever: await retriever.get(),
      config,
      index: await store.get(),
    }),
  );
  return {
    config,
    embedder: embedder.get,
    store: store.get,
    retriever: retriever.get,
    llm: llm.get,
    answerer: answerer.get,
    async close() {
      await Promise.allSettled([
        llm.peek()?.then((l) => l.close()),
        store.peek()?.then((s) => s.close()),
        embedder.peek()?.then((e) => e.close()),
      ]);
    },
  };
}

export interface RuntimeParts {
  readonly config: Config;
  readonly store: VectorStore;
  readonly embedder: Embedder;
  readonly llm: Llm;
}

/**
 * A Runtime around parts built elsewhere (tests: a temp LanceDB store, the hashing embedder, a scripted Llm).
 * `close()` closes the given parts too, as `createRuntime`'s does.
 */
export function createRuntimeFrom(parts: RuntimeParts): Runtime {
  const { config, store, embedder } = parts;
  const llm = observedLlm(parts.llm);
  const retriever = once(async () =>
    observedRetriever(createRetriever({ store, embedder, config: config.retrieval })),
  );
  const answerer = once(async () =>
    createAnswerer({
      llm,
      retriever: await retriever.get(),
      config,
      index: store,
    }),
  );
  return {
    config,
    embedder: async () => embedder,
    store: async () => store,
    retriever: retriever.get,
    llm: async () => llm,
    answerer: answerer.get,
    async close() {
      await Promise.allSettled([parts.llm.close(), store.close(), embedder.close()]);
    },
  };
}
