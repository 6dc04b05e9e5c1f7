// Project discovery for GET /v1/projects: Backstage `catalog-info.yaml` entities found in the index, and for an
// indexed source without one, a project made from its root README and CODEOWNERS. Only documents the caller may
// read are looked at, so neither a project nor a document path leaks across groups.
//
// Cost: a handful of store queries, each filtered by the caller's groups and by path inside the store (catalog
// files, root READMEs, CODEOWNERS, then markdown one folder depth at a time until every project listed has its
// documents), so the work follows what is returned, not the size of the index. Nothing lists every document.
import path from "node:path";
import type { DocumentState, Principal, VectorStore } from "@isa/core";
import { pathDepth } from "@isa/core";
import { joinChunks } from "../documents.js";
import { CATALOG_FILES, CODEOWNERS_PATHS, parseCatalogInfo, repositoryOwners } from "./index.js";
import { mapLimited } from "./mapLimited.js";

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
/** Every file name README matches, for the store's (case-insensitive) file-name filter. */
const README_NAMES = ["readme", "readme.md", "readme.markdown", "readme.txt", "readme.rst"];
const MARKDOWN_EXTENSIONS = [".md", ".markdown", ".mdx"];
const DOCS_PER_PROJECT = 20;
/** Sources whose files are read at the same time. */
const READ_CONCURRENCY = 8;
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

const dirOf = (p: string) => (path.posix.dirname(p) === "." ? "" : path.posix.dirname(p));
const byPath = (a: DocumentState, b: DocumentState) => a.path.localeCompare(b.path);

function groupBySource(docs: readonly DocumentState[]): Map<string, DocumentState[]> {
  const out = new Map<string, DocumentState[]>();
  for (const d of docs) {
    const list = out.get(d.source);
    if (list) list.push(d);
    else out.set(d.source, [d]);
  }
  return out;
}

type Draft = Omit<Project, "docs">;

/**
 * The markdown documents under each (source, folder), shallowest first then by name, at most DOCS_PER_PROJECT:
 * one store query per folder depth, only for sources with a folder still short of documents, stopping when all
 * are full or no deeper markdown is left.
 */
async function docsUnderFolders(
  store: VectorStore,
  principal: Principal,
  folders: readonly { readonly source: string; readonly dir: string }[],
): Promise<Map<string, string[]>> {
  const key = (source: string, dir: string) => `${source}\u0000${dir}`;
  const out = new Map<string, string[]>();
  const pending = new Map<string, { source: string; dir: string; first: number }>();
  for (const f of folders) {
    out.set(key(f.source, f.dir), []);
    pending.set(key(f.source, f.dir), { ...f, first: f.dir === "" ? 1 : pathDepth(f.dir) + 1 });
  }
  let depth = 1;
  while (pending.size > 0) {
    depth = Math.max(depth, Math.min(...[...pending.values()].map((p) => p.first)));
    const sources = [...new Set([...pending.values()].filter((p) => p.first <= depth).map((p) => p.source))];
    const found = await store.findDocuments({
      principal,
      sources,
      extensions: MARKDOWN_EXTENSIONS,
      depth: { min: depth, max: depth },
    });
    for (const d of found.sort(byPath)) {
      // Every ancestor folder of the document ("" = the source root) may be a project's folder.
      const segs = d.path.split("/");
      for (let i = 0; i < segs.length; i++) {
        const k = key(d.source, segs.slice(0, i).join("/"));
        const docs = pending.has(k) ? out.get(k) : undefined;
        if (!docs) continue;
        docs.push(d.path);
        if (docs.length >= DOCS_PER_PROJECT) pending.delete(k);
      }
    }
    if (pending.size === 0) break;
    if (found.length === 0) {
      const deeper = await store.findDocuments({
        principal,
        sources: [...new Set([...pending.values()].map((p) => p.source))],
        extensions: MARKDOWN_EXTENSIONS,
        depth: { min: depth + 1 },
        limit: 1,
      });
      if (deeper.length === 0) break;
    }
    depth++;
  }
  return out;
}

/** Every project visible to the principal, filtered by `q` (all words must match name, description, owners or path). */
export async function discoverProjects(
  store: VectorStore,
  principal: Principal,
  q?: string,
): Promise<Project[]> {
  const [sources, catalogs, readmes, codeowners] = await Promise.all([
    store.readableSources(principal),
    store.findDocuments({ principal, fileNames: [...CATALOG_FILES] }),
    store.findDocuments({ principal, fileNames: README_NAMES, depth: { max: 1 } }),
    store.findDocuments({ principal, paths: CODEOWNERS_PATHS }),
  ]);
  const catalogsOf = groupBySource(catalogs.filter((d) => CATALOG_FILES.has(path.posix.basename(d.path))));
  const readmeOf = groupBySource(readmes.filter((d) => README.test(d.path)));
  const codeownersOf = groupBySource(codeowners);
  const textOf = async (doc: DocumentState) =>
    joinChunks(await store.getDocumentChunks(doc.docId, principal));

  // Sources are independent: read their files concurrently, keep the sorted order.
  const perSource = async (source: string): Promise<Draft[]> => {
    const cats = (catalogsOf.get(source) ?? []).sort(byPath);
    if (cats.length > 0) {
      const out: Draft[] = [];
      for (const c of cats) {
        for (const e of parseCatalogInfo(await textOf(c), `${source}:${c.path}`)) {
          out.push({ ...e, source, path: dirOf(c.path), from: "catalog-info" });
        }
      }
      return out;
    }
    const readme = (readmeOf.get(source) ?? []).sort(byPath)[0];
    const inSource = codeownersOf.get(source) ?? [];
    const owners = CODEOWNERS_PATHS.map((p) => inSource.find((d) => d.path === p)).find(
      (d) => d !== undefined,
    );
    const [description, ownerNames] = await Promise.all([
      readme ? textOf(readme).then(readmeDescription) : undefined,
      owners ? textOf(owners).then(parseCodeowners) : [],
    ]);
    return [
      {
        name: source,
        source,
        path: "",
        ...(description ? { description } : {}),
        owners: ownerNames,
        from: "readme",
      },
    ];
  };
  const sorted = [...sources].sort((a, b) => a.localeCompare(b));
  const drafts = (await mapLimited(sorted, READ_CONCURRENCY, perSource)).flat();
  const words = (q ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const listed = drafts
    .filter((p) => {
      const hay = [p.name, p.description ?? "", p.owners.join(" "), p.source, p.path].join(" ").toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .slice(0, MAX_PROJECTS);
  // Documents only for the projects returned.
  const docs = await docsUnderFolders(
    store,
    principal,
    listed.map((p) => ({ source: p.source, dir: p.path })),
  );
  return listed.map(({ from, ...p }) => ({ ...p, docs: docs.get(`${p.source}\u0000${p.path}`) ?? [], from }));
}
