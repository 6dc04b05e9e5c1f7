// The cluster vector store (Qdrant). Public surface of `@isa/ingest/qdrant`: importing it loads the Qdrant client
// only, never LanceDB.
export type { HybridHit, HybridSearchOptions, QdrantStoreOptions } from "./qdrantStore.js";
export { openQdrantStore, QDRANT_LAYOUT, QdrantVectorStore } from "./qdrantStore.js";
