// Benchmark building block: the practical ceiling of onnxruntime on this model and machine. Tokenization,
// tensor packing and pooling happen before the clock starts; only session.run over the batches is timed,
// so (ours / ceiling) measures what our JS around the session costs.
import { InferenceSession, Tensor } from "onnxruntime-node";
import type { EmbedDevice } from "./onnxEmbedder.js";
import { sessionOptions } from "./onnxEmbedder.js";
import { loadWordPieceEncoder } from "./wordPieceEncoder.js";

export interface RawOrtThroughputOptions {
  readonly modelPath: string;
  readonly tokenizerPath: string;
  readonly texts: readonly string[];
  readonly batchSize: number;
  readonly maxTokens?: number;
  readonly threads?: number;
  readonly device?: EmbedDevice;
}

export interface ThroughputResult {
  readonly texts: number;
  readonly batches: number;
  readonly seconds: number;
  /** Process CPU time (all onnxruntime threads) over the timed part: robust to other load on the machine. */
  readonly cpuSeconds: number;
  readonly sentencesPerSec: number;
  /** Mean real (unpadded) tokens per text, to compare runs on different corpora. */
  readonly meanTokens: number;
}

export async function rawOrtThroughput(opts: RawOrtThroughputOptions): Promise<ThroughputResult> {
  const encoder = await loadWordPieceEncoder(opts.tokenizerPath, opts.maxTokens ?? 256);
  const session = await InferenceSession.create(opts.modelPath, {
    ...sessionOptions(opts.device ?? "cpu", opts.threads),
  });
  try {
    // Same length-sorted batching as OnnxEmbedder (over the whole set: the most favourable padding).
    const seqs = opts.texts.map((t) => encoder.encode(t)).sort((a, b) => a.length - b.length);
    const feedsList: Record<string, Tensor>[] = [];
    for (let i = 0; i < seqs.length; i += opts.batchSize) {
      const t = encoder.pack(seqs.slice(i, i + opts.batchSize));
      const all: Record<string, BigInt64Array> = {
        input_ids: t.inputIds,
        attention_mask: t.attentionMask,
        token_type_ids: t.tokenTypeIds,
      };
      const feeds: Record<string, Tensor> = {};
      for (const name of session.inputNames) {
        const data = all[name];
        if (data) feeds[name] = new Tensor("int64", data, [t.batch, t.seqLen]);
      }
      feedsList.push(feeds);
    }
    // One untimed run: the first call pays for lazy allocations.
    const first = feedsList[0];
    if (first) await session.run(first);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const feeds of feedsList) await session.run(feeds);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const tokens = seqs.reduce((n, s) => n + s.length, 0);
    return {
      texts: seqs.length,
      batches: feedsList.length,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      sentencesPerSec: seqs.length / seconds,
      meanTokens: seqs.length ? tokens / seqs.length : 0,
    };
  } finally {
    await session.release();
  }
}
