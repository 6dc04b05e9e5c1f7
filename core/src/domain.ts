// Domain types shared by every package. Plain data only: no SDK types leak in here.

/** Who is asking. Every retrieval is filtered by `groups`. */
export interface Principal {
  readonly id: string;
  readonly groups: readonly string[];
}

/** The group every document without an ACL belongs to, and every principal is in. */
export const PUBLIC_GROUP = "public";

export type DocumentKind = "markdown" | "text" | "code" | "config";

/** One indexed file. */
export interface Document {
  /** Stable id: hash of source + path (so a changed file keeps its id). */
  readonly id: string;
  /** Name of the source (connector root) this file came from. */
  readonly source: string;
  /** Path relative to the source root, always with `/` separators. */
  readonly path: string;
  readonly title: string;
  readonly kind: DocumentKind;
  /** Language id for code/config (`typescript`, `python`, `go`, `yaml`, …). */
  readonly language?: string;
  /** Groups allowed to read this document. */
  readonly acl: readonly string[];
  /** sha256 of the file's bytes. */
  readonly contentHash: string;
  readonly bytes: number;
}

/** A retrievable piece of a document. */
export interface Chunk {
  /** Content hash of (source, path, text): unchanged text keeps its id. */
  readonly id: string;
  readonly docId: string;
  readonly source: string;
  readonly path: string;
  readonly title: string;
  /** Markdown heading path, or [symbol] for code. */
  readonly headingPath: readonly string[];
  readonly kind: DocumentKind;
  readonly language?: string;
  /** 1-based inclusive line range within the file. */
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
  readonly acl: readonly string[];
}

/** A chunk with its dense vector, as written to a VectorStore. */
export interface EmbeddedChunk extends Chunk {
  readonly vector: Float32Array;
}

/** A chunk found by a search, with the score of the ranking that found it. */
export interface ScoredChunk {
  readonly chunk: Chunk;
  /** Higher is better. Meaning depends on the ranking (cosine, BM25, fused). */
  readonly score: number;
}

export interface Citation {
  /** The number used in the answer text, `[n]`. */
  readonly n: number;
  readonly chunkId: string;
  readonly docId: string;
  readonly source: string;
  readonly path: string;
  readonly title: string;
  readonly headingPath: readonly string[];
  readonly startLine: number;
  readonly endLine: number;
  readonly score: number;
}

/** How an answer was made: evidence quoted verbatim, or text a model generated from the sources. */
export type AnswerOrigin = "quoted" | "generated";

/**
 * `answered`: the evidence covers what was asked. `partial`: the closest evidence covers something next to it
 * (staging for production, PostgreSQL for Redis): the answer says what is not covered and cites the closest
 * passages. `abstained`: nothing relevant enough was found.
 */
export type AnswerStatus = "answered" | "partial" | "abstained";

export interface Answer {
  readonly answer: string;
  readonly citations: readonly Citation[];
  /** True only for `state: "abstained"` (kept for clients that predate `state`). */
  readonly abstained: boolean;
  /** Absent from answers made before `state` existed: read as `abstained ? "abstained" : "answered"`. */
  readonly state?: AnswerStatus;
  readonly mode?: AnswerOrigin;
  /** When abstaining: the closest documents found, for the person to look at. */
  readonly closest?: readonly Citation[];
  readonly traceId?: string;
}
