// Project discovery for GET /v1/projects: Backstage `catalog-info.yaml` entities found in the index, and for an
// indexed source without one, a project made from its root README and CODEOWNERS. Only documents the caller may
// read are looked at, so neither a project nor a document path leaks across groups.
import path from "node:path";
import type { DocumentState, Principal, VectorStore } from "@isa/core";
import { joinChunks } from "../documents.js";
import { CATALOG_FILES, CODEOWNERS_PATHS, parseCatalogInfo, repositoryOwners } from "./index.js";

export interface Project {
  readonly name: string;
  readonly source: string;
  /** Folder of the project within its source ("" for the source root). */
  readonly path: string;
  readonly description?: string;
  readonly owners: readonly string[];
  /** Markdown documents under the project's folder (at most DOCS_PER_PROJECT). */
  readonly docs: readonly string[];
  readonly from: "catalog-info" | "readme";
}

const README = /^readme(\.(md|markdown|txt|rst))?$/i;
const DOCS_PER_PROJECT = 20;
const MAX_PROJECTS = 100;

// Catalog and CODEOWNERS parsing live in ../owners (shared with GET /v1/owners and the MCP who_owns tool).
export { parseCatalogInfo };
/** Owners of a CODEOWNERS file: those of the catch-all `*` rule when present, else every owner named. */
export const parseCodeowners = repositoryOwners;

/** The first prose paragraph of a README (headings, badges and HTML skipped), capped at 300 characters. */
export function readmeDescription(text: string): string | undefined {
  for (const para of text.split(/\n\s*\n/)) {
    const p = para.trim();
    if (p === "" || p.startsWith("#") || p.startsWith("<") || p.startsWith("![") || p.startsWith("[!["))
      continue;
    if (p.startsWith("```")) continue;
    const flat = p.replace(/\s+/g, " ");
    return flat.length > 300 ? `${flat.slice(0, 297)}…` : flat;
  }
  return undefined;
}

function mayRead(principal: Principal, acl: readonly string[]): boolean {
  return acl.some((g) => principal.groups.includes(g));
}

const dirOf = (p: string) => (path.posix.dirname(p) === "." ? "" : path.posix.dirname(p));
const under = (dir: string, p: string) => dir === "" || p.startsWith(`${dir}/`);
const isMarkdown = (p: string) => /\.(md|markdown|mdx)$/i.test(p);

async function textOf(store: VectorStore, doc: DocumentState, principal: Principal): Promise<string> {
  return joinChunks(await store.getDocumentChunks(doc.docId, principal));
}

function docsUnder(docs: readonly DocumentState[], dir: string): string[] {
  return docs
    .filter((d) => isMarkdown(d.path) && under(dir, d.path))
    .map((d) => d.path)
    .sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b))
    .slice(0, DOCS_PER_PROJECT);
}

/** Every project visible to the principal, filtered by `q` (all words must match name, description, owners or path). */
export async function discoverProjects(
  store: VectorStore,
  principal: Principal,
  q?: string,
): Promise<Project[]> {
  const visible = (await store.listDocuments()).filter((d) => mayRead(principal, d.acl));
  const bySource = new Map<string, DocumentState[]>();
  for (const d of visible) bySource.set(d.source, [...(bySource.get(d.source) ?? []), d]);
  const projects: Project[] = [];
  for (const [source, docs] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
    const catalogs = docs.filter((d) => CATALOG_FILES.has(path.posix.basename(d.path)));
    for (const c of catalogs) {
      const dir = dirOf(c.path);
      for (const e of parseCatalogInfo(await textOf(store, c, principal))) {
        projects.push({ ...e, source, path: dir, docs: docsUnder(docs, dir), from: "catalog-info" });
      }
    }
    if (catalogs.length > 0) continue;
    const readme = docs.find((d) => !d.path.includes("/") && README.test(d.path));
    const codeowners = CODEOWNERS_PATHS.map((p) => docs.find((d) => d.path === p)).find(
      (d) => d !== undefined,
    );
    const description = readme ? readmeDescription(await textOf(store, readme, principal)) : undefined;
    projects.push({
      name: source,
      source,
      path: "",
      ...(description ? { description } : {}),
      owners: codeowners ? parseCodeowners(await textOf(store, codeowners, principal)) : [],
      docs: docsUnder(docs, ""),
      from: "readme",
    });
  }
  const words = (q ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  return projects
    .filter((p) => {
      const hay = [p.name, p.description ?? "", p.owners.join(" "), p.source, p.path].join(" ").toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .slice(0, MAX_PROJECTS);
}
