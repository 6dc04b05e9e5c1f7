// Ports: the interfaces adapters implement at the edge (LanceDB, Qdrant, onnxruntime, llama.cpp, OpenAI, MLflow).
import type { Chunk, EmbeddedChunk, Principal, ScoredChunk } from "./domain.js";

export interface Embedder {
  /** Model id, e.g. `all-MiniLM-L6-v2`. Stored with the index so a model change forces a re-embed. */
  readonly modelId: string;
  readonly dimensions: number;
  /** Unit-length vectors, one per text, in input order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/** What the store remembers about an indexed file, for incremental re-ingest. */
export interface DocumentState {
  readonly docId: string;
  readonly source: string;
  readonly path: string;
  readonly contentHash: string;
  /** Serialised ACL, so an ACL change re-writes the file's chunks. */
  readonly acl: readonly string[];
  readonly chunkIds: readonly string[];
}

export interface SearchOptions {
  readonly k: number;
  /** The caller. The store must filter by `principal.groups` inside its query. */
  readonly principal: Principal;
  /** Restrict to these chunk kinds (e.g. docs agent: markdown+text). */
  readonly kinds?: readonly Chunk["kind"][];
  /** Restrict to these sources. */
  readonly sources?: readonly string[];
}

export interface VectorStore {
  /** Insert or replace chunks (by id) and record their document states. */
  upsert(chunks: readonly EmbeddedChunk[], docs: readonly DocumentState[]): Promise<void>;
  /** Remove documents and all their chunks. */
  deleteDocuments(docIds: readonly string[]): Promise<void>;
  /** Every indexed document of a source (or of all sources). */
  listDocuments(source?: string): Promise<DocumentState[]>;
  /** Vectors already stored for these chunk ids (to reuse instead of re-embedding). */
  getVectors(chunkIds: readonly string[]): Promise<Map<string, Float32Array>>;
  searchDense(vector: Float32Array, opts: SearchOptions): Promise<ScoredChunk[]>;
  searchLexical(query: string, opts: SearchOptions): Promise<ScoredChunk[]>;
  /** One chunk if the principal may read it, else undefined (no existence leak). */
  getChunk(id: string, principal: Principal): Promise<Chunk | undefined>;
  /** All chunks of a document in line order, if the principal may read it. */
  getDocumentChunks(docId: string, principal: Principal): Promise<Chunk[]>;
  stats(): Promise<{ chunks: number; documents: number }>;
  close(): Promise<void>;
}

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly stop?: readonly string[];
  readonly signal?: AbortSignal;
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** A piece of a streamed completion: text deltas, then one `done`. */
export type ChatDelta =
  | { readonly type: "token"; readonly text: string }
  | { readonly type: "done"; readonly finishReason: string; readonly usage?: TokenUsage };

export interface Llm {
  readonly modelId: string;
  stream(req: ChatRequest): AsyncIterable<ChatDelta>;
  close(): Promise<void>;
}

/** Experiment tracking (MLflow in the cluster, a no-op or a JSONL file by default). */
export interface TrackerRun {
  logParams(params: Record<string, string | number | boolean>): Promise<void>;
  logMetrics(metrics: Record<string, number>): Promise<void>;
  logText(name: string, text: string): Promise<void>;
  end(status: "FINISHED" | "FAILED"): Promise<void>;
}

export interface Tracker {
  startRun(experiment: string, runName: string): Promise<TrackerRun>;
}
