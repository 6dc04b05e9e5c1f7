// The incremental indexer: discover → chunk → embed (only what changed) → upsert; deletes follow the tree.
// One `update()` async generator yields progress and returns a summary (Continue's CodebaseIndex shape).
import { stat } from "node:fs/promises";
import path from "node:path";
import type { Chunk, DocumentState, EmbeddedChunk, Embedder, VectorStore } from "@isa/core";
import { AppError, contentId } from "@isa/core";
import { chunkFile } from "./chunk/index.js";
import type { SkipReason, SourceFile } from "./discover/index.js";
import { discover } from "./discover/index.js";

/** Bump when chunking or embedding text changes, so cached indexes (the eval's) are rebuilt. */
export const INDEX_VERSION = 2;

export interface SourceSpec {
  /** Name stored with every chunk; paths are relative to `root`. */
  readonly name: string;
  readonly root: string;
}

export interface IndexerOptions {
  readonly maxFileBytes: number;
  readonly defaultGroups: readonly string[];
  /** Chunks embedded and written per batch. */
  readonly batchSize?: number;
  /** How a chunk is introduced to the embedder (default `context`; `title` is the recipe before issue 11). */
  readonly embedHeader?: EmbedHeader;
}

export interface IngestSummary {
  readonly sources: number;
  /** Files indexed (changed or unchanged). */
  files: number;
  /** Files not indexed, with the reason counted in `skippedByReason`. */
  skipped: number;
  skippedByReason: Partial<Record<SkipReason, number>>;
  /** Files whose content and ACL were unchanged since the last run. */
  unchanged: number;
  /** Chunks of all indexed files. */
  chunks: number;
  /** Chunks embedded in this run. */
  embedded: number;
  /** Chunks whose stored vector was reused (unchanged text in a changed file). */
  reused: number;
  /** Documents removed because their file is gone (or now skipped). */
  deleted: number;
  ms: number;
}

export type IngestProgress =
  | { readonly type: "discovered"; readonly source: string; readonly files: number; readonly skipped: number }
  | { readonly type: "file"; readonly done: number; readonly total: number; readonly path: string }
  | { readonly type: "embedded"; readonly embedded: number };

interface Pending {
  readonly file: SourceFile;
  readonly docId: string;
  readonly chunks: readonly Chunk[];
}

/**
 * `title`: the chunk's title and heading path. `context`: a contextual header naming where the chunk sits — its file
 * path, and for code the symbol with its enclosing class (and the words of camelCase names, which word pieces cut
 * badly), for documents the section path. Measured in backend/README.md ("Code retrieval ablation").
 */
export type EmbedHeader = "title" | "context";

const SYNTHETIC_SYMBOL = /^\((preamble|top-level)\)$/;

function splitCamel(name: string): string {
  return name.replace(/(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/gu, " ").toLowerCase();
}

/** The contextual header of a chunk (see EmbedHeader). */
export function contextHeader(chunk: Chunk): string {
  if (chunk.kind === "code") {
    const [outer, inner] = chunk.headingPath;
    const lines = [`${chunk.path}${chunk.language ? ` (${chunk.language})` : ""}`];
    if (outer && !SYNTHETIC_SYMBOL.test(outer)) {
      const symbol = inner ? `${inner} in ${outer}` : outer;
      const words = splitCamel(symbol);
      lines.push(words === symbol.toLowerCase() ? symbol : `${symbol} (${words})`);
    }
    return lines.join("\n");
  }
  // A document's heading path usually starts with its title (the H1): name it once.
  const rest = chunk.headingPath[0] === chunk.title ? chunk.headingPath.slice(1) : chunk.headingPath;
  return `${chunk.path}\n${[chunk.title, ...rest].join(" > ")}`;
}

/** Text given to the embedder: a header that says what and where the chunk is, then the chunk. */
export function embeddingText(chunk: Chunk, header: EmbedHeader = "context"): string {
  if (header === "context") return `${contextHeader(chunk)}\n\n${chunk.text}`;
  const heading = chunk.headingPath.join(" > ");
  const head = heading && heading !== chunk.title ? `${chunk.title} — ${heading}` : chunk.title;
  return `${head}\n\n${chunk.text}`;
}

/** Identical text under the same heading twice in one file hashes to one id: keep the first. */
function uniqueById(chunks: readonly Chunk[]): Chunk[] {
  const ids = new Set<string>();
  return chunks.filter((c) => !ids.has(c.id) && ids.add(c.id));
}

function sameAcl(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\u0000") === [...b].sort().join("\u0000");
}

async function assertDirectory(root: string): Promise<void> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(root);
  } catch (cause) {
    throw new AppError("PATH_INVALID", `Cannot read source ${root}: it does not exist or is not readable.`, {
      cause,
    });
  }
  if (!st.isDirectory()) throw new AppError("PATH_INVALID", `Source ${root} is not a directory.`);
}

/** A source spec from a CLI path: absolute root, named after the folder. */
export function sourceFromPath(p: string, name?: string): SourceSpec {
  const root = path.resolve(p);
  return { name: name ?? path.basename(root), root };
}

export async function* update(
  sources: readonly SourceSpec[],
  deps: { readonly store: VectorStore; readonly embedder: Embedder },
  opts: IndexerOptions,
): AsyncGenerator<IngestProgress, IngestSummary> {
  const started = performance.now();
  const { store, embedder } = deps;
  const batchSize = opts.batchSize ?? 256;
  const names = new Set<string>();
  for (const s of sources) {
    if (names.has(s.name))
      throw new AppError("INPUT_INVALID", `Two sources share the name "${s.name}"; name them apart.`);
    names.add(s.name);
    await assertDirectory(s.root);
  }
  const summary: IngestSummary = {
    sources: sources.length,
    files: 0,
    skipped: 0,
    skippedByReason: {},
    unchanged: 0,
    chunks: 0,
    embedded: 0,
    reused: 0,
    deleted: 0,
    ms: 0,
  };

  for (const source of sources) {
    const known = new Map<string, DocumentState>();
    for (const d of await store.listDocuments(source.name)) known.set(d.docId, d);

    // Discover first: gives the progress bar a total, and an unreadable tree fails before anything is deleted.
    const files: SourceFile[] = [];
    let skippedHere = 0;
    for await (const ev of discover({ name: source.name, root: source.root }, opts)) {
      if (ev.type === "file") files.push(ev.file);
      else {
        skippedHere++;
        summary.skippedByReason[ev.reason] = (summary.skippedByReason[ev.reason] ?? 0) + 1;
      }
    }
    summary.skipped += skippedHere;
    yield { type: "discovered", source: source.name, files: files.length, skipped: skippedHere };

    const seen = new Set<string>();
    let pending: Pending[] = [];
    let pendingChunks = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      pendingChunks = 0;
      const all = batch.flatMap((p) => p.chunks);
      const stored = await store.getVectors(all.map((c) => c.id));
      const todo = all.filter((c) => !stored.has(c.id));
      const fresh = new Map<string, Float32Array>();
      for (let i = 0; i < todo.length; i += 64) {
        const slice = todo.slice(i, i + 64);
        const vectors = await embedder.embed(slice.map((c) => embeddingText(c, opts.embedHeader)));
        slice.forEach((c, j) => {
          const v = vectors[j];
          if (v) fresh.set(c.id, v);
        });
      }
      const embedded: EmbeddedChunk[] = all.map((c) => {
        const vector = stored.get(c.id) ?? fresh.get(c.id);
        if (!vector) throw new AppError("EMBEDDING_FAILED", `No vector for chunk ${c.path}:${c.startLine}`);
        return { ...c, vector };
      });
      const states: DocumentState[] = batch.map((p) => ({
        docId: p.docId,
        source: source.name,
        path: p.file.path,
        contentHash: p.file.contentHash,
        acl: p.file.acl,
        chunkIds: p.chunks.map((c) => c.id),
      }));
      // Replace changed documents whole, so chunks that vanished from a file vanish from the index.
      const replaced = batch.map((p) => p.docId).filter((id) => known.has(id));
      if (replaced.length > 0) await store.deleteDocuments(replaced);
      await store.upsert(embedded, states);
      summary.embedded += todo.length;
      summary.reused += all.length - todo.length;
    };

    let done = 0;
    for (const file of files) {
      const docId = contentId(source.name, file.path);
      seen.add(docId);
      summary.files++;
      const prev = known.get(docId);
      if (prev && prev.contentHash === file.contentHash && sameAcl(prev.acl, file.acl)) {
        summary.unchanged++;
        summary.chunks += prev.chunkIds.length;
      } else {
        const chunks = uniqueById(chunkFile(file));
        summary.chunks += chunks.length;
        pending.push({ file, docId, chunks });
        pendingChunks += chunks.length;
        if (pendingChunks >= batchSize) {
          await flush();
          yield { type: "embedded", embedded: summary.embedded };
        }
      }
      done++;
      yield { type: "file", done, total: files.length, path: file.path };
    }
    await flush();
    yield { type: "embedded", embedded: summary.embedded };

    const gone = [...known.keys()].filter((id) => !seen.has(id));
    if (gone.length > 0) await store.deleteDocuments(gone);
    summary.deleted += gone.length;
  }
  summary.ms = Math.round(performance.now() - started);
  return summary;
}
