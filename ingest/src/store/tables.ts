// Opening and creating the two tables, and the FTS index every lexical search relies on.
import type { Connection, Table } from "@lancedb/lancedb";
import { Index } from "@lancedb/lancedb";
import { CHUNKS_TABLE, chunksSchema, DOCUMENTS_TABLE, documentsSchema, SEARCH_TEXT } from "./schema.js";
import { FTS_OPTIONS } from "./searchText.js";

export interface Tables {
  readonly chunks: Table;
  readonly documents: Table;
}

/** Both tables, or undefined while the index has none (nothing was ever written). */
export async function openTables(db: Connection): Promise<Tables | undefined> {
  const names = new Set(await db.tableNames());
  if (!names.has(CHUNKS_TABLE) || !names.has(DOCUMENTS_TABLE)) return undefined;
  return { chunks: await db.openTable(CHUNKS_TABLE), documents: await db.openTable(DOCUMENTS_TABLE) };
}

/** Creates the FTS index if missing (a crash between creating the table and its index, or an older layout). */
export async function ensureFtsIndex(chunks: Table): Promise<void> {
  const indices = await chunks.listIndices();
  if (indices.some((i) => i.indexType === "FTS" && i.columns.includes(SEARCH_TEXT))) return;
  await chunks.createIndex(SEARCH_TEXT, { config: Index.fts(FTS_OPTIONS) });
}

/**
 * Scalar indexes the permission-filtered lookups rely on, created if missing: a document's chunks by `docId`, and
 * document records by `source`, `path` and `acl` (catalog, owners, MCP lookups), so those queries read the rows
 * they return instead of scanning the table. `optimize()` folds new rows into them; rows written since are still
 * found (scanned), so a missing or stale index costs time, never results.
 */
export async function ensureScalarIndexes(t: Tables): Promise<void> {
  const wanted: [Table, string, Index][] = [
    [t.chunks, "docId", Index.btree()],
    [t.documents, "source", Index.btree()],
    [t.documents, "path", Index.btree()],
    [t.documents, "acl", Index.labelList()],
  ];
  for (const [table, column, config] of wanted) {
    const indices = await table.listIndices();
    if (indices.some((i) => i.columns.length === 1 && i.columns[0] === column)) continue;
    await table.createIndex(column, { config });
  }
}

/** Creates both tables (empty) and the FTS index. */
export async function createTables(db: Connection, dimensions: number): Promise<Tables> {
  const opts = { mode: "create", existOk: true } as const;
  const chunks = await db.createEmptyTable(CHUNKS_TABLE, chunksSchema(dimensions), opts);
  const documents = await db.createEmptyTable(DOCUMENTS_TABLE, documentsSchema(), opts);
  // An FTS index on an empty table is valid, and saves every lexical search from checking for one.
  await ensureFtsIndex(chunks);
  await ensureScalarIndexes({ chunks, documents });
  return { chunks, documents };
}
