// The contextual header embedded with each chunk: where the chunk sits (file path; symbol and enclosing class for
// code, section path for documents), built from real chunker output so a chunker change that drops it fails here.
import type { Chunk } from "@isa/core";
import { describe, expect, it } from "vitest";
import { chunkFile } from "./chunk/index.js";
import type { SourceFile } from "./discover/index.js";
import { contextHeader, embeddingText } from "./indexer.js";

function file(p: string, kind: SourceFile["kind"], text: string, language?: string): SourceFile {
  const title = kind === "markdown" ? (/^# (.+)$/m.exec(text)?.[1] ?? p) : (p.split("/").pop() ?? p);
  return {
    source: "s",
    root: "/r",
    path: p,
    absPath: `/r/${p}`,
    text,
    contentHash: "h",
    bytes: text.length,
    kind,
    ...(language ? { language } : {}),
    title,
    acl: ["public"],
  };
}

const byText = (chunks: readonly Chunk[], needle: string) => {
  const c = chunks.find((x) => x.text.includes(needle));
  if (!c) throw new Error(`no chunk holds ${needle}`);
  return c;
};

describe("embeddingText", () => {
  it("introduces a code chunk by its path, language and symbol, with the words of a camelCase name", () => {
    const src = [
      "'use strict'",
      "",
      "function assertNoLevelCollisions (pino, levels) {",
      `  ${"const x = 1\n  ".repeat(30)}`,
      "  throw new Error('levels cannot be overridden')",
      "}",
      "",
      "module.exports = { assertNoLevelCollisions }",
    ].join("\n");
    const chunks = chunkFile(file("lib/levels.js", "code", src, "javascript"));
    const c = byText(chunks, "levels cannot be overridden");
    expect(contextHeader(c)).toBe(
      // The small export statement merges into the function's chunk: both names are the chunk's symbols.
      "lib/levels.js (javascript)\nassertNoLevelCollisions, module.exports (assert no level collisions, module.exports)",
    );
    expect(embeddingText(c)).toBe(`${contextHeader(c)}\n\n${c.text}`);
  });

  it("introduces a document chunk by its path and section path, the title named once", () => {
    const para = "Words that make this section long enough to stand as a chunk of its own. ".repeat(4);
    const md = `# Transports\n\n${para}\n\n## Writing a transport\n\n${para}A transport exports a function.\n`;
    const c = byText(chunkFile(file("docs/transports.md", "markdown", md)), "exports a function");
    expect(c.headingPath[0]).toBe("Transports");
    expect(contextHeader(c)).toBe("docs/transports.md\nTransports > Writing a transport");
  });

  it("keeps the title recipe on request", () => {
    const para = "Words that make this section long enough to stand as a chunk of its own. ".repeat(4);
    const c = byText(
      chunkFile(file("docs/a.md", "markdown", `# A\n\n${para}\n\n## B\n\n${para}body text\n`)),
      "body text",
    );
    expect(embeddingText(c, "title")).toBe(`A — ${c.headingPath.join(" > ")}\n\n${c.text}`);
  });
});
