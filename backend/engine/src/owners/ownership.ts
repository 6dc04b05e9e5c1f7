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

interface Visible {
  readonly docs: readonly DocumentState[];
  readonly text: (d: DocumentState) => Promise<string>;
}

async function visibleTo(store: VectorStore, principal: Principal): Promise<Visible> {
  const mine = new Set(principal.groups);
  const docs = (await store.listDocuments()).filter((d) => d.acl.some((g) => mine.has(g)));
  const cache = new Map<string, Promise<string>>();
  const text = (d: DocumentState) => {
    let t = cache.get(d.docId);
    if (!t) {
      // Read with the principal too, so the store's own filter applies even if the listing were stale.
      t = store.getDocumentChunks(d.docId, principal).then(joinChunks);
      cache.set(d.docId, t);
    }
    return t;
  };
  return { docs, text };
}

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

function codeownersFile(v: Visible, source: string): DocumentState | undefined {
  const inSource = v.docs.filter((d) => d.source === source);
  return CODEOWNERS_PATHS.map((p) => inSource.find((d) => d.path === p)).find((d) => d !== undefined);
}

/** The CODEOWNERS entries for a path in one source: GitHub's first file found, its last matching rule. */
async function codeownersFor(v: Visible, source: string, filePath: string): Promise<OwnerEntry[]> {
  const file = codeownersFile(v, source);
  if (!file) return [];
  const rule = matchRule(parseCodeownersRules(await v.text(file)), filePath);
  return (rule?.owners ?? []).map((owner) => ({
    owner,
    source: "codeowners" as const,
    rule: rule!.pattern,
    file: file.path,
    repo: source,
  }));
}

/** A whole source's CODEOWNERS owners: its last catch-all rule, else every rule's owners. */
async function repositoryCodeowners(v: Visible, source: string): Promise<OwnerEntry[]> {
  const file = codeownersFile(v, source);
  if (!file) return [];
  const rules = parseCodeownersRules(await v.text(file));
  const catchAll = rules.filter((r) => CATCH_ALL.has(r.pattern)).slice(-1);
  return dedupe(
    (catchAll.length > 0 ? catchAll : rules).flatMap((r) =>
      r.owners.map((owner) => ({
        owner,
        source: "codeowners" as const,
        rule: r.pattern,
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

/** The deepest readable catalog-info.yaml whose folder holds the path, with its entities. */
async function catalogFor(
  v: Visible,
  source: string,
  filePath: string,
): Promise<{ file: DocumentState; entities: CatalogEntity[] } | undefined> {
  const files = v.docs
    .filter((d) => d.source === source && CATALOG_FILES.has(path.posix.basename(d.path)))
    .filter((d) => inside(dirOf(d.path), filePath))
    .sort((a, b) => dirOf(b.path).length - dirOf(a.path).length);
  for (const file of files) {
    const entities = parseCatalogEntities(await v.text(file));
    if (entities.some((e) => e.owner !== undefined)) return { file, entities };
  }
  return undefined;
}

async function ownersOfPath(v: Visible, filePath: string, source: string | undefined): Promise<Ownership> {
  let sources: string[];
  if (source !== undefined) sources = [source];
  else {
    const holding = [...new Set(v.docs.filter((d) => d.path === filePath).map((d) => d.source))];
    sources = holding.length > 0 ? holding : [...new Set(v.docs.map((d) => d.source))];
  }
  const owners: OwnerEntry[] = [];
  let project: OwnedProject | undefined;
  for (const s of sources.sort()) {
    owners.push(...(await codeownersFor(v, s, filePath)));
    const cat = await catalogFor(v, s, filePath);
    if (!cat) continue;
    owners.push(...catalogEntries(cat.entities, cat.file));
    const p = cat.entities.find((e) => PROJECT_KINDS.has(e.kind));
    if (p && !project) project = { name: p.name, source: s, path: dirOf(cat.file.path) };
  }
  return { owners: dedupe(owners), ...(project ? { project } : {}) };
}

/** A catalog entity by name (case-insensitive), else an indexed source by name (its catch-all CODEOWNERS rule). */
async function ownersOfProject(v: Visible, name: string): Promise<Ownership> {
  const wanted = name.trim().toLowerCase();
  const catalogs = v.docs
    .filter((d) => CATALOG_FILES.has(path.posix.basename(d.path)))
    .sort((a, b) => a.source.localeCompare(b.source) || a.path.localeCompare(b.path));
  for (const file of catalogs) {
    const entities = parseCatalogEntities(await v.text(file));
    const e = entities.find((x) => PROJECT_KINDS.has(x.kind) && x.name.toLowerCase() === wanted);
    if (!e) continue;
    const dir = dirOf(file.path);
    // The project's own entity first, then what CODEOWNERS says about its folder.
    const owners = [...catalogEntries([e], file), ...(await codeownersFor(v, file.source, file.path))];
    return { owners: dedupe(owners), project: { name: e.name, source: file.source, path: dir } };
  }
  const source = [...new Set(v.docs.map((d) => d.source))].find((s) => s.toLowerCase() === wanted);
  if (source === undefined) {
    // Same answer for a project that does not exist and one the caller cannot see.
    throw new AppError("NOT_FOUND", `No project called "${name}" is visible to you.`);
  }
  return { owners: await repositoryCodeowners(v, source), project: { name: source, source, path: "" } };
}

/** Owners of a path (CODEOWNERS + catalog) or of a project, from what the principal may read. */
export async function findOwners(
  store: VectorStore,
  principal: Principal,
  query: OwnershipQuery,
): Promise<Ownership> {
  const v = await visibleTo(store, principal);
  if ("project" in query) return ownersOfProject(v, query.project);
  return ownersOfPath(v, normalizeRepoPath(query.path), query.source);
}
