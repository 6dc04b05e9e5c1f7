// Who owns a path or a project, from the indexed CODEOWNERS and catalog-info.yaml files the caller may read.
//
// Permissions: ownership files are ordinary indexed documents, so a rule counts only when the caller may read the
// file it is in. The queried path itself is never looked up for the answer: rules are matched against the path as
// a string, so the answer for a path inside a document the caller cannot read is exactly the answer for a path that
// does not exist (CODEOWNERS patterns are usually not secret; a path's existence can be). Without a `source`, the
// sources where the caller can read a document at that path are used, else every source whose ownership files the
// caller can read — again without revealing whether the path exists anywhere.
import path from "node:path";
import type { DocumentState, Principal, VectorStore } from "@isa/core";
import { AppError } from "@isa/core";
import { joinChunks } from "../documents.js";
import { CATALOG_FILES, type CatalogEntity, PROJECT_KINDS, parseCatalogEntities } from "./catalog.js";
import { CODEOWNERS_PATHS, matchRule, parseCodeownersRules } from "./codeowners.js";
import { mapLimited } from "./mapLimited.js";

export interface OwnerEntry {
  readonly owner: string;
  readonly source: "codeowners" | "catalog";
  /** The CODEOWNERS pattern that matched, or the catalog entity as `kind:name`. */
  readonly rule?: string;
  /** The ownership file, within its indexed source. */
  readonly file?: string;
  /** The indexed source holding that file. */
  readonly repo?: string;
}

export interface OwnedProject {
  readonly name: string;
  readonly source: string;
  /** The project's folder within its source ("" = root). */
  readonly path: string;
}

export interface Ownership {
  readonly owners: OwnerEntry[];
  readonly project?: OwnedProject;
}

export type OwnershipQuery =
  | { readonly path: string; readonly source?: string | undefined }
  | { readonly project: string };

const dirOf = (p: string) => (path.posix.dirname(p) === "." ? "" : path.posix.dirname(p));
const inside = (dir: string, p: string) => dir === "" || p === dir || p.startsWith(`${dir}/`);

/** A repository-relative path: no leading `./` or `/`, no empty or `.` segments. `..` is refused. */
export function normalizeRepoPath(p: string): string {
  const segs = p
    .replace(/\\/g, "/")
    .split("/")
    .filter((s) => s !== "" && s !== ".");
  if (segs.includes("..") || segs.length === 0) {
    throw new AppError("INPUT_INVALID", "path must be a repository-relative path without `..`.");
  }
  return segs.join("/");
}

/**
 * What one request reads: store queries filtered by the caller's groups and by path inside the store (no listing
 * of every document), and the text of ownership files, each read at most once per request.
 */
interface Reader {
  readonly store: VectorStore;
  readonly principal: Principal;
  readonly text: (d: DocumentState) => Promise<string>;
}

function readerFor(store: VectorStore, principal: Principal): Reader {
  const cache = new Map<string, Promise<string>>();
  const text = (d: DocumentState) => {
    let t = cache.get(d.docId);
    if (!t) {
      t = store.getDocumentChunks(d.docId, principal).then(joinChunks);
      cache.set(d.docId, t);
    }
    return t;
  };
  return { store, principal, text };
}

/** Sources whose ownership files are read at the same time. */
const READ_CONCURRENCY = 8;

const isCatalog = (d: DocumentState) => CATALOG_FILES.has(path.posix.basename(d.path));

function dedupe(entries: OwnerEntry[]): OwnerEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const k = `${e.repo}\u0000${e.source}\u0000${e.owner}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const CATCH_ALL = new Set(["*", "/*", "**", "/**"]);

/** Per source, the CODEOWNERS file GitHub would read (the first of CODEOWNERS_PATHS present). */
async function codeownersFiles(r: Reader, sources: readonly string[]): Promise<Map<string, DocumentState>> {
  const found = await r.store.findDocuments({ principal: r.principal, sources, paths: CODEOWNERS_PATHS });
  const rank = (d: DocumentState) => CODEOWNERS_PATHS.indexOf(d.path);
  const out = new Map<string, DocumentState>();
  for (const d of found) {
    const seen = out.get(d.source);
    if (!seen || rank(d) < rank(seen)) out.set(d.source, d);
  }
  return out;
}

/** The CODEOWNERS entries for a path in one source: GitHub's first file found, its last matching rule. */
async function codeownersFor(
  r: Reader,
  file: DocumentState | undefined,
  filePath: string,
): Promise<OwnerEntry[]> {
  if (!file) return [];
  const source = file.source;
  const rule = matchRule(parseCodeownersRules(await r.text(file)), filePath);
  return (rule?.owners ?? []).map((owner) => ({
    owner,
    source: "codeowners" as const,
    rule: rule!.pattern,
    file: file.path,
    repo: source,
  }));
}

/** A whole source's CODEOWNERS owners: its last catch-all rule, else every rule's owners. */
async function repositoryCodeowners(r: Reader, source: string): Promise<OwnerEntry[]> {
  const file = (await codeownersFiles(r, [source])).get(source);
  if (!file) return [];
  const rules = parseCodeownersRules(await r.text(file));
  const catchAll = rules.filter((rule) => CATCH_ALL.has(rule.pattern)).slice(-1);
  return dedupe(
    (catchAll.length > 0 ? catchAll : rules).flatMap((rule) =>
      rule.owners.map((owner) => ({
        owner,
        source: "codeowners" as const,
        rule: rule.pattern,
        file: file.path,
        repo: source,
      })),
    ),
  );
}

function catalogEntries(entities: readonly CatalogEntity[], file: DocumentState): OwnerEntry[] {
  return entities
    .filter((e) => e.owner !== undefined)
    .map((e) => ({
      owner: e.owner!,
      source: "catalog" as const,
      rule: `${e.kind}:${e.name}`,
      file: file.path,
      repo: file.source,
    }));
}

/** Folders whose catalog-info.yaml would hold the path: the source root, each ancestor, and the path itself. */
function catalogCandidates(filePath: string): string[] {
  const segs = filePath.split("/");
  const dirs = segs.map((_, i) => segs.slice(0, i).join("/")).concat(filePath);
  return dirs.flatMap((dir) => [...CATALOG_FILES].map((f) => (dir === "" ? f : `${dir}/${f}`)));
}

/** The deepest readable catalog-info.yaml whose folder holds the path, with its entities. */
async function catalogFor(
  r: Reader,
  files: readonly DocumentState[],
): Promise<{ file: DocumentState; entities: CatalogEntity[] } | undefined> {
  const deepestFirst = [...files].sort(
    (a, b) => dirOf(b.path).length - dirOf(a.path).length || a.path.localeCompare(b.path),
  );
  for (const file of deepestFirst) {
    const entities = parseCatalogEntities(await r.text(file), `${file.source}:${file.path}`);
    if (entities.some((e) => e.owner !== undefined)) return { file, entities };
  }
  return undefined;
}

async function ownersOfPath(r: Reader, filePath: string, source: string | undefined): Promise<Ownership> {
  const { store, principal } = r;
  let sources: string[];
  if (source !== undefined) sources = [source];
  else {
    const holding = await store.findDocuments({ principal, paths: [filePath] });
    sources =
      holding.length > 0
        ? [...new Set(holding.map((d) => d.source))]
        : await store.readableSources(principal);
  }
  sources.sort();
  const [codeowners, catalogs] = await Promise.all([
    codeownersFiles(r, sources),
    store.findDocuments({ principal, sources, paths: catalogCandidates(filePath) }),
  ]);
  const catalogsOf = new Map<string, DocumentState[]>();
  for (const d of catalogs) {
    if (!isCatalog(d) || !inside(dirOf(d.path), filePath)) continue;
    const list = catalogsOf.get(d.source);
    if (list) list.push(d);
    else catalogsOf.set(d.source, [d]);
  }
  // Sources are independent: read their files concurrently, then merge in source order.
  const perSource = await mapLimited(sources, READ_CONCURRENCY, async (s) => ({
    s,
    codeowners: await codeownersFor(r, codeowners.get(s), filePath),
    cat: await catalogFor(r, catalogsOf.get(s) ?? []),
  }));
  const owners: OwnerEntry[] = [];
  let project: OwnedProject | undefined;
  for (const { s, codeowners: co, cat } of perSource) {
    owners.push(...co);
    if (!cat) continue;
    owners.push(...catalogEntries(cat.entities, cat.file));
    const p = cat.entities.find((e) => PROJECT_KINDS.has(e.kind));
    if (p && !project) project = { name: p.name, source: s, path: dirOf(cat.file.path) };
  }
  return { owners: dedupe(owners), ...(project ? { project } : {}) };
}

/** A catalog entity by name (case-insensitive), else an indexed source by name (its catch-all CODEOWNERS rule). */
async function ownersOfProject(r: Reader, name: string): Promise<Ownership> {
  const wanted = name.trim().toLowerCase();
  const catalogs = (await r.store.findDocuments({ principal: r.principal, fileNames: [...CATALOG_FILES] }))
    .filter(isCatalog)
    .sort((a, b) => a.source.localeCompare(b.source) || a.path.localeCompare(b.path));
  for (const file of catalogs) {
    const entities = parseCatalogEntities(await r.text(file), `${file.source}:${file.path}`);
    const e = entities.find((x) => PROJECT_KINDS.has(x.kind) && x.name.toLowerCase() === wanted);
    if (!e) continue;
    const dir = dirOf(file.path);
    // The project's own entity first, then what CODEOWNERS says about its folder.
    const codeowners = (await codeownersFiles(r, [file.source])).get(file.source);
    const owners = [...catalogEntries([e], file), ...(await codeownersFor(r, codeowners, file.path))];
    return { owners: dedupe(owners), project: { name: e.name, source: file.source, path: dir } };
  }
  const source = (await r.store.readableSources(r.principal)).find((s) => s.toLowerCase() === wanted);
  if (source === undefined) {
    // Same answer for a project that does not exist and one the caller cannot see.
    throw new AppError("NOT_FOUND", `No project called "${name}" is visible to you.`);
  }
  return { owners: await repositoryCodeowners(r, source), project: { name: source, source, path: "" } };
}

/** Owners of a path (CODEOWNERS + catalog) or of a project, from what the principal may read. */
export async function findOwners(
  store: VectorStore,
  principal: Principal,
  query: OwnershipQuery,
): Promise<Ownership> {
  const r = readerFor(store, principal);
  if ("project" in query) return ownersOfProject(r, query.project);
  return ownersOfPath(r, normalizeRepoPath(query.path), query.source);
}
