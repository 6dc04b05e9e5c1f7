// The Embedder port on onnxruntime-node: all-MiniLM-L6-v2 (or any BERT-style encoder exported with a
// last_hidden_state output) with sentence-transformers' pipeline re-done in TypeScript: truncate to 256 word
// pieces, run in batches padded to the longest member, mean-pool over real tokens, L2-normalise.
import { access } from "node:fs/promises";
import type { Embedder } from "@isa/core";
import { AppError } from "@isa/core";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { meanPoolNormalize } from "./meanPool.js";
import type { WordPieceEncoder } from "./wordPieceEncoder.js";
import { loadWordPieceEncoder } from "./wordPieceEncoder.js";

export type EmbedDevice = "cpu" | "cuda";

export interface OnnxEmbedderOptions {
  readonly modelPath: string;
  readonly tokenizerPath: string;
  readonly device?: EmbedDevice;
  /** onnxruntime intra-op threads; 0 or absent = onnxruntime's default (one per physical core). */
  readonly threads?: number;
  readonly batchSize?: number;
  /** Word pieces per text including [CLS]/[SEP]; 256 is all-MiniLM-L6-v2's max_seq_length. */
  readonly maxTokens?: number;
  readonly modelId?: string;
  /**
   * Told once when `device: "cuda"` could not be used and the embedder runs on the CPU instead (no CUDA provider
   * libraries, no driver, no GPU). Default: `process.emitWarning` (stderr), since library code has no logger.
   */
  readonly onWarning?: (message: string) => void;
}

/**
 * Texts are sorted by token count within windows of this many batches, so each batch pads to a similar
 * length; a window (not the whole input) bounds memory and keeps results streaming for huge inputs.
 */
const SORT_WINDOW_BATCHES = 8;
const DEFAULT_DIMENSIONS = 384;

/**
 * Session options shared by the embedder and the bench. Spinning is off: onnxruntime's idle pool threads otherwise
 * busy-wait between runs and starve llama.cpp (whose own threads spin too) in the same process on a small machine
 * (measured: 12 tokens took 40 s instead of 0.3 s after one embedding call).
 */
export function sessionOptions(device: EmbedDevice, threads?: number): InferenceSession.SessionOptions {
  return {
    executionProviders: executionProviders(device),
    graphOptimizationLevel: "all",
    ...(threads && threads > 0 ? { intraOpNumThreads: threads } : {}),
    extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } },
  };
}

export function executionProviders(device: EmbedDevice): string[] {
  switch (device) {
    case "cpu":
      return ["cpu"];
    case "cuda":
      // cpu second: onnxruntime places nodes the CUDA provider cannot run on the CPU.
      return ["cuda", "cpu"];
    default: {
      const never: never = device;
      throw new Error(`unknown device ${String(never)}`);
    }
  }
}

export class OnnxEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimensions: number;
  readonly batchSize: number;
  /** Where vectors are actually computed: `cpu` after a fallback from `cuda`. */
  readonly device: EmbedDevice;
  /** What the configuration asked for (EMBED_DEVICE). */
  readonly requestedDevice: EmbedDevice;
  /** Why `cuda` was not used, when the embedder fell back to the CPU. */
  readonly fallbackReason: string | undefined;
  private readonly outputName: string;
  /** Runs are serialised: concurrent session.run calls would only fight over the same cores. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly session: InferenceSession,
    readonly encoder: WordPieceEncoder,
    opts: {
      modelId: string;
      batchSize: number;
      device?: EmbedDevice;
      requestedDevice?: EmbedDevice;
      fallbackReason?: string;
    },
  ) {
    this.modelId = opts.modelId;
    this.batchSize = opts.batchSize;
    this.device = opts.device ?? "cpu";
    this.requestedDevice = opts.requestedDevice ?? this.device;
    this.fallbackReason = opts.fallbackReason;
    this.outputName = session.outputNames.includes("last_hidden_state")
      ? "last_hidden_state"
      : (session.outputNames[0] ?? "last_hidden_state");
    const meta = session.outputMetadata.find((m) => m.name === this.outputName);
    const last = meta?.isTensor ? meta.shape[meta.shape.length - 1] : undefined;
    this.dimensions = typeof last === "number" ? last : DEFAULT_DIMENSIONS;
  }

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    const run = this.queue.then(() => this.embedNow(texts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async embedNow(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.closed) throw new AppError("EMBEDDING_FAILED", "The embedder is closed.");
    const out: Float32Array[] = new Array(texts.length);
    const window = this.batchSize * SORT_WINDOW_BATCHES;
    for (let w = 0; w < texts.length; w += window) {
      const idx = Array.from({ length: Math.min(window, texts.length - w) }, (_, i) => w + i);
      let seqs: number[][];
      try {
        seqs = idx.map((i) => this.encoder.encode(texts[i] ?? ""));
      } catch (err) {
        throw new AppError("EMBEDDING_FAILED", `Tokenization failed: ${message(err)}`, { cause: err });
      }
      const order = idx.map((_, k) => k).sort((a, b) => (seqs[a]?.length ?? 0) - (seqs[b]?.length ?? 0));
      for (let s = 0; s < order.length; s += this.batchSize) {
        const slice = order.slice(s, s + this.batchSize);
        const vectors = await this.runBatch(slice.map((k) => seqs[k] ?? []));
        for (const [j, k] of slice.entries()) out[w + k] = vectors[j] ?? new Float32Array(this.dimensions);
      }
    }
    return out;
  }

  /** One session.run over pre-tokenized sequences; returns pooled, normalised vectors in the given order. */
  async runBatch(seqs: readonly (readonly number[])[]): Promise<Float32Array[]> {
    const t = this.encoder.pack(seqs);
    const dims = [t.batch, t.seqLen];
    const available: Record<string, BigInt64Array> = {
      input_ids: t.inputIds,
      attention_mask: t.attentionMask,
      token_type_ids: t.tokenTypeIds,
    };
    const feeds: Record<string, Tensor> = {};
    // Feed only what the graph declares: some exports drop token_type_ids.
    for (const name of this.session.inputNames) {
      const data = available[name];
      if (!data) throw new AppError("EMBEDDING_FAILED", `The model asks for an unknown input "${name}".`);
      feeds[name] = new Tensor("int64", data, dims);
    }
    let result: InferenceSession.OnnxValueMapType;
    try {
      result = await this.session.run(feeds, [this.outputName]);
    } catch (err) {
      throw new AppError("EMBEDDING_FAILED", `Inference failed: ${message(err)}`, {
        cause: err,
        details: { batch: t.batch, seqLen: t.seqLen },
      });
    }
    const hidden = result[this.outputName];
    if (hidden?.type !== "float32" || hidden.dims.length !== 3) {
      throw new AppError(
        "EMBEDDING_FAILED",
        `Unexpected model output ${this.outputName}: ${hidden?.type} [${hidden?.dims}]`,
      );
    }
    const dimsOut = Number(hidden.dims[2]);
    const vectors = meanPoolNormalize(hidden.data as Float32Array, t.attentionMask, {
      batch: t.batch,
      seqLen: t.seqLen,
      dims: dimsOut,
    });
    hidden.dispose();
    return vectors;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.session.release();
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Open the ONNX session and tokenizer. MODEL_NOT_READY when a file is missing; EMBEDDING_FAILED when loading fails. */
export async function createOnnxEmbedder(opts: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
  const missing: string[] = [];
  for (const p of [opts.modelPath, opts.tokenizerPath]) {
    await access(p).catch(() => missing.push(p));
  }
  if (missing.length > 0) {
    throw new AppError(
      "MODEL_NOT_READY",
      `Embedding model files are missing: ${missing.join(", ")}; run \`isa setup\`.`,
      {
        details: { missing },
      },
    );
  }
  const device = opts.device ?? "cpu";
  const maxTokens = opts.maxTokens ?? 256;
  const batchSize = Math.max(1, opts.batchSize ?? 32);
  let encoder: WordPieceEncoder;
  try {
    encoder = await loadWordPieceEncoder(opts.tokenizerPath, maxTokens);
  } catch (err) {
    throw new AppError("EMBEDDING_FAILED", `Cannot load tokenizer ${opts.tokenizerPath}: ${message(err)}`, {
      cause: err,
    });
  }
  const opened = await openSession(opts.modelPath, device, opts.threads);
  if (opened.fallbackReason !== undefined) {
    const warn =
      opts.onWarning ?? ((m: string) => process.emitWarning(m, { code: "ISA_EMBED_CUDA_FALLBACK" }));
    warn(
      `EMBED_DEVICE=cuda: the CUDA execution provider could not be used, embedding on the CPU instead (${opened.fallbackReason}). ` +
        "GPU nodes need onnxruntime-node installed with ONNXRUNTIME_NODE_INSTALL=cuda12, the CUDA and cuDNN libraries its provider was built against, and a visible GPU.",
    );
  }
  return new OnnxEmbedder(opened.session, encoder, {
    modelId: opts.modelId ?? "all-MiniLM-L6-v2",
    batchSize,
    device: opened.device,
    requestedDevice: device,
    ...(opened.fallbackReason !== undefined ? { fallbackReason: opened.fallbackReason } : {}),
  });
}

/**
 * `cuda` first tries the CUDA provider (CPU second, for the nodes it cannot run); when that session cannot be
 * created (onnxruntime-node throws when the provider library, CUDA or a GPU is missing: it never falls back by
 * itself) the CPU alone is tried. Only a CPU failure is fatal: then the model file itself is the problem.
 */
async function openSession(
  modelPath: string,
  device: EmbedDevice,
  threads: number | undefined,
): Promise<{ session: InferenceSession; device: EmbedDevice; fallbackReason?: string }> {
  let fallbackReason: string | undefined;
  if (device === "cuda") {
    try {
      return { session: await InferenceSession.create(modelPath, sessionOptions("cuda", threads)), device };
    } catch (err) {
      fallbackReason = message(err).split("\n")[0];
    }
  }
  try {
    const session = await InferenceSession.create(modelPath, sessionOptions("cpu", threads));
    return { session, device: "cpu", ...(fallbackReason !== undefined ? { fallbackReason } : {}) };
  } catch (err) {
    throw new AppError("EMBEDDING_FAILED", `Cannot load ${modelPath} on cpu: ${message(err)}`, {
      cause: err,
      details: { device, ...(fallbackReason !== undefined ? { cudaError: fallbackReason } : {}) },
    });
  }
}
