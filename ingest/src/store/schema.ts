// Arrow schemas of the two tables and the conversions between their rows and domain objects.
// Columns keep the domain's names; LanceDB's SQL resolves camelCase names without quoting.
import type { DocumentState, EmbeddedChunk } from "@isa/core";
import { Field, FixedSizeList, Float32, Int32, List, Schema, Utf8 } from "apache-arrow";
import type { LexicalOptions } from "./searchText.js";
import { DEFAULT_LEXICAL, searchText } from "./searchText.js";

export { rowToChunk, rowToDocumentState } from "./records.js";

export const CHUNKS_TABLE = "chunks";
export const DOCUMENTS_TABLE = "documents";
/** The full-text-indexed column. */
export const SEARCH_TEXT = "search_text";

const utf8List = () => new List(new Field("item", new Utf8(), true));

export function chunksSchema(dimensions: number): Schema {
  return new Schema([
    new Field("id", new Utf8(), false),
    new Field("docId", new Utf8(), false),
    new Field("source", new Utf8(), false),
    new Field("path", new Utf8(), false),
    new Field("title", new Utf8(), false),
    new Field("headingPath", utf8List(), false),
    new Field("kind", new Utf8(), false),
    new Field("language", new Utf8(), true),
    new Field("startLine", new Int32(), false),
    new Field("endLine", new Int32(), false),
    new Field("text", new Utf8(), false),
    new Field("acl", utf8List(), false),
    new Field(SEARCH_TEXT, new Utf8(), false),
    new Field("vector", new FixedSizeList(dimensions, new Field("item", new Float32(), true)), false),
  ]);
}

export function documentsSchema(): Schema {
  return new Schema([
    new Field("docId", new Utf8(), false),
    new Field("source", new Utf8(), false),
    new Field("path", new Utf8(), false),
    new Field("contentHash", new Utf8(), false),
    new Field("acl", utf8List(), false),
    new Field("chunkIds", utf8List(), false),
  ]);
}

/** Columns a search returns: everything but the vector and the indexed text, which only cost transfer. */
export const CHUNK_COLUMNS = [
  "id",
  "docId",
  "source",
  "path",
  "title",
  "headingPath",
  "kind",
  "language",
  "startLine",
  "endLine",
  "text",
  "acl",
] as const;

export function chunkRow(
  c: EmbeddedChunk,
  lexical: LexicalOptions = DEFAULT_LEXICAL,
): Record<string, unknown> {
  return {
    id: c.id,
    docId: c.docId,
    source: c.source,
    path: c.path,
    title: c.title,
    headingPath: [...c.headingPath],
    kind: c.kind,
    language: c.language ?? null,
    startLine: c.startLine,
    endLine: c.endLine,
    text: c.text,
    acl: [...c.acl],
    [SEARCH_TEXT]: searchText(c, lexical),
    vector: c.vector,
  };
}

export function documentRow(d: DocumentState): Record<string, unknown> {
  return {
    docId: d.docId,
    source: d.source,
    path: d.path,
    contentHash: d.contentHash,
    acl: [...d.acl],
    chunkIds: [...d.chunkIds],
  };
}

/** A stored vector as a fresh Float32Array (never a view into Arrow's buffers, which the caller may outlive). */
export function rowVector(v: unknown): Float32Array {
  if (v instanceof Float32Array) return Float32Array.from(v);
  if (Array.isArray(v)) return Float32Array.from(v as number[]);
  const arr = (v as { toArray?: () => ArrayLike<number> }).toArray?.();
  return Float32Array.from(arr ?? []);
}
