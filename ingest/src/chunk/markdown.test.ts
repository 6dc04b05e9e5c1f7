// Markdown chunking on the real npm docs corpus and on constructed edge cases.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chunkFile } from "./chunkFile.js";
import { expectChunkInvariants, sourceFile } from "./testkit/invariants.js";

// ../shared sits beside the repository (CI clones it there); the corpus ships with npm.
const NPM_DOCS = path.resolve(import.meta.dirname, "../../../../shared/eval/corpus/npm-docs");
const hasNpmDocs = existsSync(path.join(NPM_DOCS, "commands/npm-install.md"));

function mdFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? mdFiles(p) : n.endsWith(".md") ? [p] : [];
  });
}

/** Lines of the front matter block (1-based), which no chunk should contain. */
function frontMatterLines(text: string): Set<number> {
  const lines = text.split(/\r?\n/);
  const out = new Set<number>();
  if (lines[0] !== "---") return out;
  const end = lines.indexOf("---", 1);
  for (let i = 0; i <= end; i++) out.add(i + 1);
  return out;
}

const fenceCount = (s: string) => s.split("\n").filter((l) => /^\s*(```|~~~)/.test(l)).length;

describe.skipIf(!hasNpmDocs)("markdown chunking on the npm docs corpus", () => {
  const installPath = path.join(NPM_DOCS, "commands/npm-install.md");
  const text = readFileSync(installPath, "utf8");
  const lines = text.split("\n");
  const file = sourceFile("commands/npm-install.md", text, "markdown", undefined, ["public", "eng"]);
  const chunks = chunkFile(file);

  it("keeps every invariant and never includes the front matter", () => {
    const fm = frontMatterLines(text);
    expectChunkInvariants(file, chunks, { uncovered: (l) => fm.has(l) });
    for (const c of chunks) expect(fm.has(c.startLine)).toBe(false);
  });

  it("uses the front-matter title as the root of heading paths", () => {
    const c = chunks.find((x) => x.headingPath.join(">") === "npm-install>Configuration>ignore-scripts");
    expect(c).toBeDefined();
    const heading = lines.indexOf("#### `ignore-scripts`") + 1;
    expect(c?.startLine).toBe(heading);
    expect(c?.text.startsWith("#### `ignore-scripts`")).toBe(true);
    // The section ends before the next heading.
    const next = lines.indexOf("#### `allow-directory`") + 1;
    expect(c?.endLine).toBeLessThan(next);
    for (const x of chunks) expect(x.headingPath[0]).toBe("npm-install");
  });

  it("gives a long section several overlapping pieces under the same path", () => {
    const pieces = chunks.filter((x) => x.headingPath.at(-1) === "How npm install uses package-lock.json");
    expect(pieces.length).toBeGreaterThan(3);
    for (let i = 1; i < pieces.length; i++) {
      const [a, b] = [pieces[i - 1], pieces[i]];
      if (!a || !b) continue;
      expect(b.startLine).toBeGreaterThan(a.startLine);
      // Overlap: the next piece starts at or before the end of the previous one (within a few lines).
      expect(b.startLine).toBeLessThanOrEqual(a.endLine + 2);
    }
  });

  it("never cuts a fenced code block that fits the cap", () => {
    for (const c of chunks) expect(fenceCount(c.text) % 2, `${c.startLine}-${c.endLine}`).toBe(0);
    const synopsis = chunks.find((c) => c.text.includes("### Synopsis"));
    expect(synopsis?.text).toContain("```bash\nnpm install [<package-spec> ...]");
  });

  it("chunks every file of the corpus within the invariants", () => {
    const files = mdFiles(NPM_DOCS);
    expect(files.length).toBeGreaterThan(50);
    for (const p of files) {
      const t = readFileSync(p, "utf8");
      const f = sourceFile(path.relative(NPM_DOCS, p), t, "markdown");
      const fm = frontMatterLines(t);
      const cs = chunkFile(f);
      expect(cs.length).toBeGreaterThan(0);
      expectChunkInvariants(f, cs, { uncovered: (l) => fm.has(l) });
    }
  });
});

describe("markdown chunking, constructed cases", () => {
  const para = (n: number, word: string) =>
    Array.from({ length: n }, (_, i) => `${word} sentence ${i}.`).join(" ");

  it("does not take a # inside a fenced block for a heading", () => {
    const text = [
      "# Guide",
      "",
      para(12, "Intro"),
      "",
      "## Install",
      "",
      "```sh",
      "# this is a shell comment, not a heading",
      "npm install",
      "```",
      "",
      para(12, "Install"),
      "",
      "~~~",
      "## also not a heading",
      "~~~",
    ].join("\n");
    const f = sourceFile("guide.md", text, "markdown");
    const chunks = chunkFile(f, { minChars: 0 });
    expectChunkInvariants(f, chunks);
    expect(chunks.map((c) => c.headingPath)).toEqual([["Guide"], ["Guide", "Install"]]);
    expect(chunks[1]?.text).toContain("# this is a shell comment");
    expect(chunks[1]?.startLine).toBe(5);
    expect(chunks[1]?.endLine).toBe(16);
  });

  it("builds heading chains with setext headings and pops back to a shallower level", () => {
    const text = [
      "Title",
      "=====",
      "",
      para(10, "a"),
      "",
      "Part one",
      "--------",
      para(10, "b"),
      "",
      "### Detail ###",
      para(10, "c"),
      "",
      "## Part *two* with [a link](http://x)",
      para(10, "d"),
    ].join("\n");
    const f = sourceFile("setext.md", text, "markdown");
    const chunks = chunkFile(f, { minChars: 0 });
    expectChunkInvariants(f, chunks);
    expect(chunks.map((c) => c.headingPath)).toEqual([
      ["Title"],
      ["Title", "Part one"],
      ["Title", "Part one", "Detail"],
      ["Title", "Part two with a link"],
    ]);
  });

  it("merges tiny sections with a sibling or child, naming both", () => {
    const text = [
      "# Tool",
      "",
      "## Options",
      "",
      "### `--a`",
      "Short.",
      "",
      "### `--b`",
      "Also short.",
      "",
    ].join("\n");
    const f = sourceFile("tiny.md", text, "markdown");
    const chunks = chunkFile(f);
    expectChunkInvariants(f, chunks);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.headingPath).toEqual(["Tool"]);
    const siblingsText = ["# Tool", para(20, "t"), "## a", "A.", "## b", "B.", "## c", para(20, "c")].join(
      "\n",
    );
    const siblings = chunkFile(sourceFile("s.md", siblingsText, "markdown"));
    expect(siblings.map((c) => c.headingPath)).toEqual([["Tool"], ["Tool", "a, b, c"]]);
  });

  it("caps sections, splits a fence only when the fence alone exceeds the cap, and caps long lines", () => {
    const bigFence = [
      "```js",
      ...Array.from({ length: 80 }, (_, i) => `console.log(${i}, "padding padding padding");`),
      "```",
    ];
    const smallFence = ["```", "a();", "b();", "```"];
    const text = [
      "# Big",
      "",
      para(30, "p1"),
      "",
      ...smallFence,
      "",
      ...bigFence,
      "",
      `minified: ${Array.from({ length: 1000 }, (_, i) => `v${i}=${i};`).join("")}`,
      "",
      para(30, "p2"),
    ].join("\n");
    const f = sourceFile("big.md", text, "markdown");
    const chunks = chunkFile(f, { maxChars: 600, overlapChars: 100 });
    expectChunkInvariants(f, chunks, { maxChars: 600 });
    expect(chunks.every((c) => c.headingPath[0] === "Big")).toBe(true);
    // The small fence is whole in some chunk.
    expect(chunks.some((c) => c.text.includes(smallFence.join("\n")))).toBe(true);
    // The minified line (8000+ chars) became several windows on the same line.
    const minLine = text.split("\n").findIndex((l) => l.startsWith("minified:")) + 1;
    const windows = chunks.filter((c) => c.startLine === minLine && c.endLine === minLine);
    expect(windows.length).toBeGreaterThanOrEqual(8000 / 600);
  });

  it("handles empty, blank, front-matter-only and CRLF files", () => {
    expect(chunkFile(sourceFile("e.md", "", "markdown"))).toEqual([]);
    expect(chunkFile(sourceFile("b.md", "\n\n   \n", "markdown"))).toEqual([]);
    expect(chunkFile(sourceFile("fm.md", "---\ntitle: x\n---\n", "markdown"))).toEqual([]);
    const crlf = sourceFile("crlf.md", "# A\r\n\r\nText one.\r\n\r\n## B\r\n\r\nText two.\r\n", "markdown");
    const chunks = chunkFile(crlf, { minChars: 0 });
    expectChunkInvariants(crlf, chunks);
    expect(chunks.map((c) => [c.headingPath, c.startLine, c.endLine])).toEqual([
      [["A"], 1, 3],
      [["A", "B"], 5, 7],
    ]);
    expect(chunks[0]?.text).toBe("# A\n\nText one.");
  });

  it("derives stable ids from source, path, heading path and text", () => {
    const f = sourceFile("id.md", "# A\n\nSame text.", "markdown");
    const [a] = chunkFile(f);
    const [b] = chunkFile({ ...f, acl: ["other"] });
    const [c] = chunkFile({ ...f, path: "other.md" });
    expect(a?.id).toBe(b?.id);
    expect(a?.id).not.toBe(c?.id);
    expect(a?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(a?.docId).not.toBe(c?.docId);
  });
});
