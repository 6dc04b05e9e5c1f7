// Citation parsing and cleaning, whole and streamed.
import { describe, expect, it } from "vitest";
import { chunk, hit } from "../testkit/fakes.js";
import { citedNumbers, createCitationFilter, rewriteCitations, toCitation } from "./citations.js";

const upTo3 = (n: number) => n >= 1 && n <= 3;

describe("citedNumbers", () => {
  it("reads [n], [n, m], [n][m], ranges and [Source n], in order of first appearance", () => {
    expect(citedNumbers("A [2]. B [1, 3]. C [3][1]. D [Source 4] and [sources 5-6]; E [2 and 7].")).toEqual([
      2, 1, 3, 4, 5, 6, 7,
    ]);
    expect(citedNumbers("no citations, [a] or [] or [x1]")).toEqual([]);
  });
});

describe("rewriteCitations", () => {
  it("drops numbers that do not exist and normalises the syntax", () => {
    expect(rewriteCitations("Use make [1, 9]. Not this [7]. Also [Source 2][3].", upTo3)).toBe(
      "Use make [1]. Not this. Also [2][3].",
    );
  });

  it("leaves array indexing in code alone", () => {
    expect(rewriteCitations("Read `items[0]` and args[5] [2].", upTo3)).toBe(
      "Read `items[0]` and args[5] [2].",
    );
  });
});

describe("createCitationFilter", () => {
  it("gives the same text streamed in any split as rewriting the whole", () => {
    const text = "Run it [1]. Also [4] see [Source 2, 9]. Arrays like a[1] stay. End [3][8]";
    for (const size of [1, 2, 3, 5, 8]) {
      const f = createCitationFilter(upTo3);
      let out = "";
      for (let i = 0; i < text.length; i += size) out += f.push(text.slice(i, i + size));
      out += f.flush();
      expect(out).toBe(rewriteCitations(text, upTo3));
    }
  });

  it("holds back only an unfinished group", () => {
    const f = createCitationFilter(upTo3);
    expect(f.push("Deploy with make [")).toBe("Deploy with make");
    expect(f.push("1")).toBe("");
    expect(f.push("] now [see")).toBe(" [1] now [see");
    expect(f.flush()).toBe("");
  });
});

describe("toCitation", () => {
  it("maps a hit to a structured citation", () => {
    const c = chunk({
      path: "docs/a.md",
      text: "x\ny",
      title: "A",
      headingPath: ["Intro"],
      startLine: 5,
      endLine: 6,
    });
    expect(toCitation(2, hit(c, 0.42))).toEqual({
      n: 2,
      chunkId: c.id,
      docId: c.docId,
      source: "docs",
      path: "docs/a.md",
      title: "A",
      headingPath: ["Intro"],
      startLine: 5,
      endLine: 6,
      score: 0.42,
    });
  });
});
