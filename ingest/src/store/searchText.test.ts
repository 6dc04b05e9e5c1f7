// The indexed-text recipe and query shaping that make exact identifiers count in BM25.
import { describe, expect, it } from "vitest";
import { identifierTerms, identifierWords, lexicalQuery, searchText } from "./searchText.js";

const OLD = { splitIdentifiers: false, path: false } as const;

describe("searchText", () => {
  it("squashes punctuated identifiers into one extra term each", () => {
    expect(identifierTerms("Use --ignore-scripts with package-lock.json and @scope/pkg")).toEqual([
      "ignorescripts",
      "packagelockjson",
      "scopepkg",
    ]);
    expect(identifierTerms("plain words only")).toEqual([]);
  });

  it("splits camelCase and PascalCase names into their words, acronyms and digits kept together", () => {
    expect(
      identifierWords("assertNoLevelCollisions(HTTPServer, utf8Encode, levelVal) pino DEFAULT_LEVEL x.y"),
    ).toEqual(["assert no level collisions", "http server", "utf8 encode", "level val"]);
    expect(identifierWords("plain words, UPPER and lower only")).toEqual([]);
  });

  it("indexes path, title, heading path, text, the squashed identifiers and the words of camelCase names", () => {
    const s = searchText({
      path: "lib/levels.js",
      title: "levels.js",
      headingPath: ["assertNoLevelCollisions"],
      text: "throws when levelVal is taken",
    });
    expect(s).toBe(
      "lib/levels.js\nlevels.js\nassertNoLevelCollisions\nthrows when levelVal is taken\n" +
        "liblevelsjs levelsjs assert no level collisions level val",
    );
  });

  it("keeps the recipe before issue 11 when both parts are off", () => {
    const s = searchText(
      {
        path: "commands/npm-ci.md",
        title: "npm-ci",
        headingPath: ["Description"],
        text: "needs a package-lock.json",
      },
      OLD,
    );
    expect(s).toBe("npm-ci\nDescription\nneeds a package-lock.json\nnpmci packagelockjson");
  });

  it("shapes the query the same way, and empties a query without words", () => {
    expect(lexicalQuery(" what does --ignore-scripts do ")).toBe(
      "what does --ignore-scripts do ignorescripts",
    );
    expect(lexicalQuery("where is assertNoLevelCollisions called?")).toBe(
      "where is assertNoLevelCollisions called? assert no level collisions",
    );
    expect(lexicalQuery("where is assertNoLevelCollisions called?", OLD)).toBe(
      "where is assertNoLevelCollisions called?",
    );
    expect(lexicalQuery("?!  --")).toBe("");
  });
});
