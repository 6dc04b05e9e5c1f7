// The indexed-text recipe and query shaping that make exact identifiers count in BM25.
import { describe, expect, it } from "vitest";
import { identifierTerms, lexicalQuery, searchText } from "./searchText.js";

describe("searchText", () => {
  it("squashes punctuated identifiers into one extra term each", () => {
    expect(identifierTerms("Use --ignore-scripts with package-lock.json and @scope/pkg")).toEqual([
      "ignorescripts",
      "packagelockjson",
      "scopepkg",
    ]);
    expect(identifierTerms("plain words only")).toEqual([]);
  });

  it("indexes title, heading path, text and the squashed identifiers", () => {
    const s = searchText({
      title: "npm-ci",
      headingPath: ["Description"],
      text: "needs a package-lock.json",
    });
    expect(s).toBe("npm-ci\nDescription\nneeds a package-lock.json\nnpmci packagelockjson");
  });

  it("shapes the query the same way, and empties a query without words", () => {
    expect(lexicalQuery(" what does --ignore-scripts do ")).toBe(
      "what does --ignore-scripts do ignorescripts",
    );
    expect(lexicalQuery("?!  --")).toBe("");
  });
});
