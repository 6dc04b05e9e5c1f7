// How chunks and document states become Qdrant points and back, point ids, and the payload filters every read
// carries. Filters are JSON, not a query language, so hostile group names cannot inject anything; they are still
// bounded and stripped of control characters, exactly as the LanceDB store does, so both stores see the same groups.
import { createHash } from "node:crypto";
import type { Chunk, DocumentQuery, DocumentState, Principal, SearchOptions } from "@isa/core";
import { rowToChunk, rowToDocumentState } from "./records.js";

/** Longest group, id or name we put in a filter; longer values cannot match anything we store. */
const MAX_VALUE_LENGTH = 512;
/** Most groups one principal may carry into a query (bounds the filter's size). */
const MAX_GROUPS = 1024;

function usable(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  return value.length > 0 && value.length <= MAX_VALUE_LENGTH && !/[\u0000-\u001f\u007f]/.test(value);
}

/**
 * A UUID derived from a chunk id or a document id (Qdrant point ids are UUIDs or integers): the first 16 bytes of
 * sha256(kind + id), with the RFC 9562 version-8 and variant bits set. The same id always maps to the same point,
 * so writing a chunk twice replaces it.
 */
export function pointId(kind: "chunk" | "doc", id: string): string {
  const b = createHash("sha256").update(`isa-${kind}:${id}`).digest().subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x80;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Payload fields with a keyword index (filters use them; created before any data, as Qdrant advises). */
export const CHUNK_KEYWORD_FIELDS = ["acl", "docId", "source", "path", "kind"] as const;
export const DOCUMENT_KEYWORD_FIELDS = ["acl", "source", "path", "fileName"] as const;
/** Integer-indexed payload fields of document points. */
export const DOCUMENT_INTEGER_FIELDS = ["depth"] as const;

export type Payload = Record<string, unknown>;

export function chunkPayload(c: Chunk): Payload {
  return {
    id: c.id,
    docId: c.docId,
    source: c.source,
    path: c.path,
    title: c.title,
    headingPath: [...c.headingPath],
    kind: c.kind,
    ...(c.language !== undefined ? { language: c.language } : {}),
    startLine: c.startLine,
    endLine: c.endLine,
    text: c.text,
    acl: [...c.acl],
  };
}

/** A point's payload as a Chunk (the payload carries the LanceDB row's field names). */
export const payloadToChunk = (p: Payload): Chunk => rowToChunk(p);

/** The last segment of a `/`-separated path. */
const fileNameOf = (p: string) => p.slice(p.lastIndexOf("/") + 1);

export function documentPayload(d: DocumentState): Payload {
  return {
    docId: d.docId,
    source: d.source,
    path: d.path,
    contentHash: d.contentHash,
    acl: [...d.acl],
    chunkIds: [...d.chunkIds],
    // Derived for findDocuments' filters: the lower-cased file name and the number of path segments.
    fileName: fileNameOf(d.path).toLowerCase(),
    depth: d.path.split("/").length,
  };
}

export const payloadToDocumentState = (p: Payload): DocumentState => rowToDocumentState(p);

export interface FieldCondition {
  readonly key: string;
  readonly match: { readonly any: string[] };
}
export interface RangeCondition {
  readonly key: string;
  readonly range: { readonly gte?: number; readonly lte?: number };
}
export interface Filter {
  readonly must: (FieldCondition | RangeCondition | { readonly has_id: string[] })[];
}

/** `key IN values`, or undefined when no usable value is left. */
export function anyOf(key: string, values: readonly string[]): FieldCondition | undefined {
  const kept = [...new Set(values.filter(usable))];
  return kept.length > 0 ? { key, match: { any: kept } } : undefined;
}

/** The ACL condition for a principal, or undefined when it can see nothing (no usable groups). */
export function aclCondition(principal: Principal): FieldCondition | undefined {
  return anyOf("acl", [...new Set(principal.groups.filter(usable))].slice(0, MAX_GROUPS));
}

/**
 * ACL AND kinds AND sources. Undefined means "no point can match" (no usable group, or an explicitly empty
 * kinds/sources list), so the caller returns [] without querying.
 */
export function searchFilter(
  opts: Pick<SearchOptions, "principal" | "kinds" | "sources">,
): Filter | undefined {
  const acl = aclCondition(opts.principal);
  if (!acl) return undefined;
  const must: FieldCondition[] = [acl];
  if (opts.kinds) {
    const c = anyOf("kind", opts.kinds);
    if (!c) return undefined;
    must.push(c);
  }
  if (opts.sources) {
    const c = anyOf("source", opts.sources);
    if (!c) return undefined;
    must.push(c);
  }
  return { must };
}

/** The vector as Qdrant should store it: unit length (the collection uses dot product = cosine on unit vectors). */
export function unitVector(v: Float32Array): number[] {
  let sq = 0;
  for (const x of v) sq += x * x;
  const norm = Math.sqrt(sq);
  // The Embedder port promises unit vectors: keep them bit-exact (getVectors returns what was written).
  if (norm === 0 || Math.abs(norm - 1) < 1e-4) return Array.from(v);
  return Array.from(v, (x) => x / norm);
}

/** Usable lower-cased values without `/` (a file name or an extension never holds one). */
function nameValues(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => usable(v) && !v.includes("/")).map((v) => v.toLowerCase()))];
}

const bound = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? Math.floor(n) : undefined);

/**
 * findDocuments' query as a Qdrant filter (ACL, sources, paths, file names, depth) plus the extensions, which a
 * keyword index cannot express (`ends with`) and the caller checks on each returned document. Undefined means
 * "nothing can match" (no usable group, or an explicitly empty list).
 */
export function documentFilter(q: DocumentQuery): { filter: Filter; extensions?: string[] } | undefined {
  const acl = aclCondition(q.principal);
  if (!acl) return undefined;
  const must: Filter["must"] = [acl];
  for (const [key, values] of [
    ["source", q.sources],
    ["path", q.paths],
    ["fileName", q.fileNames ? nameValues(q.fileNames) : undefined],
  ] as const) {
    if (!values) continue;
    const c = anyOf(key, values);
    if (!c) return undefined;
    must.push(c);
  }
  const min = bound(q.depth?.min);
  const max = bound(q.depth?.max);
  if (min !== undefined || max !== undefined) {
    must.push({
      key: "depth",
      range: { ...(min !== undefined ? { gte: min } : {}), ...(max !== undefined ? { lte: max } : {}) },
    });
  }
  if (!q.extensions) return { filter: { must } };
  const extensions = nameValues(q.extensions);
  return extensions.length > 0 ? { filter: { must }, extensions } : undefined;
}
