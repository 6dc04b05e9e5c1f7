// Containment for every path a client sends: lexical checks first (NUL, `..`, percent-encoding, Unicode look-alikes,
// backslashes), then resolve against a root and require `root` or a `root + sep` prefix, then realpath (the nearest
// existing ancestor for paths that do not exist) and check again, so a symlink cannot lead out of a root.
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@isa/core";

/** A configured root: `dir` is absolute and already real (symlinks resolved at start). */
export interface Root {
  readonly name: string;
  readonly dir: string;
}

export interface Contained {
  readonly root: Root;
  /** Real absolute path (symlinks resolved), inside `root.dir`. */
  readonly abs: string;
  /** Path relative to the root with `/` separators; "" for the root itself. */
  readonly rel: string;
  readonly exists: boolean;
}

const MAX_PATH_CHARS = 4096;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters (NUL first) are what we refuse.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** `%2e`, `%2F`, `%00`, `%5c`, … : refused rather than decoded, so no decoding layer can disagree with ours. */
const PERCENT_ESCAPE = /%[0-9a-f]{2}/i;
/**
 * Characters that render like a separator or a dot but that NFKC does not fold (U+2215 DIVISION SLASH, U+2044
 * FRACTION SLASH, U+29F8 BIG SOLIDUS, U+FF3C FULLWIDTH REVERSE SOLIDUS, U+FE68, U+2216, U+29F5, U+29F9, U+2027,
 * U+30FB). They cannot escape a root on Linux, but a path built to look like `../` is hostile by intent.
 */
const LOOKALIKE = /[\u2215\u2044\u29f8\u29f9\u29f5\u2216\uff3c\ufe68\u2027\u30fb\u2024\u2025\u2026]/;
const LONE_SURROGATE = /\p{Cs}/u;
/** Characters whose count must not change under NFKC (a fullwidth `．` or `／` becoming `.` or `/`). */
const SENSITIVE = /[./\\:%~]/g;

function refuse(message: string, input: string): never {
  throw new AppError("PATH_INVALID", message, { details: { path: input.slice(0, 200) } });
}

function countSensitive(s: string): number {
  return s.match(SENSITIVE)?.length ?? 0;
}

/** Lexical refusals that need no filesystem. Returns the path to resolve (unchanged input). */
export function checkLexical(input: unknown): string {
  if (typeof input !== "string") refuse("The path must be a string.", String(input));
  const p = input;
  if (p.length > MAX_PATH_CHARS) refuse(`The path is longer than ${MAX_PATH_CHARS} characters.`, p);
  if (p.includes("\u0000")) refuse("The path contains a NUL byte.", p);
  if (CONTROL.test(p)) refuse("The path contains control characters.", p);
  if (PERCENT_ESCAPE.test(p)) refuse("Percent-encoded sequences are not accepted; send the literal path.", p);
  if (p.includes("\\")) refuse("Backslashes are not accepted; use `/` as the separator.", p);
  if (LOOKALIKE.test(p)) refuse("The path contains a look-alike of a path separator or dot.", p);
  if (LONE_SURROGATE.test(p)) refuse("The path is not well-formed Unicode.", p);
  const nfkc = p.normalize("NFKC");
  if (countSensitive(nfkc) !== countSensitive(p)) {
    refuse("The path contains full-width or compatibility look-alikes of `.`, `/` or `:`.", p);
  }
  for (const segment of [p, nfkc].flatMap((s) => s.split("/"))) {
    if (segment === "..") refuse("`..` segments are not accepted.", p);
  }
  if (p.startsWith("~")) refuse("`~` is not expanded; give a path relative to a root.", p);
  return p;
}

/** True when `candidate` is `root` or inside it (both absolute and normalised). */
export function isInside(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return candidate.startsWith(prefix);
}

async function realpathOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new AppError("PATH_INVALID", "The path cannot be resolved.", { cause: err });
  }
}

/** Realpath of the nearest existing ancestor of `abs` plus the missing tail. */
async function realpathOfAncestor(abs: string): Promise<string> {
  const tail: string[] = [];
  let cur = abs;
  for (;;) {
    const real = await realpathOrUndefined(cur);
    if (real !== undefined) return path.join(real, ...tail.reverse());
    const parent = path.dirname(cur);
    if (parent === cur) return abs;
    tail.push(path.basename(cur));
    cur = parent;
  }
}

function toRel(root: Root, abs: string): string {
  return path.relative(root.dir, abs).split(path.sep).join("/");
}

/** Pick the root a path addresses: `rootName` if given, else the root containing an absolute path, else the first. */
function pickRoot(roots: readonly Root[], p: string, rootName: string | undefined): Root {
  if (rootName !== undefined) {
    const r = roots.find((x) => x.name === rootName);
    if (!r) throw new AppError("NOT_FOUND", `No root is named "${rootName.slice(0, 100)}".`);
    return r;
  }
  if (path.isAbsolute(p)) {
    const abs = path.resolve(p);
    const r = roots.find((x) => isInside(x.dir, abs));
    if (!r) refuse("The absolute path is outside every configured root.", p);
    return r;
  }
  const first = roots[0];
  if (!first) throw new AppError("INTERNAL", "No root is configured.");
  return first;
}

/**
 * Resolve a client path (relative to a root, or absolute inside one) to a real path inside that root, or throw
 * PATH_INVALID. Paths that do not exist resolve through their nearest existing ancestor (`exists: false`).
 */
export async function resolveContained(
  roots: readonly Root[],
  input: unknown,
  rootName?: string,
): Promise<Contained> {
  const p = checkLexical(input);
  const root = pickRoot(roots, p, rootName);
  const lexical = path.resolve(root.dir, p === "" ? "." : p);
  if (!isInside(root.dir, lexical)) refuse("The path is outside the root.", p);
  const real = await realpathOrUndefined(lexical);
  const abs = real ?? (await realpathOfAncestor(lexical));
  if (!isInside(root.dir, abs)) refuse("The path leads outside the root (through a symbolic link).", p);
  return { root, abs, rel: toRel(root, abs), exists: real !== undefined };
}

/** Configure roots: each must exist and be a directory; stored by real path. Names are basenames, made unique. */
export async function makeRoots(dirs: readonly string[]): Promise<Root[]> {
  if (dirs.length === 0) throw new AppError("INPUT_INVALID", "At least one root is required.");
  const roots: Root[] = [];
  const names = new Set<string>();
  for (const d of dirs) {
    let dir: string;
    try {
      dir = await realpath(path.resolve(d));
    } catch (cause) {
      throw new AppError("PATH_INVALID", `Root ${d} does not exist or is not readable.`, { cause });
    }
    if (!(await stat(dir)).isDirectory()) throw new AppError("PATH_INVALID", `Root ${d} is not a directory.`);
    const base = path.basename(dir) || "root";
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}-${i}`;
    names.add(name);
    roots.push({ name, dir });
  }
  return roots;
}
