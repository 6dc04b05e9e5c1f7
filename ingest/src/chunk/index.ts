// Chunking's public surface inside @isa/ingest (the package root index re-exports what it needs).
export { chunkFile, DEFAULT_MAX_CHARS, DEFAULT_MIN_CHARS, DEFAULT_OVERLAP_CHARS } from "./chunkFile.js";
export type { ChunkOptions } from "./types.js";
