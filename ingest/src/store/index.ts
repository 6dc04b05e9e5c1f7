// The embedded vector store (LanceDB). Public surface of ingest/src/store.
export type { LanceStoreOptions } from "./lanceStore.js";
export { LanceVectorStore, openLanceStore } from "./lanceStore.js";
export { INDEX_FORMAT } from "./meta.js";
export type { LexicalOptions } from "./searchText.js";
export { DEFAULT_LEXICAL } from "./searchText.js";
