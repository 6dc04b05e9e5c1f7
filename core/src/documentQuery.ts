// Reference semantics of `DocumentQuery` (ports.ts): what `VectorStore.findDocuments` must return, written once.
// Stores translate the conditions into their own query language; one that cannot express a path condition
// natively may apply `documentQueryMatches` to what its ACL-filtered query returned.
import type { DocumentQuery, DocumentState } from "./ports.js";

/** The last segment of a `/`-separated path. */
export function fileNameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Number of segments of a `/`-separated path (`README.md` → 1, `docs/a.md` → 2). */
export function pathDepth(path: string): number {
  let n = 1;
  for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) n++;
  return n;
}

/** Whether the principal may read the document: its ACL shares a group with the principal's groups. */
export function mayReadDocument(doc: Pick<DocumentState, "acl">, groups: readonly string[]): boolean {
  return doc.acl.some((g) => groups.includes(g));
}

/** Whether the path conditions of `q` (everything but `principal` and `limit`) hold for the document. */
export function documentPathMatches(doc: Pick<DocumentState, "source" | "path">, q: DocumentQuery): boolean {
  if (q.sources && !q.sources.includes(doc.source)) return false;
  if (q.paths && !q.paths.includes(doc.path)) return false;
  const name = fileNameOf(doc.path).toLowerCase();
  if (q.fileNames && !q.fileNames.some((f) => f.toLowerCase() === name)) return false;
  if (q.extensions && !q.extensions.some((e) => e !== "" && name.endsWith(e.toLowerCase()))) return false;
  if (q.depth) {
    const d = pathDepth(doc.path);
    if (q.depth.min !== undefined && d < q.depth.min) return false;
    if (q.depth.max !== undefined && d > q.depth.max) return false;
  }
  return true;
}

/** Whether `findDocuments(q)` must return the document (ignoring `limit`). */
export function documentQueryMatches(
  doc: Pick<DocumentState, "source" | "path" | "acl">,
  q: DocumentQuery,
): boolean {
  return mayReadDocument(doc, q.principal.groups) && documentPathMatches(doc, q);
}
