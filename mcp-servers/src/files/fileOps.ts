// Read-only file operations behind the files server: every path goes through resolveContained, every open is
// O_NOFOLLOW|O_NONBLOCK and re-checked with fstat (a regular file, the same inode), and every read is capped.
import { constants } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { lstat, open, opendir, stat } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@isa/core";
import picomatch from "picomatch";
import type { Contained, Root } from "./pathGuard.js";
import { checkLexical, isInside, resolveContained } from "./pathGuard.js";

export interface FileLimits {
  /** Files larger than this are refused by read_file and skipped by search_files. */
  readonly maxFileBytes: number;
  /** Most entries list_dir returns. */
  readonly maxEntries: number;
  /** Most files search_files looks at, and most matches it returns. */
  readonly maxScannedFiles: number;
  readonly maxMatches: number;
}

export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxFileBytes: 1024 * 1024,
  maxEntries: 1000,
  maxScannedFiles: 20_000,
  maxMatches: 200,
};

/** Decides whether the caller may read a file (acl.yaml of its root); directories are always listable. */
export type ReadCheck = (root: Root, rel: string) => boolean;

export type EntryType = "file" | "directory" | "symlink" | "other";

export interface DirEntry {
  readonly name: string;
  readonly type: EntryType;
  readonly bytes?: number;
}

const SKIPPED_DIRS = new Set([".git", "node_modules", ".hg", ".svn"]);

function typeOf(d: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): EntryType {
  if (d.isFile()) return "file";
  if (d.isDirectory()) return "directory";
  if (d.isSymbolicLink()) return "symlink";
  return "other";
}

function notFound(rel: string): never {
  throw new AppError("NOT_FOUND", `No readable file or directory at "${rel.slice(0, 200)}".`);
}

export async function listDir(
  roots: readonly Root[],
  req: { readonly path: string; readonly root?: string | undefined; readonly canRead: ReadCheck },
  limits: FileLimits,
): Promise<{ root: string; path: string; entries: DirEntry[]; truncated: boolean }> {
  const at = await resolveContained(roots, req.path, req.root);
  if (!at.exists) notFound(at.rel);
  if (!(await stat(at.abs)).isDirectory()) {
    throw new AppError("PATH_INVALID", `"${at.rel}" is not a directory.`);
  }
  const entries: DirEntry[] = [];
  let truncated = false;
  const dir = await opendir(at.abs);
  for await (const d of dir) {
    const rel = at.rel ? `${at.rel}/${d.name}` : d.name;
    const type = typeOf(d);
    if (type === "file" && !req.canRead(at.root, rel)) continue;
    if (entries.length >= limits.maxEntries) {
      truncated = true;
      break;
    }
    entries.push({ name: d.name, type });
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e?.type !== "file") continue;
    const st = await lstat(path.join(at.abs, e.name)).catch(() => undefined);
    if (st) entries[i] = { ...e, bytes: st.size };
  }
  return { root: at.root.name, path: at.rel, entries, truncated };
}

/** Open a contained path as a regular file, refusing devices, FIFOs, sockets and files over the cap. */
async function openRegular(at: Contained, maxBytes: number): Promise<{ fh: FileHandle; size: number }> {
  const before = await stat(at.abs);
  if (before.isDirectory()) throw new AppError("PATH_INVALID", `"${at.rel}" is a directory; use list_dir.`);
  if (!before.isFile()) {
    throw new AppError("PATH_INVALID", `"${at.rel}" is not a regular file (device, FIFO or socket).`);
  }
  if (before.size > maxBytes) {
    throw new AppError("PATH_INVALID", `"${at.rel}" is ${before.size} bytes; the limit is ${maxBytes}.`);
  }
  // NONBLOCK: if the file were swapped for a FIFO after the stat, open must not hang. NOFOLLOW: nor for a link.
  const fh = await open(at.abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  const after = await fh.stat();
  if (!after.isFile() || after.ino !== before.ino || after.dev !== before.dev || after.size > maxBytes) {
    await fh.close();
    throw new AppError("PATH_INVALID", `"${at.rel}" changed while it was being opened.`);
  }
  return { fh, size: after.size };
}

async function readCapped(at: Contained, maxBytes: number): Promise<Buffer> {
  const { fh, size } = await openRegular(at, maxBytes);
  try {
    const buf = Buffer.alloc(Math.min(size, maxBytes));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

export interface ReadResult {
  readonly root: string;
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly totalLines: number;
  readonly text: string;
}

export async function readFileLines(
  roots: readonly Root[],
  req: {
    readonly path: string;
    readonly root?: string | undefined;
    readonly startLine?: number | undefined;
    readonly endLine?: number | undefined;
    readonly canRead: ReadCheck;
  },
  limits: FileLimits,
): Promise<ReadResult> {
  const at = await resolveContained(roots, req.path, req.root);
  if (!at.exists || !req.canRead(at.root, at.rel)) notFound(at.rel);
  const buf = await readCapped(at, limits.maxFileBytes);
  if (looksBinary(buf)) throw new AppError("PATH_INVALID", `"${at.rel}" is a binary file.`);
  const lines = buf.toString("utf8").split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  const total = lines.length;
  const start = req.startLine ?? 1;
  const end = Math.min(req.endLine ?? total, total);
  if (start > Math.max(total, 1) || end < start) {
    throw new AppError("INPUT_INVALID", `Line range ${start}-${req.endLine ?? ""} is outside 1-${total}.`);
  }
  return {
    root: at.root.name,
    path: at.rel,
    startLine: start,
    endLine: end,
    totalLines: total,
    text: lines.slice(start - 1, end).join("\n"),
  };
}

export interface SearchMatch {
  readonly root: string;
  readonly path: string;
  readonly line?: number;
  readonly text?: string;
}

/** Case-insensitive substring search (no regex: no ReDoS) over files whose path matches `glob`. */
export async function searchFiles(
  roots: readonly Root[],
  req: {
    readonly glob?: string | undefined;
    readonly query?: string | undefined;
    readonly root?: string | undefined;
    readonly canRead: ReadCheck;
  },
  limits: FileLimits,
): Promise<{ matches: SearchMatch[]; scannedFiles: number; truncated: boolean }> {
  if (!req.glob && !req.query) throw new AppError("INPUT_INVALID", "Give a glob, a query, or both.");
  if (req.glob !== undefined) {
    checkLexical(req.glob); // the same refusals as a path: NUL, `..`, %-escapes, look-alikes, backslashes
    if (req.glob.startsWith("/")) throw new AppError("PATH_INVALID", "The glob must be relative to a root.");
  }
  const isMatch = req.glob ? picomatch(req.glob, { dot: false, nocase: false }) : () => true;
  const needle = req.query?.toLowerCase();
  const chosen = req.root === undefined ? roots : roots.filter((r) => r.name === req.root);
  if (chosen.length === 0) throw new AppError("NOT_FOUND", `No root is named "${req.root?.slice(0, 100)}".`);
  const matches: SearchMatch[] = [];
  let scanned = 0;
  let truncated = false;
  outer: for (const root of chosen) {
    const stack: string[] = [""];
    while (stack.length > 0) {
      const relDir = stack.pop() as string;
      const absDir = path.join(root.dir, relDir);
      if (!isInside(root.dir, absDir)) continue;
      let dir: Awaited<ReturnType<typeof opendir>>;
      try {
        dir = await opendir(absDir);
      } catch {
        continue;
      }
      for await (const d of dir) {
        const rel = relDir ? `${relDir}/${d.name}` : d.name;
        // Symbolic links are never followed: a walk needs no realpath checks when it never leaves real dirs.
        if (d.isDirectory()) {
          if (!SKIPPED_DIRS.has(d.name)) stack.push(rel);
          continue;
        }
        if (!d.isFile() || !isMatch(rel) || !req.canRead(root, rel)) continue;
        if (++scanned > limits.maxScannedFiles) {
          truncated = true;
          break outer;
        }
        if (needle === undefined) {
          matches.push({ root: root.name, path: rel });
        } else {
          const hits = await grepFile(
            { root, abs: path.join(root.dir, rel), rel, exists: true },
            needle,
            limits,
          );
          for (const h of hits) matches.push({ root: root.name, path: rel, ...h });
        }
        if (matches.length >= limits.maxMatches) {
          truncated = true;
          matches.length = limits.maxMatches;
          break outer;
        }
      }
    }
  }
  return { matches, scannedFiles: Math.min(scanned, limits.maxScannedFiles), truncated };
}

const MAX_LINE_CHARS = 240;

async function grepFile(
  at: Contained,
  needle: string,
  limits: FileLimits,
): Promise<Array<{ line: number; text: string }>> {
  let buf: Buffer;
  try {
    buf = await readCapped(at, limits.maxFileBytes);
  } catch {
    return []; // too large, special, or gone: a search skips what a read would refuse
  }
  if (looksBinary(buf)) return [];
  const out: Array<{ line: number; text: string }> = [];
  const lines = buf.toString("utf8").split(/\r?\n/);
  for (let i = 0; i < lines.length && out.length < limits.maxMatches; i++) {
    const line = lines[i] ?? "";
    if (line.toLowerCase().includes(needle)) out.push({ line: i + 1, text: line.slice(0, MAX_LINE_CHARS) });
  }
  return out;
}
