// Test helpers: build a SourceFile in memory and check the invariants every chunk must keep.
import type { Chunk, DocumentKind } from "@isa/core";
import { expect } from "vitest";
import type { SourceFile } from "../../discover/types.js";

export function sourceFile(
  path: string,
  text: string,
  kind: DocumentKind,
  language?: string,
  acl: readonly string[] = ["public"],
): SourceFile {
  return {
    source: "test",
    root: "/test",
    path,
    absPath: `/test/${path}`,
    text,
    contentHash: "0".repeat(64),
    bytes: Buffer.byteLength(text),
    kind,
    ...(language === undefined ? {} : { language }),
    title: path.slice(path.lastIndexOf("/") + 1),
    acl,
  };
}

/**
 * Every chunk: trimmed non-empty text within the cap, a valid 1-based inclusive line range whose file lines
 * are exactly the chunk text (or contain it, for a window of one long line), ids unique.
 * Every non-blank line lies in some chunk (or, for repeated content, its text does), unless `uncovered` says so.
 */
export function expectChunkInvariants(
  file: SourceFile,
  chunks: readonly Chunk[],
  opts: { maxChars?: number; uncovered?: (line: number) => boolean } = {},
): void {
  const lines = file.text.split(/\r?\n/);
  const max = opts.maxChars ?? 1500;
  const ids = new Set<string>();
  const covered = new Uint8Array(lines.length + 2);
  for (const c of chunks) {
    const where = `${file.path}:${c.startLine}-${c.endLine} ${JSON.stringify(c.headingPath)}`;
    expect(c.text, where).toBe(c.text.trim());
    expect(c.text.length, where).toBeGreaterThan(0);
    expect(c.text.length, where).toBeLessThanOrEqual(max);
    expect(c.startLine, where).toBeGreaterThanOrEqual(1);
    expect(c.endLine, where).toBeGreaterThanOrEqual(c.startLine);
    expect(c.endLine, where).toBeLessThanOrEqual(lines.length);
    const span = lines.slice(c.startLine - 1, c.endLine).join("\n");
    if (c.startLine === c.endLine && span.length > max) expect(span.includes(c.text), where).toBe(true);
    else expect(c.text, where).toBe(span.trim());
    // The first and last lines of the range are real content, not padding.
    expect(lines[c.startLine - 1]?.trim(), where).not.toBe("");
    expect(lines[c.endLine - 1]?.trim(), where).not.toBe("");
    expect(ids.has(c.id), `duplicate id at ${where}`).toBe(false);
    ids.add(c.id);
    expect(c.acl).toEqual(file.acl);
    expect(c.kind).toBe(file.kind);
    expect(c.language).toBe(file.language);
    expect(c.title).toBe(file.title);
    for (let l = c.startLine; l <= c.endLine; l++) covered[l] = 1;
  }
  lines.forEach((line, i) => {
    if (line.trim() === "" || covered[i + 1] || opts.uncovered?.(i + 1)) return;
    // A piece identical to an earlier one of the same file is kept once (same id): its lines are not lost.
    if (!chunks.some((c) => c.text.includes(line.trim()))) {
      expect.fail(`${file.path}:${i + 1} is in no chunk: ${JSON.stringify(line.slice(0, 80))}`);
    }
  });
}
