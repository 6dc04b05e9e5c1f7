// The run-time entry point: the configured embedding model, from the local cache only (never the network).
import type { Config } from "@isa/core";
import { resolveInstalledModel } from "../models/ensureModel.js";
import type { OnnxEmbedder } from "./onnxEmbedder.js";
import { createOnnxEmbedder } from "./onnxEmbedder.js";

/**
 * Throws MODEL_NOT_READY when `isa setup` has not installed the model (or a file no longer matches its pin).
 * EMBED_DEVICE=cuda without a usable CUDA provider embeds on the CPU and says so once through `onWarning`
 * (default: a process warning on stderr); `embedder.device` tells which device is in use.
 */
export async function createEmbedderFromConfig(
  config: Config,
  opts: { readonly onWarning?: (message: string) => void } = {},
): Promise<OnnxEmbedder> {
  const paths = await resolveInstalledModel(config.embed.model, config);
  const modelPath = paths["model.onnx"];
  const tokenizerPath = paths["tokenizer.json"];
  if (!modelPath || !tokenizerPath)
    throw new Error(`registry entry ${config.embed.model} lacks model.onnx/tokenizer.json`);
  return createOnnxEmbedder({
    modelPath,
    tokenizerPath,
    device: config.embed.device,
    threads: config.embed.threads,
    batchSize: config.embed.batchSize,
    modelId: config.embed.model,
    ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
  });
}
