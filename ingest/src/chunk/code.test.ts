// Code chunking on real sources (zod, yaml, CPython stdlib, git contrib Go, system shell scripts) and fixtures.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Chunk } from "@isa/core";
import { describe, expect, it } from "vitest";
import { chunkFile } from "./chunkFile.js";
import { expectChunkInvariants, sourceFile } from "./testkit/invariants.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");
const fixture = (name: string) => readFileSync(path.join(here, "fixtures", name), "utf8");
const paths = (chunks: readonly Chunk[]) => chunks.map((c) => c.headingPath.join(" > "));
/** The 1-based line of the first line of `text` that starts with `prefix`. */
const lineOf = (text: string, prefix: string) => text.split("\n").findIndex((l) => l.startsWith(prefix)) + 1;
const byPath = (chunks: readonly Chunk[], p: string) => chunks.find((c) => c.headingPath.join(" > ") === p);

describe("TypeScript / JavaScript from node_modules", () => {
  const parsePath = path.join(repo, "node_modules/zod/src/v4/classic/parse.ts");

  it.skipIf(!existsSync(parsePath))("chunks zod's parse.ts by exported symbol with exact line ranges", () => {
    const text = readFileSync(parsePath, "utf8");
    const f = sourceFile("zod/parse.ts", text, "code", "typescript");
    const chunks = chunkFile(f);
    expectChunkInvariants(f, chunks);
    expect(chunks[0]?.headingPath).toEqual(["(preamble)"]);
    expect(chunks[0]?.text).toMatch(/^import /);
    for (const name of ["parse", "parseAsync", "safeParse", "safeParseAsync", "decode", "safeDecodeAsync"]) {
      const c = byPath(chunks, name);
      expect(c, name).toBeDefined();
      expect(c?.startLine, name).toBe(lineOf(text, `export const ${name}:`));
    }
  });

  it("keeps invariants on large real sources (.ts, .js, .d.ts) and splits classes by member", () => {
    const files = [
      ["node_modules/zod/src/v4/core/schemas.ts", "typescript"],
      ["node_modules/zod/src/v4/core/util.ts", "typescript"],
      ["node_modules/zod/v4/core/schemas.d.ts", "typescript"],
      ["node_modules/yaml/dist/compose/composer.js", "javascript"],
      ["node_modules/yaml/dist/parse/lexer.js", "javascript"],
      ["node_modules/yaml/dist/index.d.ts", "typescript"],
    ].filter(([p]) => existsSync(path.join(repo, p ?? "")));
    expect(files.length).toBeGreaterThan(2);
    for (const [p, lang] of files) {
      const f = sourceFile(p ?? "", readFileSync(path.join(repo, p ?? ""), "utf8"), "code", lang);
      const chunks = chunkFile(f);
      expect(chunks.length, p).toBeGreaterThan(0);
      expectChunkInvariants(f, chunks);
    }
    const composerPath = path.join(repo, "node_modules/yaml/dist/compose/composer.js");
    if (existsSync(composerPath)) {
      const chunks = chunkFile(
        sourceFile("composer.js", readFileSync(composerPath, "utf8"), "code", "javascript"),
      );
      // The Composer class is bigger than the cap: its pieces are named by member, generator methods included.
      const members = chunks
        .filter((c) => c.headingPath[0] === "Composer")
        .map((c) => c.headingPath[1] ?? "");
      expect(members.length).toBeGreaterThan(1);
      expect(members.join(", ")).toContain("compose");
      expect(members.join(", ")).toContain("decorate");
    }
  });

  it("is not fooled by braces in strings, template literals, regexes and comments", () => {
    const text = fixture("tricky.ts.txt");
    const f = sourceFile("tricky.ts", text, "code", "typescript");
    const chunks = chunkFile(f, { minChars: 0 });
    expectChunkInvariants(f, chunks);
    expect(paths(chunks)).toEqual([
      "(preamble)",
      "OPEN",
      "CLOSE",
      "pattern",
      "render",
      "Counter",
      "Shape",
      "area",
      "load",
      "main",
    ]);
    // The block comment above `pattern` travels with it.
    expect(byPath(chunks, "pattern")?.text).toMatch(/^\/\* a block comment/);
    expect(byPath(chunks, "render")?.endLine).toBe(lineOf(text, "}}}`;") + 1);
  });
});

describe("Python", () => {
  const text = fixture("inventory.py");
  const f = sourceFile("inventory.py", text, "code", "python");

  it("chunks by top-level def/class with decorators, and keeps strings that look like code inside", () => {
    const chunks = chunkFile(f, { minChars: 0, maxChars: 4000 });
    expectChunkInvariants(f, chunks, { maxChars: 4000 });
    expect(paths(chunks)).toEqual([
      "(preamble)",
      "OutOfStock",
      "Item",
      "InventoryService",
      "parse_counts",
      "__main__",
    ]);
    expect(byPath(chunks, "(preamble)")?.text).toContain("def not_a_function():");
    const item = byPath(chunks, "Item");
    expect(item?.startLine).toBe(lineOf(text, "@dataclass(frozen=True)"));
    expect(item?.text.split("\n")[1]).toBe("class Item:");
    // The comment directly above the class belongs to it.
    expect(byPath(chunks, "InventoryService")?.text).toMatch(/^# Reservations are held/);
  });

  it("splits a class bigger than the cap by method", () => {
    const chunks = chunkFile(f, { maxChars: 700, overlapChars: 0, minChars: 0 });
    expectChunkInvariants(f, chunks, { maxChars: 700 });
    const members = chunks
      .filter((c) => c.headingPath[0] === "InventoryService")
      .map((c) => c.headingPath[1]);
    expect(members.length).toBeGreaterThan(2);
    const reconcile = chunks.find((c) => c.headingPath[1]?.split(", ").includes("reconcile"));
    expect(reconcile?.text).toContain("async def reconcile");
    const lowStock = chunks.find((c) => c.headingPath[1]?.split(", ").includes("low_stock"));
    expect(lowStock?.text).toContain("@property");
  });

  const stdlib = ["/usr/lib/python3.11/textwrap.py", "/usr/lib/python3.11/dataclasses.py"].filter(existsSync);
  it.skipIf(stdlib.length === 0)("keeps invariants on real standard-library modules", () => {
    for (const p of stdlib) {
      const t = readFileSync(p, "utf8");
      const sf = sourceFile(path.basename(p), t, "code", "python");
      const chunks = chunkFile(sf);
      expectChunkInvariants(sf, chunks);
      if (p.endsWith("textwrap.py")) {
        expect(byPath(chunks, "dedent")?.startLine).toBe(lineOf(t, "def dedent("));
        expect(
          chunks.some(
            (c) => c.headingPath[0] === "TextWrapper" && c.headingPath[1]?.includes("_wrap_chunks"),
          ),
        ).toBe(true);
      }
    }
  });
});

describe("Go", () => {
  it("names functions, methods (Type.Method) and types; raw strings with braces do not derail it", () => {
    const text = fixture("server.go");
    const f = sourceFile("server.go", text, "code", "go");
    const chunks = chunkFile(f, { minChars: 0 });
    expectChunkInvariants(f, chunks);
    expect(paths(chunks)).toEqual([
      "(preamble)",
      "usage",
      "(var)",
      "Item",
      "Store",
      "NewStore",
      "Store.Get",
      "Store.Put",
      "Handler",
      "Pair",
    ]);
    const get = byPath(chunks, "Store.Get");
    expect(get?.startLine).toBe(lineOf(text, "// Get returns"));
    expect(get?.endLine).toBe(lineOf(text, "func (s *Store) Put") - 2);
  });

  const goDir = "/usr/share/doc/git/contrib/persistent-https";
  it.skipIf(!existsSync(goDir))("keeps invariants on real Go sources", () => {
    for (const n of readdirSync(goDir).filter((x) => x.endsWith(".go"))) {
      const t = readFileSync(path.join(goDir, n), "utf8");
      const sf = sourceFile(n, t, "code", "go");
      const chunks = chunkFile(sf);
      expectChunkInvariants(sf, chunks);
      expect(chunks.some((c) => c.headingPath[0]?.includes("."))).toBe(n !== "main.go");
    }
  });
});

describe("Java", () => {
  const text = fixture("OrderService.java");
  const f = sourceFile("OrderService.java", text, "code", "java");

  it("chunks top-level types and splits a class bigger than the cap by member", () => {
    const chunks = chunkFile(f, { maxChars: 800, overlapChars: 0, minChars: 0 });
    expectChunkInvariants(f, chunks, { maxChars: 800 });
    expect(chunks[0]?.headingPath).toEqual(["(preamble)"]);
    expect(chunks[0]?.text).toMatch(/^\/\*\n \* Copyright/);
    expect(chunks[0]?.text).toContain("import java.util.concurrent.ConcurrentHashMap;");
    const classPieces = chunks.filter((c) => c.headingPath[0] === "OrderService");
    expect(classPieces.length).toBeGreaterThan(2);
    const names = classPieces.flatMap((c) => (c.headingPath[1] ?? "").split(", "));
    for (const m of ["orders", "OrderService", "place", "toString", "cancel", "total", "describe"]) {
      expect(names, m).toContain(m);
    }
    // The annotation stays with its method; the Javadoc with the class.
    const toStringPiece = classPieces.find((c) => c.headingPath[1]?.split(", ").includes("toString"));
    expect(toStringPiece?.text).toContain("@Override\n    public String toString()");
    expect(classPieces[0]?.text).toMatch(/^\/\*\*\n \* Places and cancels orders/);
    expect(paths(chunks).slice(-3)).toEqual(["OrderLine", "Order", "Catalog"]);
  });

  it("keeps the whole class as one unit when it fits", () => {
    const chunks = chunkFile(f, { maxChars: 4000 });
    expectChunkInvariants(f, chunks, { maxChars: 4000 });
    expect(byPath(chunks, "OrderService")?.startLine).toBe(lineOf(text, "/**"));
    expect(byPath(chunks, "OrderService")?.endLine).toBe(lineOf(text, "record OrderLine") - 2);
  });
});

describe("shell", () => {
  it("chunks by function (both syntaxes, heredocs inside) with the preamble apart", () => {
    const text = fixture("deploy.sh");
    const f = sourceFile("deploy.sh", text, "code", "shell");
    const chunks = chunkFile(f, { minChars: 0 });
    expectChunkInvariants(f, chunks);
    expect(paths(chunks)).toEqual([
      "(preamble)",
      "log",
      "run",
      "check_env",
      "render_manifest",
      "deploy",
      "(top-level)",
    ]);
    expect(byPath(chunks, "log")?.text).toMatch(/^# Print a message/);
    expect(byPath(chunks, "render_manifest")?.endLine).toBe(lineOf(text, "deploy() {") - 2);
  });

  const real = ["/usr/bin/ssh-copy-id", "/usr/bin/dpkg-maintscript-helper"].filter(existsSync);
  it.skipIf(real.length === 0)("keeps invariants on real scripts", () => {
    for (const p of real) {
      const sf = sourceFile(path.basename(p), readFileSync(p, "utf8"), "code", "shell");
      const chunks = chunkFile(sf);
      expectChunkInvariants(sf, chunks);
      expect(chunks.some((c) => !c.headingPath[0]?.startsWith("("))).toBe(true);
    }
  });
});

describe("robustness", () => {
  /** A small deterministic PRNG, so a failure reproduces. */
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }
  const alphabet = [
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    '"',
    "'",
    "`",
    "/",
    "*",
    "#",
    "\\",
    "${",
    "\n",
    "\n\n",
    " ",
    "    ",
  ];
  const words = [
    "def f():",
    "class A:",
    "function g() {",
    "func (s *S) M() {",
    "export const x =",
    "@dec",
    "}",
    "<<EOF",
  ];

  it("never throws and keeps invariants on garbage in every language", () => {
    const next = rng(42);
    const langs: Array<[string, "code" | "config" | "text" | "markdown", string | undefined]> = [
      ["a.ts", "code", "typescript"],
      ["a.py", "code", "python"],
      ["a.go", "code", "go"],
      ["A.java", "code", "java"],
      ["a.sh", "code", "shell"],
      ["a.rs", "code", "rust"],
      ["a.yaml", "config", "yaml"],
      ["a.json", "config", "json"],
      ["a.md", "markdown", undefined],
      ["a.txt", "text", undefined],
    ];
    for (let round = 0; round < 30; round++) {
      let text = "";
      const n = 50 + Math.floor(next() * 400);
      for (let i = 0; i < n; i++) {
        const pool = next() < 0.2 ? words : alphabet;
        text += pool[Math.floor(next() * pool.length)] ?? "";
        if (next() < 0.3) text += "word";
      }
      for (const [p, kind, lang] of langs) {
        const f = sourceFile(p, text, kind, lang);
        const chunks = chunkFile(f, { maxChars: 300, overlapChars: 50 });
        expectChunkInvariants(f, chunks, { maxChars: 300 });
      }
    }
  });

  it("stays linear on pathological inputs (many openers, no closers)", () => {
    const cases: Array<[string, string, "code" | "markdown", string | undefined]> = [
      ["many.sh", "f() {\n".repeat(20_000), "code", "shell"],
      ["many.ts", "function f() {\n".repeat(20_000), "code", "typescript"],
      ["many.py", "@d\n".repeat(20_000), "code", "python"],
      ["many.md", "```\n# h\n".repeat(10_000), "markdown", undefined],
    ];
    for (const [p, text, kind, lang] of cases) {
      const f = sourceFile(p, text, kind, lang);
      expectChunkInvariants(f, chunkFile(f));
    }
  });

  it("caps a minified one-line file and handles unterminated constructs", () => {
    const minified = `!function(){${Array.from({ length: 3000 }, (_, i) => `var a${i}={k:"${i}"};`).join("")}}();`;
    const f = sourceFile("app.min.js", minified, "code", "javascript");
    const chunks = chunkFile(f);
    expectChunkInvariants(f, chunks);
    expect(chunks.length).toBeGreaterThan(minified.length / 1500);
    for (const [p, lang, t] of [
      ["u.ts", "typescript", "const a = `never closed ${ {\nfunction f() {\n"],
      ["u.py", "python", 'x = """never closed\ndef f():\n    pass\n'],
      ["u.java", "java", "class A {\n  /* never closed\n  void f() {}\n"],
      ["u.go", "go", "func f() {\n\ts := `raw never closed\n}\n"],
    ] as const) {
      const sf = sourceFile(p, t, "code", lang);
      expectChunkInvariants(sf, chunkFile(sf));
    }
  });
});
