// Backstage `catalog-info.yaml`: the entities a file declares (one file may hold several YAML documents) with
// their `metadata.name` and `spec.owner`. Malformed documents are skipped, never fatal: a catalog file is data.
// Never silent either: each malformed file (path and reason) is reported to the listeners (the server logs it) and
// kept in a small table that /readyz shows in its details until the file parses again.
import { parseAllDocuments } from "yaml";

export const CATALOG_FILES = new Set(["catalog-info.yaml", "catalog-info.yml"]);
/** Entity kinds that describe a project (Groups, Users, Locations… do not). */
export const PROJECT_KINDS = new Set(["component", "system", "api"]);

export interface CatalogEntity {
  /** Lower-cased kind (`component`, `system`, …). */
  readonly kind: string;
  readonly name: string;
  readonly description?: string;
  /** Backstage entity ref as written (`team-billing`, `group:team-billing`, `user:default/ada`). */
  readonly owner?: string;
}

/** A catalog file that could not be read as entities, as last seen. */
export interface CatalogProblem {
  /** `<source>:<path>` of the file. */
  readonly path: string;
  readonly reason: string;
  readonly at: string;
}

/** Problems kept at most (the oldest goes first): /readyz stays small whatever the corpus holds. */
const MAX_PROBLEMS = 50;
const problems = new Map<string, CatalogProblem>();
const listeners = new Set<(p: CatalogProblem) => void>();

/** Malformed catalog files seen by this process, oldest first. */
export function catalogProblems(): CatalogProblem[] {
  return [...problems.values()];
}

/** Called once per new problem (a file already reported with the same reason is not reported again). */
export function onCatalogProblem(fn: (p: CatalogProblem) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function report(path: string | undefined, reason: string | undefined): void {
  if (path === undefined) return;
  if (reason === undefined) {
    problems.delete(path);
    return;
  }
  if (problems.get(path)?.reason === reason) return;
  problems.delete(path);
  const p = { path, reason: reason.slice(0, 300), at: new Date().toISOString() };
  problems.set(path, p);
  while (problems.size > MAX_PROBLEMS) {
    const oldest = problems.keys().next().value;
    if (oldest === undefined) break;
    problems.delete(oldest);
  }
  for (const fn of listeners) fn(p);
}

const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

/**
 * Every entity with a kind and a name, in file order. `path` (`<source>:<path>`) names the file in problem reports;
 * without it nothing is reported.
 */
export function parseCatalogEntities(text: string, path?: string): CatalogEntity[] {
  const out: CatalogEntity[] = [];
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text);
  } catch (err) {
    report(path, `not YAML: ${(err as Error).message}`);
    return out;
  }
  let problem: string | undefined;
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (!("errors" in doc) || doc.errors.length > 0) {
      problem ??= `document ${i + 1}: ${"errors" in doc ? (doc.errors[0]?.message ?? "invalid") : "invalid"}`;
      continue;
    }
    const v = doc.toJS() as Record<string, unknown> | null;
    if (!v || typeof v !== "object") continue;
    const kind = str(v.kind)?.toLowerCase();
    const metadata = (v.metadata ?? {}) as Record<string, unknown>;
    const spec = (v.spec ?? {}) as Record<string, unknown>;
    const name = str(metadata.name);
    if (!kind || !name) {
      problem ??= `document ${i + 1}: no ${kind ? "metadata.name" : "kind"}`;
      continue;
    }
    const description = str(metadata.description);
    const owner = str(spec.owner);
    out.push({ kind, name, ...(description ? { description } : {}), ...(owner ? { owner } : {}) });
  }
  report(path, problem);
  return out;
}

/** Project entities of a catalog-info.yaml, as /v1/projects lists them. */
export function parseCatalogInfo(
  text: string,
  path?: string,
): { name: string; description?: string; owners: string[] }[] {
  return parseCatalogEntities(text, path)
    .filter((e) => PROJECT_KINDS.has(e.kind))
    .map((e) => ({
      name: e.name,
      ...(e.description ? { description: e.description } : {}),
      owners: e.owner ? [e.owner] : [],
    }));
}
