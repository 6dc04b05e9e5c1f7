// YAML, JSON and plain-text chunking.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { chunkFile } from "./chunkFile.js";
import { expectChunkInvariants, sourceFile } from "./testkit/invariants.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");
const lineOf = (text: string, prefix: string) => text.split("\n").findIndex((l) => l.startsWith(prefix)) + 1;

describe("YAML", () => {
  const text = readFileSync(path.join(here, "fixtures/workflow.yaml"), "utf8");
  const f = sourceFile("workflow.yaml", text, "config", "yaml");

  it("chunks by top-level key across documents, comments attached to the key below", () => {
    const chunks = chunkFile(f, { minChars: 0 });
    expectChunkInvariants(f, chunks);
    expect(chunks.map((c) => c.headingPath)).toEqual([
      ["name"],
      ["on"],
      ["env"],
      ["jobs"],
      ["quoted key"],
      ["single quoted"],
    ]);
    const jobs = chunks[3];
    expect(jobs?.startLine).toBe(lineOf(text, "jobs:"));
    expect(jobs?.endLine).toBe(lineOf(text, "---") - 1);
    expect(chunks[0]?.text).toMatch(/^# CI for the inventory service\.\nname: ci$/);
    expect(chunks[4]?.text).toBe('---\n# A second document in the same file.\n"quoted key": 1');
  });

  it("merges small keys by default and caps a big one", () => {
    const merged = chunkFile(f);
    expectChunkInvariants(f, merged);
    expect(merged[0]?.headingPath[0]).toMatch(/^name, on/);
    const big = [
      "items:",
      ...Array.from({ length: 200 }, (_, i) => `  - id: ${i}\n    label: "item number ${i}"`),
    ].join("\n");
    const bf = sourceFile("big.yaml", big, "config", "yaml");
    const chunks = chunkFile(bf);
    expectChunkInvariants(bf, chunks);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.headingPath[0] === "items")).toBe(true);
  });

  const real = "/usr/share/doc/python3-yaml/examples/pygments-lexer/example.yaml";
  it.skipIf(!existsSync(real))("keeps invariants on a real YAML file", () => {
    const rf = sourceFile("example.yaml", readFileSync(real, "utf8"), "config", "yaml");
    expectChunkInvariants(rf, chunkFile(rf));
  });

  it("chunks a top-level sequence by item", () => {
    const seq = "- name: a\n  value: 1\n- name: b\n  value: 2\n";
    const sf = sourceFile("seq.yaml", seq, "config", "yaml");
    const chunks = chunkFile(sf, { minChars: 0 });
    expectChunkInvariants(sf, chunks);
    expect(chunks.map((c) => [c.headingPath, c.startLine, c.endLine])).toEqual([
      [["[0]"], 1, 2],
      [["[1]"], 3, 4],
    ]);
  });
});

describe("JSON", () => {
  const pkgPath = path.join(repo, "node_modules/yaml/package.json");
  it.skipIf(!existsSync(pkgPath))("chunks a real package.json by top-level key with exact lines", () => {
    const text = readFileSync(pkgPath, "utf8");
    const f = sourceFile("package.json", text, "config", "json");
    const chunks = chunkFile(f, { minChars: 0 });
    expectChunkInvariants(f, chunks);
    expect(chunks[0]?.startLine).toBe(1);
    const scripts = chunks.find((c) => c.headingPath[0] === "scripts");
    expect(scripts?.startLine).toBe(lineOf(text, '  "scripts":'));
    expect(scripts?.text).toMatch(/^"scripts": \{/);
    expect(chunks.map((c) => c.headingPath[0])).toContain("devDependencies");
  });

  it("chunks a top-level array by item and caps minified JSON", () => {
    const arr = JSON.stringify([{ id: 1, tags: ["a"] }, { id: 2 }, "three"], null, 2);
    const af = sourceFile("arr.json", arr, "config", "json");
    const chunks = chunkFile(af, { minChars: 0 });
    expectChunkInvariants(af, chunks);
    expect(chunks.map((c) => c.headingPath[0])).toEqual(["[0]", "[1]", "[2]"]);
    const min = JSON.stringify(
      Object.fromEntries(Array.from({ length: 800 }, (_, i) => [`key${i}`, `value ${i}`])),
    );
    const mf = sourceFile("min.json", min, "config", "json");
    const mc = chunkFile(mf);
    expectChunkInvariants(mf, mc);
    expect(mc.length).toBeGreaterThan(min.length / 1500);
  });
});

describe("plain text", () => {
  it("packs paragraphs up to the cap with overlap", () => {
    const paras = Array.from(
      { length: 12 },
      (_, i) => `Paragraph ${i}. ${"Lorem ipsum dolor sit amet. ".repeat(6)}`,
    );
    const text = paras.join("\n\n");
    const f = sourceFile("notes.txt", text, "text");
    const chunks = chunkFile(f, { maxChars: 600, overlapChars: 200 });
    expectChunkInvariants(f, chunks, { maxChars: 600 });
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.headingPath.length === 0)).toBe(true);
    // Each piece after the first starts with the previous piece's last paragraph (the overlap).
    for (let i = 1; i < chunks.length; i++) {
      const prevLast = chunks[i - 1]?.text.split("\n\n").at(-1) ?? "";
      expect(chunks[i]?.text.startsWith(prevLast)).toBe(true);
    }
  });
});
