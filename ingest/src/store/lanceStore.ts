// The embedded VectorStore: LanceDB tables on local disk. `chunks` holds text, provenance, ACL, the dense vector
// and a BM25 full-text index; `documents` holds per-file state for incremental re-ingest.
//
// Write path: every write goes through one queue (single process, LanceDB commits are optimistic). New rows are
// searchable at once (LanceDB scans rows the FTS index does not cover yet), but those rows are slow to scan and
// get different BM25 statistics, so the store compacts and folds them into the index (`optimize`) on `flush()`,
// on `close()`, every `optimizeEvery` writes, and before the first search after a write.

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
import type { Connection } from "@lancedb/lancedb";
import { connect, makeArrowTable } from "@lancedb/lancedb";
import type { FixedSizeList } from "apache-arrow";
import type { IndexMeta } from "./meta.js";
import { checkMeta, INDEX_FORMAT, readMeta, writeMeta } from "./meta.js";
import {
  CHUNK_COLUMNS,
  chunkRow,
  chunksSchema,
  documentRow,
  documentsSchema,
  rowToChunk,
  rowToDocumentState,
  rowVector,
  SEARCH_TEXT,
} from "./schema.js";
import type { LexicalOptions } from "./searchText.js";
import { DEFAULT_LEXICAL, lexicalQuery } from "./searchText.js";
import { aclPredicate, documentPredicate, searchPredicate, sqlIn, sqlString } from "./sql.js";
import type { Tables } from "./tables.js";
import { createTables, ensureFtsIndex, ensureScalarIndexes, openTables } from "./tables.js";
import { WriteQueue } from "./writeQueue.js";

export interface LanceStoreOptions {
  /** Directory of the database, usually `<ISA_DATA_DIR>/lancedb`. Created if missing. */
  readonly dir: string;
  readonly dimensions: number;
  /** The embedder's model id; an index built with another one is refused. */
  readonly modelId: string;
  /** Writes between automatic compactions during a long ingest (default 20, LanceDB's rule of thumb). */
  readonly optimizeEvery?: number;
  /** What the full-text index holds beside the raw words (default: all of it; the retrieval ablation turns parts off). */
  readonly lexical?: LexicalOptions;
}

/** Ids per `IN (…)` predicate: keeps each SQL statement small. */
const ID_BATCH = 500;
/** Upper bound on k for one search. */
const MAX_K = 1000;
/** Versions older than this are pruned when optimising; a little slack for a reader in another process. */
const KEEP_VERSIONS_MS = 60_000;
/** How often (seconds) a table handle looks for commits made by another process (e.g. `isa ingest`). */
const READ_CONSISTENCY_S = 2;

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function limitOf(k: number): number {
  return Number.isFinite(k) ? Math.max(0, Math.min(MAX_K, Math.floor(k))) : 0;
}

/** Last one wins, like a sequence of single upserts would. */
function lastById<T>(items: readonly T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((t) => [key(t), t])).values()];
}

export class LanceVectorStore implements VectorStore {
  readonly dir: string;
  readonly dimensions: number;
  readonly modelId: string;
  readonly #db: Connection;
  readonly #optimizeEvery: number;
  readonly #lexical: LexicalOptions;
  readonly #queue = new WriteQueue();
  #tables: Tables | undefined;
  /** Rows written since the last optimize: the FTS index does not cover them yet. */
  #dirty = false;
  #writesSinceOptimize = 0;
  #closed = false;

  private constructor(db: Connection, tables: Tables | undefined, opts: LanceStoreOptions) {
    this.#db = db;
    this.#tables = tables;
    this.dir = opts.dir;
    this.dimensions = opts.dimensions;
    this.modelId = opts.modelId;
    this.#optimizeEvery = Math.max(1, opts.optimizeEvery ?? 20);
    this.#lexical = opts.lexical ?? DEFAULT_LEXICAL;
  }

  /** Use `openLanceStore`. */
  static async open(opts: LanceStoreOptions): Promise<LanceVectorStore> {
    if (!Number.isInteger(opts.dimensions) || opts.dimensions < 1) {
      throw new AppError(
        "INPUT_INVALID",
        `Vector dimensions must be a positive integer, got ${opts.dimensions}.`,
      );
    }
    const wanted: IndexMeta = { format: INDEX_FORMAT, modelId: opts.modelId, dimensions: opts.dimensions };
    const found = await readMeta(opts.dir);
    if (found) checkMeta(found, wanted, opts.dir);
    let db: Connection;
    try {
      db = await connect(opts.dir, { readConsistencyInterval: READ_CONSISTENCY_S });
    } catch (cause) {
      throw new AppError("STORE_UNAVAILABLE", `Cannot open the LanceDB index in ${opts.dir}.`, { cause });
    }
    try {
      const tables = await openTables(db);
      if (!found && tables) {
        // Tables without an identity file (written by hand, or the file was lost): trust the vector width only.
        const width = (await tables.chunks.schema()).fields.find((f) => f.name === "vector")?.type as
          | FixedSizeList
          | undefined;
        const dims = width?.listSize ?? -1;
        checkMeta({ format: INDEX_FORMAT, modelId: opts.modelId, dimensions: dims }, wanted, opts.dir);
      }
      if (!found) await writeMeta(opts.dir, wanted);
      if (tables) {
        await ensureFtsIndex(tables.chunks);
        await ensureScalarIndexes(tables);
      }
      return new LanceVectorStore(db, tables, opts);
    } catch (err) {
      db.close();
      throw toStoreError(err, `Cannot open the LanceDB index in ${opts.dir}.`);
    }
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
    if (chunks.length === 0 && docs.length === 0) return;
    await this.#write("upsert", async () => {
      const t = await this.#createTables();
      const rows = lastById(chunks, (c) => c.id).map((c) => chunkRow(c, this.#lexical));
      if (rows.length > 0) {
        const data = makeArrowTable(rows, { schema: chunksSchema(this.dimensions) });
        await t.chunks.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data);
      }
      const docRows = lastById(docs, (d) => d.docId).map(documentRow);
      if (docRows.length > 0) {
        const data = makeArrowTable(docRows, { schema: documentsSchema() });
        await t.documents.mergeInsert("docId").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data);
      }
    });
  }

  async deleteDocuments(docIds: readonly string[]): Promise<void> {
    this.#assertOpen();
    if (docIds.length === 0) return;
    await this.#write("delete", async () => {
      const t = this.#tables ?? (await this.#discoverTables());
      if (!t) return;
      for (const batch of chunked([...new Set(docIds)], ID_BATCH)) {
        const pred = sqlIn("docId", batch);
        if (!pred) continue;
        await t.chunks.delete(pred);
        await t.documents.delete(pred);
      }
    });
  }

  async listDocuments(source?: string): Promise<DocumentState[]> {
    this.#assertOpen();
    return this.#read("listDocuments", [], async (t) => {
      const q = t.documents.query();
      if (source !== undefined) q.where(`source = ${sqlString(source)}`);
      return (await q.toArray()).map(rowToDocumentState);
    });
  }

  async findDocuments(query: DocumentQuery): Promise<DocumentState[]> {
    this.#assertOpen();
    const pred = documentPredicate(query);
    const limit = Number.isFinite(query.limit) ? Math.max(0, Math.floor(query.limit!)) : undefined;
    if (!pred || limit === 0) return [];
    return this.#read("findDocuments", [], async (t) => {
      const q = t.documents.query().where(pred);
      if (limit !== undefined) q.limit(limit);
      return (await q.toArray()).map(rowToDocumentState);
    });
  }

  async readableSources(principal: Principal): Promise<string[]> {
    this.#assertOpen();
    const acl = aclPredicate(principal);
    if (!acl) return [];
    return this.#read("readableSources", [], async (t) => {
      // One narrow column: DataFusion filters the rows, JS only de-duplicates the names.
      const rows = await t.documents.query().where(acl).select(["source"]).toArray();
      return [...new Set(rows.map((r) => String(r.source)))].sort();
    });
  }

  async getVectors(chunkIds: readonly string[]): Promise<Map<string, Float32Array>> {
    this.#assertOpen();
    const out = new Map<string, Float32Array>();
    if (chunkIds.length === 0) return out;
    return this.#read("getVectors", out, async (t) => {
      for (const batch of chunked([...new Set(chunkIds)], ID_BATCH)) {
        const pred = sqlIn("id", batch);
        if (!pred) continue;
        const rows = await t.chunks.query().where(pred).select(["id", "vector"]).toArray();
        for (const r of rows) out.set(String(r.id), rowVector(r.vector));
      }
      return out;
    });
  }

  async searchDense(vector: Float32Array, opts: SearchOptions): Promise<ScoredChunk[]> {
    this.#assertOpen();
    if (vector.length !== this.dimensions) {
      throw new AppError(
        "INPUT_INVALID",
        `Query vector has ${vector.length} dimensions; this index holds ${this.dimensions}.`,
      );
    }
    const k = limitOf(opts.k);
    const pred = searchPredicate(opts);
    if (k === 0 || !pred) return [];
    return this.#read("searchDense", [], async (t) => {
      await this.#freshen();
      const rows = await t.chunks
        .vectorSearch(vector)
        .distanceType("cosine")
        .where(pred)
        .select([...CHUNK_COLUMNS, "_distance"])
        .limit(k)
        .toArray();
      return rows
        .map((r) => ({ chunk: rowToChunk(r), score: 1 - Number(r._distance) }))
        .filter((h) => Number.isFinite(h.score));
    });
  }

  async searchLexical(query: string, opts: SearchOptions): Promise<ScoredChunk[]> {
    this.#assertOpen();
    const k = limitOf(opts.k);
    const pred = searchPredicate(opts);
    const q = lexicalQuery(query, this.#lexical);
    if (k === 0 || !pred || !q) return [];
    return this.#read("searchLexical", [], async (t) => {
      await this.#freshen();
      const rows = await t.chunks
        .query()
        .fullTextSearch(q, { columns: SEARCH_TEXT })
        .where(pred)
        .select([...CHUNK_COLUMNS, "_score"])
        .limit(k)
        .toArray();
      return rows.map((r) => ({ chunk: rowToChunk(r), score: Number(r._score) }));
    });
  }

  async getChunk(id: string, principal: Principal): Promise<Chunk | undefined> {
    this.#assertOpen();
    const acl = aclPredicate(principal);
    const idPred = sqlIn("id", [id]);
    if (!acl || !idPred) return undefined;
    return this.#read("getChunk", undefined, async (t) => {
      const rows = await t.chunks
        .query()
        .where(`${idPred} AND ${acl}`)
        .select([...CHUNK_COLUMNS])
        .limit(1)
        .toArray();
      return rows[0] ? rowToChunk(rows[0]) : undefined;
    });
  }

  async getDocumentChunks(docId: string, principal: Principal): Promise<Chunk[]> {
    this.#assertOpen();
    const acl = aclPredicate(principal);
    const docPred = sqlIn("docId", [docId]);
    if (!acl || !docPred) return [];
    return this.#read("getDocumentChunks", [], async (t) => {
      const rows = await t.chunks
        .query()
        .where(`${docPred} AND ${acl}`)
        .select([...CHUNK_COLUMNS])
        .toArray();
      return rows.map(rowToChunk).sort((a, b) => a.startLine - b.startLine || a.endLine - b.endLine);
    });
  }

  async stats(): Promise<{ chunks: number; documents: number }> {
    this.#assertOpen();
    return this.#read("stats", { chunks: 0, documents: 0 }, async (t) => ({
      chunks: await t.chunks.countRows(),
      documents: await t.documents.countRows(),
    }));
  }

  /** Fold rows written since the last call into the FTS index and compact small fragments. Call after an ingest. */
  async flush(): Promise<void> {
    this.#assertOpen();
    await this.#queue.run(() => this.#optimize());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      // Leave the index optimised for the next process (the CLI ingests, then exits).
      await this.#queue.run(() => this.#optimize());
    } finally {
      this.#tables?.chunks.close();
      this.#tables?.documents.close();
      this.#db.close();
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError("STORE_UNAVAILABLE", "The vector store is closed.");
  }

  /** Runs a read against the tables; an index with no tables yet answers `empty`. */
  async #read<T>(what: string, empty: T, fn: (t: Tables) => Promise<T>): Promise<T> {
    try {
      const t = this.#tables ?? (await this.#discoverTables());
      if (!t) return empty;
      return await fn(t);
    } catch (err) {
      throw toStoreError(err, `The vector store failed (${what}).`);
    }
  }

  async #write(what: string, fn: () => Promise<void>): Promise<void> {
    await this.#queue.run(async () => {
      try {
        await fn();
        this.#dirty = true;
        if (++this.#writesSinceOptimize >= this.#optimizeEvery) await this.#optimize();
      } catch (err) {
        throw toStoreError(err, `The vector store failed (${what}).`);
      }
    });
  }

  /** Before a search: fold pending writes into the index, so BM25 sees one consistent corpus. */
  async #freshen(): Promise<void> {
    if (this.#dirty) await this.#queue.run(() => this.#optimize());
  }

  async #optimize(): Promise<void> {
    const t = this.#tables;
    if (!this.#dirty || !t) return;
    const cleanupOlderThan = new Date(Date.now() - KEEP_VERSIONS_MS);
    await t.chunks.optimize({ cleanupOlderThan });
    await t.documents.optimize({ cleanupOlderThan });
    this.#dirty = false;
    this.#writesSinceOptimize = 0;
  }

  /** Tables created by another process after this one opened. */
  async #discoverTables(): Promise<Tables | undefined> {
    this.#tables ??= await openTables(this.#db);
    return this.#tables;
  }

  async #createTables(): Promise<Tables> {
    this.#tables ??= (await openTables(this.#db)) ?? (await createTables(this.#db, this.dimensions));
    return this.#tables;
  }
}

function toStoreError(err: unknown, message: string): AppError {
  if (err instanceof AppError) return err;
  return new AppError("STORE_UNAVAILABLE", message, { cause: err });
}

/** Open (or create) the LanceDB store in `dir`. Fails with INDEX_MODEL_MISMATCH if it was built with another model. */
export function openLanceStore(opts: LanceStoreOptions): Promise<LanceVectorStore> {
  return LanceVectorStore.open(opts);
}
