// Entry point of chunking: picks the structural chunker for a file's kind and language and turns its pieces
// into Chunks with ids, 1-based inclusive line ranges and the file's ACL. Never throws on file content.
import type { Chunk } from "@isa/core";
import { contentId } from "@isa/core";
import type { SourceFile } from "../discover/types.js";
import { chunkCode } from "./code.js";
import { rulesFor } from "./languages.js";
import { chunkMarkdown } from "./markdown.js";
import { type Limits, LineDoc, packRange } from "./pack.js";
import { chunkShell } from "./shell.js";
import { chunkStructured } from "./structured.js";
import type { ChunkOptions, PathedPiece } from "./types.js";

export const DEFAULT_MAX_CHARS = 1500;
export const DEFAULT_OVERLAP_CHARS = 200;
export const DEFAULT_MIN_CHARS = 200;

type ChunkLimits = Limits & { readonly minChars: number };

function limitsOf(opts: ChunkOptions): ChunkLimits {
  const maxChars = Math.max(50, Math.floor(opts.maxChars ?? DEFAULT_MAX_CHARS));
  // Overlap above half the cap would make pieces mostly repetition.
  const overlapChars = Math.min(
    Math.max(0, Math.floor(opts.overlapChars ?? DEFAULT_OVERLAP_CHARS)),
    maxChars / 2,
  );
  const minChars = Math.min(Math.max(0, Math.floor(opts.minChars ?? DEFAULT_MIN_CHARS)), maxChars);
  return { maxChars, overlapChars, minChars };
}

function pieces(file: SourceFile, doc: LineDoc, limits: ChunkLimits): PathedPiece[] {
  switch (file.kind) {
    case "markdown":
      return chunkMarkdown(doc, limits);
    case "code": {
      if (file.language === "shell") return chunkShell(doc, limits);
      const rules = rulesFor(file.language);
      if (rules) return chunkCode(doc, rules, limits);
      break;
    }
    case "config":
      if (file.language === "yaml" || file.language === "json")
        return chunkStructured(doc, file.language, limits);
      break;
    case "text":
      break;
    default: {
      const never: never = file.kind;
      return never;
    }
  }
  return packRange(doc, { start: 0, end: doc.length }, limits).map((piece) => ({ path: [], piece }));
}

/** Structure-aware chunks of one file, in line order, with unique ids. */
export function chunkFile(file: SourceFile, opts: ChunkOptions = {}): Chunk[] {
  const limits = limitsOf(opts);
  const doc = new LineDoc(file.text);
  let found: PathedPiece[];
  try {
    found = pieces(file, doc, limits);
  } catch {
    // A structural chunker bug must not lose the file: fall back to plain paragraphs.
    found = packRange(doc, { start: 0, end: doc.length }, limits).map((piece) => ({ path: [], piece }));
  }
  const docId = contentId(file.source, file.path);
  const seen = new Set<string>();
  const chunks: Chunk[] = [];
  for (const { path, piece } of found) {
    if (piece.text === "") continue;
    const headingPath = [...path];
    const id = contentId(file.source, file.path, headingPath.join(">"), piece.text);
    // Identical text under the same path (e.g. repeated overloads) is one chunk for retrieval.
    if (seen.has(id)) continue;
    seen.add(id);
    chunks.push({
      id,
      docId,
      source: file.source,
      path: file.path,
      title: file.title,
      headingPath,
      kind: file.kind,
      ...(file.language === undefined ? {} : { language: file.language }),
      startLine: piece.start + 1,
      endLine: piece.end,
      text: piece.text,
      acl: file.acl,
    });
  }
  return chunks;
}
