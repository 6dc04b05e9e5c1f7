// A stored record (a LanceDB row, or a Qdrant point's payload: the same field names) as a domain Chunk or
// DocumentState. No Arrow or client import, so either store's subpath can use it without loading the other.
import type { Chunk, DocumentKind, DocumentState } from "@isa/core";

/** Lists come back as Arrow vectors (or arrays, depending on the path); both become plain string arrays. */
function strings(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.map(String);
  const arr = (v as { toArray?: () => ArrayLike<unknown> }).toArray?.();
  return arr ? Array.from(arr, String) : [];
}

export function rowToChunk(r: Record<string, unknown>): Chunk {
  const language = r.language;
  return {
    id: String(r.id),
    docId: String(r.docId),
    source: String(r.source),
    path: String(r.path),
    title: String(r.title),
    headingPath: strings(r.headingPath),
    kind: String(r.kind) as DocumentKind,
    ...(typeof language === "string" ? { language } : {}),
    startLine: Number(r.startLine),
    endLine: Number(r.endLine),
    text: String(r.text),
    acl: strings(r.acl),
  };
}

export function rowToDocumentState(r: Record<string, unknown>): DocumentState {
  return {
    docId: String(r.docId),
    source: String(r.source),
    path: String(r.path),
    contentHash: String(r.contentHash),
    acl: strings(r.acl),
    chunkIds: strings(r.chunkIds),
  };
}
