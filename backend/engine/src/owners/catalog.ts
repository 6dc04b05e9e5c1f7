// Backstage `catalog-info.yaml`: the entities a file declares (one file may hold several YAML documents) with
// their `metadata.name` and `spec.owner`. Malformed documents are skipped, never fatal: a catalog file is data.
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

const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

/** Every entity with a kind and a name, in file order. */
export function parseCatalogEntities(text: string): CatalogEntity[] {
  const out: CatalogEntity[] = [];
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return out;
  }
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (!("errors" in doc) || doc.errors.length > 0) continue;
    const v = doc.toJS() as Record<string, unknown> | null;
    if (!v || typeof v !== "object") continue;
    const kind = str(v.kind)?.toLowerCase();
    const metadata = (v.metadata ?? {}) as Record<string, unknown>;
    const spec = (v.spec ?? {}) as Record<string, unknown>;
    const name = str(metadata.name);
    if (!kind || !name) continue;
    const description = str(metadata.description);
    const owner = str(spec.owner);
    out.push({ kind, name, ...(description ? { description } : {}), ...(owner ? { owner } : {}) });
  }
  return out;
}

/** Project entities of a catalog-info.yaml, as /v1/projects lists them. */
export function parseCatalogInfo(text: string): { name: string; description?: string; owners: string[] }[] {
  return parseCatalogEntities(text)
    .filter((e) => PROJECT_KINDS.has(e.kind))
    .map((e) => ({
      name: e.name,
      ...(e.description ? { description: e.description } : {}),
      owners: e.owner ? [e.owner] : [],
    }));
}
