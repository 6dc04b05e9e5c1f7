// The cluster VectorStore: Qdrant over its REST API (@qdrant/js-client-rest, Query API only).
//
// Two collections: `<name>` holds one point per chunk (payload = the chunk; a dense vector `dense`, dot product on
// unit vectors = cosine; a sparse vector `bm25` that Qdrant computes server-side from the chunk's search text with
// its `qdrant/bm25` model, IDF applied at query time by the `idf` modifier) and `<name>_documents` holds one
// vectorless point per document state. Point ids are UUIDs derived from chunk/document ids, so upserts are
// idempotent. Every read carries the caller's ACL as a payload filter, inside every prefetch of a hybrid query.
// The chunks collection's metadata records the embedding model; opening it with another model is refused.

import type {
  Chunk,
  DocumentQuery,
  DocumentState,
  EmbeddedChunk,
  Principal,
  ScoredChunk,
  SearchOptions,
  VectorStore,
} from "@isa/core";
import { AppError } from "@isa/core";
import { QdrantClient } from "@qdrant/js-client-rest";
import type { Filter, Payload } from "./qdrantPoints.js";
import {
  aclCondition,
  anyOf,
  CHUNK_KEYWORD_FIELDS,
  chunkPayload,
  DOCUMENT_INTEGER_FIELDS,
  DOCUMENT_KEYWORD_FIELDS,
  documentFilter,
  documentPayload,
  payloadToChunk,
  payloadToDocumentState,
  pointId,
  searchFilter,
  unitVector,
} from "./qdrantPoints.js";
import { lexicalQuery, searchText } from "./searchText.js";

export interface QdrantStoreOptions {
  /** e.g. `http://qdrant:6333` (a URL without a port gets Qdrant's 6333, as the client does). */
  readonly url: string;
  readonly apiKey?: string;
  /** Chunks collection; document states live in `<collection>_documents`. */
  readonly collection: string;
  readonly dimensions: number;
  /** The embedder's model id; a collection built with another one is refused. */
  readonly modelId: string;
  /** Points per upsert request (default 256). */
  readonly batchSize?: number;
  /** Per-request timeout in ms (default 120 000). */
  readonly timeoutMs?: number;
  /**
   * BM25 parameters of the server-side sparse vectors (default k 1.2, b 0.75, avgLen BM25_AVG_LEN); they shape the
   * stored weights, so changing them needs a re-ingest. Exposed for the store-quality bench.
   */
  readonly bm25?: { readonly k?: number; readonly b?: number; readonly avgLen?: number };
}

export interface HybridSearchOptions extends SearchOptions {
  /** Candidates each prefetch (dense, BM25) contributes to the fusion (default max(50, 4·k)). */
  readonly candidates?: number;
  /** RRF constant (default 60, like ISA_RRF_K). */
  readonly rrfK?: number;
}

export interface HybridHit extends ScoredChunk {
  /** Cosine similarity of the chunk to the query vector (the abstention signal). */
  readonly denseScore: number;
}

/** Bumped when the point layout or the indexed text recipe changes; an older collection must be rebuilt. */
export const QDRANT_LAYOUT = 1;
const DENSE = "dense";
const BM25 = "bm25";
/**
 * Qdrant's server-side BM25 (`qdrant/bm25`), set to match LanceDB's full-text index: English stemming and stop
 * words, lowercase, ASCII folding, tokens up to 40 characters. avg_len is the expected chunk length in tokens.
 */
const BM25_TEXT_OPTIONS = {
  language: "english",
  lowercase: true,
  ascii_folding: true,
  max_token_len: 40,
} as const;
/** Expected tokens per chunk's search text (measured below with the store-quality bench). */
const BM25_AVG_LEN = 120;
const MAX_K = 1000;
/** Upsert requests in flight at once (batches of one call never share a point id, so order does not matter). */
const UPSERT_PARALLEL = 2;
const SCROLL_PAGE = 1000;
const ID_BATCH = 500;
/** HNSW beam width at query time (Qdrant's default is ef_construct = 100). */
const HNSW_EF = 128;

interface IsaMetadata {
  readonly isaLayout: number;
  readonly modelId: string;
  readonly dimensions: number;
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function limitOf(k: number): number {
  return Number.isFinite(k) ? Math.max(0, Math.min(MAX_K, Math.floor(k))) : 0;
}

function lastById<T>(items: readonly T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((t) => [key(t), t])).values()];
}

function toStoreError(err: unknown, message: string): AppError {
  if (err instanceof AppError) return err;
  const detail = err instanceof Error ? `: ${err.message}` : "";
  return new AppError("STORE_UNAVAILABLE", `${message}${detail}`, { cause: err });
}

export class QdrantVectorStore implements VectorStore {
  readonly collection: string;
  readonly documentsCollection: string;
  readonly dimensions: number;
  readonly modelId: string;
  readonly #client: QdrantClient;
  readonly #batchSize: number;
  readonly #bm25Options: Record<string, unknown>;
  #closed = false;

  private constructor(client: QdrantClient, opts: QdrantStoreOptions) {
    this.#client = client;
    this.collection = opts.collection;
    this.documentsCollection = `${opts.collection}_documents`;
    this.dimensions = opts.dimensions;
    this.modelId = opts.modelId;
    this.#batchSize = Math.max(1, opts.batchSize ?? 256);
    this.#bm25Options = {
      ...BM25_TEXT_OPTIONS,
      avg_len: opts.bm25?.avgLen ?? BM25_AVG_LEN,
      ...(opts.bm25?.k !== undefined ? { k: opts.bm25.k } : {}),
      ...(opts.bm25?.b !== undefined ? { b: opts.bm25.b } : {}),
    };
  }

  #bm25(text: string) {
    return { text, model: "qdrant/bm25", options: this.#bm25Options };
  }

  /** Use `openQdrantStore`. */
  static async open(opts: QdrantStoreOptions): Promise<QdrantVectorStore> {
    if (!Number.isInteger(opts.dimensions) || opts.dimensions < 1) {
      throw new AppError(
        "INPUT_INVALID",
        `Vector dimensions must be a positive integer, got ${opts.dimensions}.`,
      );
    }
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(opts.collection)) {
      throw new AppError(
        "INPUT_INVALID",
        `Qdrant collection name "${opts.collection}" must be 1-200 letters, digits, '_' or '-'.`,
      );
    }
    const client = new QdrantClient({
      url: opts.url,
      ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
      timeout: opts.timeoutMs ?? 120_000,
      checkCompatibility: false,
    });
    const store = new QdrantVectorStore(client, opts);
    try {
      await store.#ensureCollections();
    } catch (err) {
      throw toStoreError(err, `Cannot open Qdrant collection ${opts.collection} at ${opts.url}`);
    }
    return store;
  }

  async upsert(chunks: readonly EmbeddedChunk[], docs: readonly DocumentState[]): Promise<void> {
    this.#assertOpen();
    for (const c of chunks) {
      if (c.vector.length !== this.dimensions) {
        throw new AppError(
          "INPUT_INVALID",
          `Chunk ${c.id} has a ${c.vector.length}-dimensional vector; this index holds ${this.dimensions}.`,
        );
      }
    }
    await this.#call("upsert", async () => {
      const points = lastById(chunks, (c) => c.id).map((c) => ({
        id: pointId("chunk", c.id),
        vector: { [DENSE]: unitVector(c.vector), [BM25]: this.#bm25(searchText(c)) },
        payload: chunkPayload(c),
      }));
      // Chunks before document states: a crash in between leaves a document unrecorded, so it is re-indexed.
      await this.#inParallel(chunked(points, this.#batchSize), (batch) =>
        this.#client.upsert(this.collection, { wait: true, points: batch }),
      );
      const states = lastById(docs, (d) => d.docId).map((d) => ({
        id: pointId("doc", d.docId),
        vector: {},
        payload: documentPayload(d),
      }));
      await this.#inParallel(chunked(states, this.#batchSize), (batch) =>
        this.#client.upsert(this.documentsCollection, { wait: true, points: batch }),
      );
    });
  }

  /** Runs `fn` over `items` with up to UPSERT_PARALLEL requests in flight (serialising JSON overlaps the server). */
  async #inParallel<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (!failed && next < items.length) {
        const item = items[next++] as T;
        try {
          await fn(item);
        } catch (err) {
          failed = true;
          throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(UPSERT_PARALLEL, items.length) }, worker));
  }

  async deleteDocuments(docIds: readonly string[]): Promise<void> {
    this.#assertOpen();
    if (docIds.length === 0) return;
    await this.#call("delete", async () => {
      for (const batch of chunked([...new Set(docIds)], ID_BATCH)) {
        const cond = anyOf("docId", batch);
        if (!cond) continue;
        await this.#client.delete(this.collection, { wait: true, filter: { must: [cond] } });
        await this.#client.delete(this.documentsCollection, {
          wait: true,
          points: batch.map((id) => pointId("doc", id)),
        });
      }
    });
  }

  async listDocuments(source?: string): Promise<DocumentState[]> {
    this.#assertOpen();
    let filter: Filter | undefined;
    if (source !== undefined) {
      const cond = anyOf("source", [source]);
      if (!cond) return [];
      filter = { must: [cond] };
    }
    return this.#call("listDocuments", async () =>
      (await this.#scrollAll(this.documentsCollection, filter)).map(payloadToDocumentState),
    );
  }

  async findDocuments(query: DocumentQuery): Promise<DocumentState[]> {
    this.#assertOpen();
    const f = documentFilter(query);
    const limit = query.limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(query.limit));
    if (!f || !(limit > 0)) return [];
    const { filter, extensions } = f;
    const ok = (p: Payload) => !extensions || extensions.some((e) => String(p.fileName).endsWith(e));
    return this.#call("findDocuments", async () =>
      (await this.#scrollAll(this.documentsCollection, filter, { limit, accept: ok })).map(
        payloadToDocumentState,
      ),
    );
  }

  async readableSources(principal: Principal): Promise<string[]> {
    this.#assertOpen();
    const acl = aclCondition(principal);
    if (!acl) return [];
    return this.#call("readableSources", async () => {
      // A facet over the indexed `source` field: Qdrant counts per value under the ACL filter, no payload moves.
      const res = await this.#client.facet(this.documentsCollection, {
        key: "source",
        filter: { must: [acl] },
        limit: 100_000,
        exact: true,
      });
      return res.hits.map((h) => String(h.value)).sort();
    });
  }

  async getVectors(chunkIds: readonly string[]): Promise<Map<string, Float32Array>> {
    this.#assertOpen();
    const out = new Map<string, Float32Array>();
    if (chunkIds.length === 0) return out;
    return this.#call("getVectors", async () => {
      for (const batch of chunked([...new Set(chunkIds)], ID_BATCH)) {
        const points = await this.#client.retrieve(this.collection, {
          ids: batch.map((id) => pointId("chunk", id)),
          with_payload: ["id"],
          with_vector: [DENSE],
        });
        for (const p of points) {
          const v = (p.vector as Record<string, unknown> | undefined)?.[DENSE];
          if (Array.isArray(v)) out.set(String(p.payload?.id), Float32Array.from(v as number[]));
        }
      }
      return out;
    });
  }

  async searchDense(vector: Float32Array, opts: SearchOptions): Promise<ScoredChunk[]> {
    this.#assertOpen();
    this.#checkQueryVector(vector);
    const k = limitOf(opts.k);
    const filter = searchFilter(opts);
    if (k === 0 || !filter) return [];
    return this.#call("searchDense", async () => {
      const res = await this.#client.query(this.collection, {
        query: unitVector(vector),
        using: DENSE,
        filter,
        limit: k,
        params: { hnsw_ef: Math.max(HNSW_EF, k) },
        with_payload: true,
      });
      return res.points.map((p) => ({ chunk: payloadToChunk(p.payload as Payload), score: p.score }));
    });
  }

  async searchLexical(query: string, opts: SearchOptions): Promise<ScoredChunk[]> {
    this.#assertOpen();
    const k = limitOf(opts.k);
    const filter = searchFilter(opts);
    const q = lexicalQuery(query);
    if (k === 0 || !filter || !q) return [];
    return this.#call("searchLexical", async () => {
      const res = await this.#client.query(this.collection, {
        query: this.#bm25(q),
        using: BM25,
        filter,
        limit: k,
        with_payload: true,
      });
      return res.points
        .filter((p) => p.score > 0)
        .map((p) => ({ chunk: payloadToChunk(p.payload as Payload), score: p.score }));
    });
  }

  /**
   * Hybrid search in one request: a dense and a BM25 prefetch, each filtered by the caller's ACL (and kinds,
   * sources), fused by reciprocal rank inside Qdrant. `denseScore` is the cosine of each hit to `vector`,
   * computed here from the returned vectors (RRF scores carry no similarity).
   */
  async searchHybrid(query: string, vector: Float32Array, opts: HybridSearchOptions): Promise<HybridHit[]> {
    this.#assertOpen();
    this.#checkQueryVector(vector);
    const k = limitOf(opts.k);
    const filter = searchFilter(opts);
    if (k === 0 || !filter) return [];
    const n = limitOf(Math.max(opts.candidates ?? 50, 4 * k, k));
    const q = lexicalQuery(query);
    const dense = unitVector(vector);
    return this.#call("searchHybrid", async () => {
      const prefetch = [
        { query: dense, using: DENSE, filter, limit: n, params: { hnsw_ef: Math.max(HNSW_EF, n) } },
        ...(q ? [{ query: this.#bm25(q), using: BM25, filter, limit: n }] : []),
      ];
      const res = await this.#client.query(this.collection, {
        prefetch,
        query: { rrf: { k: opts.rrfK ?? 60 } },
        filter,
        limit: k,
        with_payload: true,
        with_vector: [DENSE],
      });
      return res.points.map((p) => {
        const v = (p.vector as Record<string, unknown> | undefined)?.[DENSE];
        let dot = 0;
        if (Array.isArray(v))
          for (let i = 0; i < dense.length; i++) dot += (dense[i] ?? 0) * Number(v[i] ?? 0);
        return { chunk: payloadToChunk(p.payload as Payload), score: p.score, denseScore: dot };
      });
    });
  }

  async getChunk(id: string, principal: Principal): Promise<Chunk | undefined> {
    this.#assertOpen();
    const acl = aclCondition(principal);
    if (!acl) return undefined;
    return this.#call("getChunk", async () => {
      const res = await this.#client.scroll(this.collection, {
        filter: { must: [{ has_id: [pointId("chunk", id)] }, acl] },
        limit: 1,
        with_payload: true,
        with_vector: false,
      });
      const p = res.points[0]?.payload as Payload | undefined;
      return p && p.id === id ? payloadToChunk(p) : undefined;
    });
  }

  async getDocumentChunks(docId: string, principal: Principal): Promise<Chunk[]> {
    this.#assertOpen();
    const acl = aclCondition(principal);
    const doc = anyOf("docId", [docId]);
    if (!acl || !doc) return [];
    return this.#call("getDocumentChunks", async () =>
      (await this.#scrollAll(this.collection, { must: [doc, acl] }))
        .map(payloadToChunk)
        .sort((a, b) => a.startLine - b.startLine || a.endLine - b.endLine),
    );
  }

  async stats(): Promise<{ chunks: number; documents: number }> {
    this.#assertOpen();
    return this.#call("stats", async () => ({
      chunks: (await this.#client.count(this.collection, { exact: true })).count,
      documents: (await this.#client.count(this.documentsCollection, { exact: true })).count,
    }));
  }

  /** Nothing is buffered (every write waits for Qdrant to apply it); kept for parity with the LanceDB store. */
  async flush(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError("STORE_UNAVAILABLE", "The vector store is closed.");
  }

  #checkQueryVector(vector: Float32Array): void {
    if (vector.length !== this.dimensions) {
      throw new AppError(
        "INPUT_INVALID",
        `Query vector has ${vector.length} dimensions; this index holds ${this.dimensions}.`,
      );
    }
  }

  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(err, `The vector store failed (${what})`);
    }
  }

  /** Every payload matching `filter`, page by page; `accept` and `limit` stop early (findDocuments). */
  async #scrollAll(
    collection: string,
    filter: Filter | undefined,
    opts: { readonly limit?: number; readonly accept?: (p: Payload) => boolean } = {},
  ): Promise<Payload[]> {
    const out: Payload[] = [];
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    let offset: string | number | undefined;
    for (;;) {
      const res = await this.#client.scroll(collection, {
        ...(filter ? { filter } : {}),
        limit: opts.accept ? SCROLL_PAGE : Math.min(SCROLL_PAGE, limit - out.length),
        with_payload: true,
        with_vector: false,
        ...(offset !== undefined ? { offset } : {}),
      });
      for (const p of res.points) {
        const payload = (p.payload ?? {}) as Payload;
        if (opts.accept && !opts.accept(payload)) continue;
        out.push(payload);
        if (out.length >= limit) return out;
      }
      const next = res.next_page_offset;
      if (next === undefined || next === null || typeof next === "object") return out;
      offset = next;
    }
  }

  /** Creates both collections and their payload indexes if missing; checks the model identity of an existing one. */
  async #ensureCollections(): Promise<void> {
    const wanted: IsaMetadata = {
      isaLayout: QDRANT_LAYOUT,
      modelId: this.modelId,
      dimensions: this.dimensions,
    };
    if ((await this.#client.collectionExists(this.collection)).exists) {
      const info = await this.#client.getCollection(this.collection);
      const meta = info.config.metadata;
      const vectors = info.config.params.vectors as Record<string, { size?: number }> | undefined;
      const found: IsaMetadata = {
        isaLayout: Number((meta as Partial<IsaMetadata> | undefined)?.isaLayout ?? -1),
        modelId: String((meta as Partial<IsaMetadata> | undefined)?.modelId ?? "unknown"),
        dimensions: Number(vectors?.[DENSE]?.size ?? -1),
      };
      this.#checkIdentity(found, wanted);
    } else {
      await this.#createIfMissing(this.collection, {
        vectors: { [DENSE]: { size: this.dimensions, distance: "Dot" } },
        sparse_vectors: { [BM25]: { modifier: "idf" } },
        metadata: { ...wanted },
      });
      for (const field of CHUNK_KEYWORD_FIELDS) {
        await this.#client.createPayloadIndex(this.collection, {
          wait: true,
          field_name: field,
          field_schema: "keyword",
        });
      }
    }
    if (!(await this.#client.collectionExists(this.documentsCollection)).exists) {
      await this.#createIfMissing(this.documentsCollection, { vectors: {} });
      for (const field of DOCUMENT_KEYWORD_FIELDS) {
        await this.#client.createPayloadIndex(this.documentsCollection, {
          wait: true,
          field_name: field,
          field_schema: "keyword",
        });
      }
      for (const field of DOCUMENT_INTEGER_FIELDS) {
        await this.#client.createPayloadIndex(this.documentsCollection, {
          wait: true,
          field_name: field,
          field_schema: "integer",
        });
      }
    }
  }

  /** Another process may create the collection at the same moment: "already exists" is success. */
  async #createIfMissing(
    name: string,
    body: Omit<Parameters<ReturnType<QdrantClient["api"]>["createCollection"]>[0], "collection_name">,
  ): Promise<void> {
    try {
      // The high-level createCollection drops `metadata` (client 1.18): call the generated API directly.
      await this.#client.api().createCollection({ collection_name: name, ...body });
    } catch (err) {
      if ((await this.#client.collectionExists(name)).exists) return;
      throw err;
    }
  }

  #checkIdentity(found: IsaMetadata, wanted: IsaMetadata): void {
    const fix =
      `Use another collection (QDRANT_COLLECTION) and re-ingest, or delete collections ${this.collection} and ` +
      `${this.documentsCollection} and ingest again.`;
    if (found.modelId !== wanted.modelId || found.dimensions !== wanted.dimensions) {
      throw new AppError(
        "INDEX_MODEL_MISMATCH",
        `Qdrant collection ${this.collection} was built with ${found.modelId} (${found.dimensions} dimensions), ` +
          `but the embedder is ${wanted.modelId} (${wanted.dimensions} dimensions). ${fix}`,
        {
          details: {
            indexModel: found.modelId,
            indexDimensions: found.dimensions,
            embedderModel: wanted.modelId,
            embedderDimensions: wanted.dimensions,
          },
        },
      );
    }
    if (found.isaLayout !== wanted.isaLayout) {
      throw new AppError(
        "STORE_UNAVAILABLE",
        `Qdrant collection ${this.collection} has layout version ${found.isaLayout}; this version needs ` +
          `${wanted.isaLayout}. ${fix}`,
        { details: { indexFormat: found.isaLayout, expectedFormat: wanted.isaLayout } },
      );
    }
  }
}

/** Open (or create) the Qdrant store. Fails with INDEX_MODEL_MISMATCH if the collection holds another model's vectors. */
export function openQdrantStore(opts: QdrantStoreOptions): Promise<QdrantVectorStore> {
  return QdrantVectorStore.open(opts);
}
