// CODEOWNERS semantics, table-driven from GitHub's documented examples: pattern forms, last match wins, rules
// without owners, comments and escapes, invalid lines skipped.
import { describe, expect, it } from "vitest";
import { matchRule, parseCodeownersRules, patternRegex, repositoryOwners } from "./codeowners.js";

// [pattern, path, matches?]
const CASES: [string, string, boolean][] = [
  ["*", "README.md", true],
  ["*", "a/b/c.go", true],
  ["*.js", "app.js", true],
  ["*.js", "src/deep/app.js", true],
  ["*.js", "app.jsx", false],
  ["*.go", "go/main.rs", false],
  ["/build/logs/", "build/logs/x.log", true],
  ["/build/logs/", "build/logs/deep/x.log", true],
  ["/build/logs/", "src/build/logs/x.log", false],
  ["/build/logs/", "build/logs", false],
  ["docs/*", "docs/getting-started.md", true],
  ["docs/*", "docs/build-app/troubleshooting.md", false],
  ["docs/*", "src/docs/a.md", false],
  ["apps/", "apps/x.ts", true],
  ["apps/", "src/apps/y/z.ts", true],
  ["apps/", "apps", false],
  ["apps/", "myapps/x.ts", false],
  ["/docs/", "docs/a/b/c.md", true],
  ["/docs/", "src/docs/a.md", false],
  ["**/logs", "logs/a", true],
  ["**/logs", "build/logs/a", true],
  ["**/logs", "deeply/nested/logs", true],
  ["**/logs", "mylogs/a", false],
  ["/scripts/**", "scripts/a/b.sh", true],
  ["/scripts/**", "other/scripts/b.sh", false],
  ["a/**/b", "a/b", true],
  ["a/**/b", "a/x/y/b", true],
  ["a/**/b", "a/x/yb", false],
  ["/services/billing", "services/billing/api/x.ts", true],
  ["/services/billing", "services/billing-legacy/x.ts", false],
  ["README.md", "README.md", true],
  ["README.md", "docs/README.md", true],
  ["/README.md", "docs/README.md", false],
  ["file?.txt", "file1.txt", true],
  ["file?.txt", "file10.txt", false],
  ["file?.txt", "file/.txt", false],
  ["a.b", "axb", false],
  ["my\\ file.md", "my file.md", true],
  ["\\#notes.md", "#notes.md", true],
  ["(x)+.md", "(x)+.md", true],
];

describe("CODEOWNERS patterns", () => {
  it.each(CASES)("%s vs %s → %s", (pattern, p, want) => {
    expect(patternRegex(pattern).test(p)).toBe(want);
  });
});

const FILE = `# This is a comment.
*       @global-owner1 @global-owner2
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/apps/ @octocat
/apps/github
\\#notes.md @acme/scribes
[Section]
!negated.md @nobody
/src/[abc].ts @nobody
/bad/ not-an-owner
/scripts/ @doctocat @octocat
`;

describe("CODEOWNERS rules", () => {
  const rules = parseCodeownersRules(FILE);

  it("parses rules with their lines, skipping comments, sections, negations, ranges and invalid owners", () => {
    expect(rules.map((r) => [r.pattern, r.owners, r.line])).toEqual([
      ["*", ["@global-owner1", "@global-owner2"], 2],
      ["*.js", ["@js-owner"], 3],
      ["*.go", ["docs@example.com"], 4],
      ["/build/logs/", ["@doctocat"], 5],
      ["docs/*", ["docs@example.com"], 6],
      ["apps/", ["@octocat"], 7],
      ["/docs/", ["@doctocat"], 8],
      ["/apps/", ["@octocat"], 9],
      ["/apps/github", [], 10],
      ["\\#notes.md", ["@acme/scribes"], 11],
      ["/scripts/", ["@doctocat", "@octocat"], 16],
    ]);
  });

  it("the last matching rule wins, and a rule without owners makes its paths unowned", () => {
    const owners = (p: string) => matchRule(rules, p)?.owners;
    expect(owners("README.md")).toEqual(["@global-owner1", "@global-owner2"]);
    expect(owners("web/app.js")).toEqual(["@js-owner"]);
    expect(owners("docs/app.js")).toEqual(["@doctocat"]); // /docs/ comes after *.js
    expect(owners("apps/github/x.ts")).toEqual([]);
    expect(matchRule(rules, "apps/github/x.ts")?.pattern).toBe("/apps/github");
    expect(owners("apps/web/x.ts")).toEqual(["@octocat"]);
    expect(owners("./scripts/run.sh")).toEqual(["@doctocat", "@octocat"]);
    expect(owners("#notes.md")).toEqual(["@acme/scribes"]);
    expect(matchRule(parseCodeownersRules("/only/ @a\n"), "elsewhere.md")).toBeUndefined();
  });

  it("names a repository's owners from its catch-all rule, else every owner", () => {
    expect(repositoryOwners(FILE)).toEqual(["@global-owner1", "@global-owner2"]);
    expect(repositoryOwners("/src/ @a\n/docs/ @b @a\n")).toEqual(["@a", "@b"]);
    expect(repositoryOwners("")).toEqual([]);
  });
});
