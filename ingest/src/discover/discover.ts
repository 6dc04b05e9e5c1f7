// Walks one source tree and yields every file as indexable text or as a counted skip with a reason.
// Honours nested .gitignore files, never reads a file before its size is known, never opens special files,
// and follows symlinks only while they stay inside the root (each directory is walked once).
import { lstat, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { AppError, PUBLIC_GROUP, sha256Hex } from "@isa/core";
import { ACL_FILE_NAMES, type AclPolicy, aclFor, loadAcl } from "../acl.js";
import { markdownTitle } from "../chunk/markdownSyntax.js";
import { classifyContent, classifyName, hasGeneratedMarker } from "./classify.js";
import { type IgnoreStack, isIgnored, withGitignore } from "./gitignore.js";
import { defaultIo, ReadRefused } from "./io.js";
import type { DiscoverEvent, DiscoverIo, DiscoverOptions, DiscoverSpec, SkipReason } from "./types.js";

/** Directory names never walked: git's own data and this product's data dir. */
const ALWAYS_SKIPPED_DIRS = new Set([".git", ".isa"]);
const SNIFF_BYTES = 8192;

interface Walk {
  readonly spec: DiscoverSpec;
  readonly root: string;
  readonly rootReal: string;
  readonly maxFileBytes: number;
  readonly io: DiscoverIo;
  readonly policy: AclPolicy;
  /** dev:ino of every walked directory → its path, for loop and duplicate detection. */
  readonly dirs: Map<string, string>;
  /** dev:ino of every regular file met → its path, so a link to it is not indexed twice. */
  readonly files: Map<string, string>;
  /** Symlinks are resolved after the real tree, so content is indexed under its real path first. */
  readonly links: Array<{ readonly abs: string; readonly rel: string; readonly stack: IgnoreStack }>;
}

const skip = (p: string, reason: SkipReason, detail?: string): DiscoverEvent =>
  detail === undefined ? { type: "skip", path: p, reason } : { type: "skip", path: p, reason, detail };

const errCode = (err: unknown): string =>
  (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? "error";
const inodeKey = (st: { dev: number; ino: number }) => `${st.dev}:${st.ino}`;
const joinRel = (dir: string, name: string) => (dir === "" ? name : `${dir}/${name}`);
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every file of the source as a `file` or `skip` event, in a deterministic order (sorted names, depth first,
 * symlinks last). Throws PATH_INVALID if the root is not a readable directory and INPUT_INVALID if its
 * acl.yaml is broken (nothing is yielded then).
 */
export async function* discover(spec: DiscoverSpec, opts: DiscoverOptions): AsyncGenerator<DiscoverEvent> {
  const root = path.resolve(spec.root);
  let rootReal: string;
  try {
    rootReal = await realpath(root);
    if (!(await stat(rootReal)).isDirectory()) throw new Error("not a directory");
  } catch (err) {
    throw new AppError("PATH_INVALID", `Source "${spec.name}": ${root} is not a readable directory`, {
      cause: err,
    });
  }
  const walk: Walk = {
    spec,
    root,
    rootReal,
    maxFileBytes: opts.maxFileBytes,
    io: { ...defaultIo, ...opts.io },
    policy: await loadAcl(rootReal, opts.defaultGroups),
    dirs: new Map(),
    files: new Map(),
    links: [],
  };
  yield* walkDir(walk, rootReal, "", []);
  for (let link = walk.links.shift(); link; link = walk.links.shift()) {
    yield* followLink(walk, link);
  }
}

async function* walkDir(
  w: Walk,
  abs: string,
  rel: string,
  parent: IgnoreStack,
): AsyncGenerator<DiscoverEvent> {
  try {
    w.dirs.set(inodeKey(await stat(abs)), rel);
  } catch (err) {
    yield skip(rel || ".", "unreadable", errCode(err));
    return;
  }
  const stack = await withGitignore(parent, abs, rel);
  let names: string[];
  try {
    names = (await w.io.readDir(abs)).sort(byCodeUnit);
  } catch (err) {
    yield skip(rel || ".", "unreadable", errCode(err));
    return;
  }
  for (const name of names) {
    if (ALWAYS_SKIPPED_DIRS.has(name)) continue;
    // Discovery's own settings (ignore rules, the root ACL) shape the tree; they are not content.
    if (name === ".gitignore" || (rel === "" && (ACL_FILE_NAMES as readonly string[]).includes(name)))
      continue;
    const childRel = joinRel(rel, name);
    const childAbs = path.join(abs, name);
    let st: Awaited<ReturnType<typeof lstat>>;
    try {
      st = await lstat(childAbs);
    } catch (err) {
      yield skip(childRel, "unreadable", errCode(err));
      continue;
    }
    if (st.isDirectory()) {
      if (isIgnored(stack, childRel, true)) continue;
      const seen = w.dirs.get(inodeKey(st));
      // Only bind mounts or directory hard links can bring a real directory back a second time.
      if (seen !== undefined) yield skip(childRel, "symlink-loop", `same directory as "${seen || "."}"`);
      else yield* walkDir(w, childAbs, childRel, stack);
      continue;
    }
    if (isIgnored(stack, childRel, false)) continue;
    if (st.isSymbolicLink()) w.links.push({ abs: childAbs, rel: childRel, stack });
    else if (st.isFile()) {
      w.files.set(inodeKey(st), childRel);
      yield await fileEvent(w, { abs: childAbs, rel: childRel, size: st.size });
    } else yield skip(childRel, "special-file", specialKind(st));
  }
}

function specialKind(st: { isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean }): string {
  if (st.isFIFO()) return "fifo";
  if (st.isSocket()) return "socket";
  return st.isBlockDevice() ? "block device" : "character device";
}

function isInside(rootReal: string, target: string): boolean {
  const r = path.relative(rootReal, target);
  return r === "" || (r !== ".." && !r.startsWith(`..${path.sep}`) && !path.isAbsolute(r));
}

async function* followLink(
  w: Walk,
  link: { readonly abs: string; readonly rel: string; readonly stack: IgnoreStack },
): AsyncGenerator<DiscoverEvent> {
  let target: string;
  try {
    target = await realpath(link.abs);
  } catch (err) {
    const code = errCode(err);
    if (code === "ELOOP") yield skip(link.rel, "symlink-loop", "link resolves to itself");
    else yield skip(link.rel, "unreadable", code === "ENOENT" ? "dangling symlink" : code);
    return;
  }
  if (!isInside(w.rootReal, target)) {
    yield skip(link.rel, "symlink-outside-root");
    return;
  }
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(target);
  } catch (err) {
    yield skip(link.rel, "unreadable", errCode(err));
    return;
  }
  const key = inodeKey(st);
  if (st.isDirectory()) {
    if (isIgnored(link.stack, link.rel, true)) return;
    const seen = w.dirs.get(key);
    if (seen !== undefined) yield skip(link.rel, "symlink-loop", `same directory as "${seen || "."}"`);
    else yield* walkDir(w, target, link.rel, link.stack);
  } else if (st.isFile()) {
    const seen = w.files.get(key);
    if (seen !== undefined) {
      yield skip(link.rel, "symlink-loop", `same file as "${seen}"`);
      return;
    }
    w.files.set(key, link.rel);
    yield await fileEvent(w, { abs: target, rel: link.rel, size: st.size });
  } else yield skip(link.rel, "special-file", specialKind(st));
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function hasNul(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

async function fileEvent(w: Walk, f: { abs: string; rel: string; size: number }): Promise<DiscoverEvent> {
  const name = f.rel.slice(f.rel.lastIndexOf("/") + 1);
  const verdict = classifyName(name);
  if (verdict.type === "skip") return skip(f.rel, verdict.reason, verdict.detail);
  if (f.size > w.maxFileBytes) return skip(f.rel, "too-large", `${f.size} bytes > ${w.maxFileBytes}`);
  let bytes: Uint8Array;
  try {
    bytes = await w.io.readFile(f.abs, w.maxFileBytes);
  } catch (err) {
    if (err instanceof ReadRefused) return skip(f.rel, err.reason, err.message);
    return skip(f.rel, "unreadable", errCode(err));
  }
  if (hasNul(bytes)) return skip(f.rel, "binary", "NUL byte");
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return skip(f.rel, "invalid-utf8");
  }
  // TextDecoder drops a leading BOM already; this guards against a doubled one.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (hasGeneratedMarker(text)) return skip(f.rel, "generated", "generator banner");
  const nl = text.indexOf("\n");
  const fileType =
    verdict.type === "index" ? verdict.fileType : classifyContent(nl < 0 ? text : text.slice(0, nl));
  const title = (fileType.kind === "markdown" ? markdownTitle(text.split(/\r?\n/)) : undefined) ?? name;
  const targetRel = path.relative(w.rootReal, f.abs).split(path.sep).join("/");
  const acl =
    targetRel === f.rel
      ? aclFor(w.policy, f.rel)
      : stricter(aclFor(w.policy, f.rel), aclFor(w.policy, targetRel));
  return {
    type: "file",
    file: {
      source: w.spec.name,
      root: w.root,
      path: f.rel,
      absPath: f.abs,
      text,
      contentHash: sha256Hex(bytes),
      bytes: bytes.length,
      kind: fileType.kind,
      ...(fileType.language === undefined ? {} : { language: fileType.language }),
      title,
      acl,
    },
  };
}

/**
 * ACL of a file reached through a symlink: readers must be allowed both the link's path and the target's,
 * so a public link cannot publish a private file. Intersection is conservative (it may hide, never expose).
 */
function stricter(a: readonly string[], b: readonly string[]): readonly string[] {
  if (a.includes(PUBLIC_GROUP)) return b;
  if (b.includes(PUBLIC_GROUP)) return a;
  return a.filter((g) => b.includes(g));
}
