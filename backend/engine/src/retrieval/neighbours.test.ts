// Definition/usage neighbours (off by default; the ablation in backend/README.md measures it): pure arithmetic on
// hand-built candidate lists.
import type { Chunk } from "@isa/core";
import { describe, expect, it } from "vitest";
import { definedNames, neighbourBoost } from "./retriever.js";

function chunk(
  id: string,
  path: string,
  headingPath: string[],
  text: string,
  kind: Chunk["kind"] = "code",
): Chunk {
  return {
    id,
    docId: path,
    source: "s",
    path,
    title: path,
    headingPath,
    kind,
    startLine: 1,
    endLine: 2,
    text,
    acl: ["public"],
  };
}

const user = chunk(
  "u",
  "test/levels.test.js",
  ["(top-level)"],
  "t.throws(() => assertNoLevelCollisions(a, b))",
);
const def = chunk(
  "d",
  "lib/levels.js",
  ["assertNoLevelCollisions"],
  "function assertNoLevelCollisions () {}",
);
const other = chunk("o", "docs/api.md", ["API"], "levels are numbers", "markdown");

describe("neighbourBoost", () => {
  it("reads the names a code chunk defines from its heading path", () => {
    expect(definedNames(def)).toEqual(["assertnolevelcollisions"]);
    expect(definedNames(chunk("x", "a.ts", ["Logger.setLevel, (preamble)"], ""))).toEqual(["setlevel"]);
    expect(definedNames(other)).toEqual([]);
  });

  it("lifts the definition of a name that a better-ranked chunk uses above an unlinked chunk", () => {
    const hits = [
      { chunk: user, score: 0.03 },
      { chunk: other, score: 0.02 },
      { chunk: def, score: 0.015 },
    ];
    expect(neighbourBoost(hits, "what does it reject?", 0.3).map((h) => h.chunk.id)).toEqual(["u", "d", "o"]);
    expect(neighbourBoost(hits, "what does it reject?", 0).map((h) => h.chunk.id)).toEqual(["u", "o", "d"]);
  });

  it("lifts the definition of a name the question uses", () => {
    const hits = [
      { chunk: other, score: 0.03 },
      { chunk: def, score: 0.025 },
    ];
    expect(neighbourBoost(hits, "where is it called?", 0.3)[0]?.chunk.id).toBe("o");
    expect(neighbourBoost(hits, "where is assertNoLevelCollisions called?", 0.3)[0]?.chunk.id).toBe("d");
  });
});
