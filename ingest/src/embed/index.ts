// Public surface of the ONNX embedder.
export type { RawOrtThroughputOptions, ThroughputResult } from "./benchEmbed.js";
export { rawOrtThroughput } from "./benchEmbed.js";
export { createEmbedderFromConfig } from "./createEmbedderFromConfig.js";
export { meanPoolNormalize } from "./meanPool.js";
export type { EmbedDevice, OnnxEmbedderOptions } from "./onnxEmbedder.js";
export { createOnnxEmbedder, executionProviders, OnnxEmbedder } from "./onnxEmbedder.js";
export type { BatchTensors, TextTokenizer } from "./wordPieceEncoder.js";
export { loadWordPieceEncoder, WordPieceEncoder } from "./wordPieceEncoder.js";
