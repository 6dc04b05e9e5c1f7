// Remembers which cached model files were already hashed, so start-up does not re-hash 350 MB each time.
// A stamp (`.verified.json` in the model's directory) records sha256 + size + mtime + inode per file; any
// change to the file (rewrite, replace, touch) invalidates it and the next check hashes the bytes again.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

export const STAMP_FILE = ".verified.json";

interface StampEntry {
  readonly sha256: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

type Stamp = Record<string, StampEntry>;

export type FileState = "verified" | "unverified" | "missing";

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}

async function readStamp(dir: string): Promise<Stamp> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, STAMP_FILE), "utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Stamp) : {};
  } catch {
    // Missing or corrupt stamp: everything is simply re-verified.
    return {};
  }
}

async function writeStamp(dir: string, stamp: Stamp): Promise<void> {
  const tmp = join(dir, `${STAMP_FILE}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(tmp, `${JSON.stringify(stamp, null, 2)}\n`);
  await rename(tmp, join(dir, STAMP_FILE));
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** The stamp-only view of a file (no hashing): what `modelStatus` reports. */
export async function cachedFileState(
  dir: string,
  file: { name: string; sha256: string; size?: number },
): Promise<FileState> {
  const st = await statOrUndefined(join(dir, file.name));
  if (!st?.isFile()) return "missing";
  const entry = (await readStamp(dir))[file.name];
  const fresh =
    entry !== undefined &&
    entry.sha256 === file.sha256 &&
    entry.size === st.size &&
    entry.mtimeMs === st.mtimeMs &&
    entry.ino === st.ino;
  return fresh ? "verified" : "unverified";
}

/**
 * True when the file exists and hashes to `sha256` (trusting a fresh stamp, else hashing and stamping).
 * A present file with other bytes returns false; deciding what to do with it is the caller's job.
 */
export async function verifyCachedFile(
  dir: string,
  file: { name: string; sha256: string; size?: number },
): Promise<boolean> {
  const state = await cachedFileState(dir, file);
  if (state !== "unverified") return state === "verified";
  const path = join(dir, file.name);
  const before = await stat(path);
  if (file.size !== undefined && before.size !== file.size) return false;
  if ((await sha256File(path)) !== file.sha256) return false;
  await stampFile(dir, file.name, file.sha256);
  return true;
}

/** Record that `name` (already checked by the caller) has bytes hashing to `sha256`. */
export async function stampFile(dir: string, name: string, sha256: string): Promise<void> {
  const st = await stat(join(dir, name));
  const stamp = await readStamp(dir);
  stamp[name] = { sha256, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  await writeStamp(dir, stamp);
}
