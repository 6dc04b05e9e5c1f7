// The index's identity, kept beside the tables in `isa-index.json`: which embedding model filled it and in which
// layout. Vectors from two models are not comparable, so opening with another model fails instead of mixing them.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@isa/core";

/** Bumped when the table layout or the indexed text recipe changes; an older index must be rebuilt. */
export const INDEX_FORMAT = 2;
export const META_FILE = "isa-index.json";

export interface IndexMeta {
  readonly format: number;
  readonly modelId: string;
  readonly dimensions: number;
}

export async function readMeta(dir: string): Promise<IndexMeta | undefined> {
  let raw: string;
  try {
    raw = await readFile(path.join(dir, META_FILE), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new AppError("STORE_UNAVAILABLE", `Cannot read ${META_FILE} in ${dir}.`, { cause: err });
  }
  try {
    const m = JSON.parse(raw) as Partial<IndexMeta>;
    if (typeof m.format === "number" && typeof m.modelId === "string" && typeof m.dimensions === "number") {
      return { format: m.format, modelId: m.modelId, dimensions: m.dimensions };
    }
  } catch {
    // Fall through: a truncated or hand-edited file is reported like a malformed one.
  }
  throw new AppError(
    "STORE_UNAVAILABLE",
    `${META_FILE} in ${dir} is malformed; re-ingest into a fresh data dir.`,
  );
}

/** Write-then-rename, so a crash never leaves a half-written identity behind. */
export async function writeMeta(dir: string, meta: IndexMeta): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, META_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(meta, null, 2)}\n`);
  await rename(tmp, file);
}

/** Throws unless an index built as `found` may be used as `wanted`. */
export function checkMeta(found: IndexMeta, wanted: IndexMeta, dir: string): void {
  if (found.modelId !== wanted.modelId || found.dimensions !== wanted.dimensions) {
    throw new AppError(
      "INDEX_MODEL_MISMATCH",
      `The index in ${dir} was built with ${found.modelId} (${found.dimensions} dimensions), but the embedder is ` +
        `${wanted.modelId} (${wanted.dimensions} dimensions). Re-ingest into a fresh data dir (set ISA_DATA_DIR) ` +
        "or delete the index directory and ingest again.",
      {
        details: {
          indexModel: found.modelId,
          indexDimensions: found.dimensions,
          embedderModel: wanted.modelId,
          embedderDimensions: wanted.dimensions,
        },
      },
    );
  }
  if (found.format !== wanted.format) {
    throw new AppError(
      "STORE_UNAVAILABLE",
      `The index in ${dir} has layout version ${found.format}; this version needs ${wanted.format}. ` +
        "Re-ingest into a fresh data dir (set ISA_DATA_DIR) or delete the index directory and ingest again.",
      { details: { indexFormat: found.format, expectedFormat: wanted.format } },
    );
  }
}
