// Public surface of @isa/ingest: discovery, chunking, embeddings, models, the LanceDB store and the indexer.

export { aclFor, loadAcl } from "./acl.js";
export type { ChunkOptions } from "./chunk/index.js";
export { chunkFile } from "./chunk/index.js";
export type { DiscoverEvent, SkipReason, SourceFile } from "./discover/index.js";
export { discover } from "./discover/index.js";
export type { OnnxEmbedderOptions } from "./embed/index.js";
export { createOnnxEmbedder, rawOrtThroughput } from "./embed/index.js";
export type { EmbedHeader, IndexerOptions, IngestProgress, IngestSummary, SourceSpec } from "./indexer.js";
export { contextHeader, embeddingText, INDEX_VERSION, sourceFromPath, update } from "./indexer.js";
export type { FetchProgress, ModelName, ModelSpec } from "./models/index.js";
export { ensureModel, isModelName, MODELS, modelStatus } from "./models/index.js";
export type { LanceStoreOptions } from "./store/index.js";
export { openLanceStore } from "./store/index.js";
