// Ports: the interfaces adapters implement at the edge (LanceDB, Qdrant, onnxruntime, llama.cpp, OpenAI, MLflow).
import type { Chunk, Citation, EmbeddedChunk, Principal, ScoredChunk } from "./domain.js";

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

/**
 * Which documents `findDocuments` returns: those the principal may read for which every condition given holds.
 * Path conditions look at the repository-relative path (`/`-separated) only, so a store can answer them from its
 * document records without reading any text. `documentQueryMatches` (core) is their reference semantics.
 */
export interface DocumentQuery {
  /** The caller. The store must filter by `principal.groups` inside its query (no usable group: nothing). */
  readonly principal: Principal;
  /** Only these sources (an empty list matches nothing). */
  readonly sources?: readonly string[];
  /** Only documents at exactly one of these paths (an empty list matches nothing). */
  readonly paths?: readonly string[];
  /** Only documents whose file name (last path segment) is one of these, compared case-insensitively. */
  readonly fileNames?: readonly string[];
  /** Only documents whose file name ends with one of these (e.g. `.md`), compared case-insensitively. */
  readonly extensions?: readonly string[];
  /** Only documents whose path has between `min` and `max` segments (`README.md` has 1, `docs/a.md` 2). */
  readonly depth?: { readonly min?: number; readonly max?: number };
  /** At most this many documents (which ones is up to the store). */
  readonly limit?: number;
}

export interface VectorStore {
  /** Insert or replace chunks (by id) and record their document states. */
  upsert(chunks: readonly EmbeddedChunk[], docs: readonly DocumentState[]): Promise<void>;
  /** Remove documents and all their chunks. */
  deleteDocuments(docIds: readonly string[]): Promise<void>;
  /** Every indexed document of a source (or of all sources), unfiltered: ingest bookkeeping, not for requests. */
  listDocuments(source?: string): Promise<DocumentState[]>;
  /**
   * The documents the principal may read that match `query`, ACL and path conditions applied inside the store's
   * query: the cost follows what is returned, not the size of the index. In no particular order.
   */
  findDocuments(query: DocumentQuery): Promise<DocumentState[]>;
  /** The sources in which the principal may read at least one document, sorted. */
  readableSources(principal: Principal): Promise<string[]>;
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
  /** `tool`: the result of a tool call the model asked for (`toolCallId` names it). */
  readonly role: "system" | "user" | "assistant" | "tool";
  readonly content: string;
  /** Tool calls the assistant asked for in this turn (OpenAI tools format). */
  readonly toolCalls?: readonly ToolCall[];
  /** For `role: "tool"`: the id of the call this message answers. */
  readonly toolCallId?: string;
}

/** A function the model may call; `parameters` is a JSON Schema object. */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** A function call the model made; `arguments` is the model's raw JSON text. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly stop?: readonly string[];
  readonly signal?: AbortSignal;
  /** Functions the model may call (only for an Llm whose `supports.tools` is true). */
  readonly tools?: readonly ToolSpec[];
  /** Constrain the output to JSON matching this schema (only where `supports.jsonSchema` is true). */
  readonly jsonSchema?: Readonly<Record<string, unknown>>;
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** A piece of a streamed completion: text deltas, then one `done`. */
export type ChatDelta =
  | { readonly type: "token"; readonly text: string }
  | {
      readonly type: "done";
      readonly finishReason: string;
      readonly usage?: TokenUsage;
      /** Tool calls of this completion, assembled from the stream (finishReason `tool_calls`). */
      readonly toolCalls?: readonly ToolCall[];
    };

export interface Llm {
  readonly modelId: string;
  /** Optional request features this adapter honours; absent means plain chat only. */
  readonly supports?: { readonly tools?: boolean; readonly jsonSchema?: boolean };
  stream(req: ChatRequest): AsyncIterable<ChatDelta>;
  close(): Promise<void>;
}

/** One question and its answer in a conversation (citations in their wire form, so a record is plain JSON). */
export interface ConversationTurnRecord {
  readonly question: string;
  readonly answer: string;
  readonly citations: readonly Citation[];
  readonly abstained: boolean;
  readonly traceId: string;
  /** ISO 8601, UTC. */
  readonly at: string;
}

export interface ConversationRecord {
  readonly id: string;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  /**
   * The union of the groups of every principal who added a turn. A principal may read or continue the
   * conversation iff its groups include every one of these (an answer may quote documents only they can read).
   */
  readonly audience: readonly string[];
  /** Oldest first. */
  readonly turns: readonly ConversationTurnRecord[];
}

export interface ConversationAppend {
  readonly id: string;
  readonly turn: ConversationTurnRecord;
  /** The groups of the principal adding the turn: checked against the audience, then added to it. */
  readonly groups: readonly string[];
  /** true: a new conversation (the id must be unused); false: an existing one (missing → `not-found`). */
  readonly create: boolean;
  readonly maxTurns: number;
}

export type ConversationAppendResult =
  | { readonly ok: true; readonly conversation: ConversationRecord }
  | { readonly ok: false; readonly reason: "not-found" | "not-visible" | "full" | "exists" };

/**
 * Conversations of the HTTP API (in memory, or PostgreSQL with ISA_DATABASE_URL). `append` checks visibility and
 * the turn cap and writes in one step, so two principals adding turns at once cannot slip past either check.
 * A2A tasks use @a2a-js/sdk's own `TaskStore` port (core imports no SDK); the backend implements both.
 */
export interface ConversationStore {
  /** The conversation whoever asks (callers apply the audience rule), or undefined. */
  get(id: string): Promise<ConversationRecord | undefined>;
  append(input: ConversationAppend): Promise<ConversationAppendResult>;
  /** Stores behind a server: resolves when it answers (readiness probes); absent when always ready (memory). */
  ping?(): Promise<void>;
  close(): Promise<void>;
}

/** Tracking ports (answer traces, feedback, eval runs) live in tracking.ts. */
export type { Tracker, TrackerRun } from "./tracking.js";
