// Document lookups for the docs server. Listing and lookups by path go through `findDocuments`, reading through
// `getDocumentChunks(docId, principal)`: both filter by the caller's groups inside the store. Missing and unreadable
// look the same.
import type { Chunk, DocumentState, Principal, VectorStore } from "@isa/core";
import { AppError, contentId } from "@isa/core";

/** Most characters of a document returned in one call. */
const MAX_DOCUMENT_CHARS = 200_000;

function notFound(): never {
  throw new AppError("NOT_FOUND", "No readable document matches.");
}

/** Documents the principal may read (their ACL shares a group with the principal), in source/path order. */
export async function readableDocuments(store: VectorStore, principal: Principal): Promise<DocumentState[]> {
  const docs = await store.findDocuments({ principal });
  return docs.sort((a, b) => a.source.localeCompare(b.source) || a.path.localeCompare(b.path));
}

/** An opaque `resources/list` cursor: the last (source, path) of the previous page. */
export function encodeCursor(key: readonly [string, string]): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): [string, string] | undefined {
  if (cursor.length > 4096 || !/^[A-Za-z0-9_-]*$/.test(cursor)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "string")
      ? [v[0] as string, v[1] as string]
      : undefined;
  } catch {
    return undefined;
  }
}

/** The chunks of one readable document, by id or by (source?, path). Throws NOT_FOUND otherwise. */
export async function findDocument(
  store: VectorStore,
  q: {
    readonly id?: string | undefined;
    readonly path?: string | undefined;
    readonly source?: string | undefined;
    readonly principal: Principal;
  },
): Promise<Chunk[]> {
  if (q.id !== undefined) {
    const chunks = await store.getDocumentChunks(q.id, q.principal);
    return chunks.length > 0 ? chunks : notFound();
  }
  if (q.path === undefined) notFound();
  const wanted = q.path.replace(/^\.\//, "");
  // Ids are contentId(source, path): with a source the id is known; without, try each source holding that path.
  const ids =
    q.source !== undefined
      ? [contentId(q.source, wanted)]
      : (await store.findDocuments({ principal: q.principal, paths: [wanted] })).map((d) => d.docId);
  for (const id of ids) {
    const chunks = await store.getDocumentChunks(id, q.principal);
    if (chunks.length > 0) return chunks;
  }
  return notFound();
}

export interface RenderedDocument {
  readonly id: string;
  readonly source: string;
  readonly path: string;
  readonly title: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
  readonly truncated: boolean;
}

/** Chunks (line order) back into one text; a gap between chunks is marked so line numbers stay honest. */
export function renderDocument(chunks: readonly Chunk[]): RenderedDocument {
  const first = chunks[0];
  if (!first) notFound();
  const parts: string[] = [];
  let lastEnd = 0;
  let size = 0;
  let truncated = false;
  for (const c of chunks) {
    if (c.endLine <= lastEnd) continue; // identical or nested ranges add nothing
    if (lastEnd > 0 && c.startLine > lastEnd + 1)
      parts.push(`[… lines ${lastEnd + 1}-${c.startLine - 1} not indexed …]`);
    if (size + c.text.length > MAX_DOCUMENT_CHARS) {
      truncated = true;
      break;
    }
    parts.push(c.text);
    size += c.text.length;
    lastEnd = c.endLine;
  }
  return {
    id: first.docId,
    source: first.source,
    path: first.path,
    title: first.title,
    startLine: first.startLine,
    endLine: lastEnd,
    text: parts.join("\n"),
    truncated,
  };
}
