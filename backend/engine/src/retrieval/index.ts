// Retrieval: hybrid search with reciprocal rank fusion and a per-document cap. Public surface of backend/src/retrieval.
export type { FusedHit, FusionInput } from "./fusion.js";
export { capPerDocument, reciprocalRankFusion } from "./fusion.js";
export type {
  NeighbourOptions,
  RetrievalHit,
  RetrievalMode,
  RetrievalResult,
  RetrieveOptions,
  Retriever,
  RetrieverDeps,
} from "./retriever.js";
export { createRetriever } from "./retriever.js";
