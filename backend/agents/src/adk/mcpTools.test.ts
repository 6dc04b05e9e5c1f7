// Which MCP tool results become numbered citations, and their structured form: read_file's range, git_show's file
// at a commit, git_blame's blamed lines — each with the repo-relative path and, for git, the revision in the title.
// The results are the shapes the files and git servers return (structuredContent); the e2e test
// (test/dev-agent-mcp.e2e.test.ts) drives the real servers through the agent.
import type { BaseTool } from "@google/adk";
import { describe, expect, it } from "vitest";
import { citeMcpReads, mcpCitation } from "./mcpTools.js";
import { RunBooks } from "./runContext.js";

const SHA = "3f2a1c9b7e4d5a6f8091a2b3c4d5e6f708192a3b";
const OLD = "0123456789abcdef0123456789abcdef01234567";
const ok = (structuredContent: unknown) => ({ content: [], structuredContent });

function run() {
  const books = new RunBooks();
  const book = books.open("s1", {});
  const cite = citeMcpReads(books);
  const call = (name: string, args: Record<string, unknown>, response: Record<string, unknown>) =>
    cite({
      tool: { name } as BaseTool,
      args,
      context: { sessionId: "s1", state: { get: () => undefined } },
      response,
    });
  return { book, call };
}

describe("mcpCitation", () => {
  it("git_show of a file cites lines 1..n at the commit shown", () => {
    const c = mcpCitation(
      "git_show",
      { rev: "HEAD", path: "README.md" },
      ok({ repo: "svc", sha: SHA, path: "README.md", text: "# Svc\n\nfirst\n", truncated: false }),
    );
    expect(c?.citation).toEqual({
      chunkId: `mcp-git:svc/README.md@${SHA}#L1-L3`,
      docId: `mcp-git:svc/README.md@${SHA}`,
      source: "svc",
      path: "README.md",
      title: "README.md @ 3f2a1c9",
      headingPath: [],
      startLine: 1,
      endLine: 3,
      score: 0,
    });
    // A last line without a newline still counts.
    const noEol = mcpCitation("git_show", {}, ok({ repo: "svc", sha: SHA, path: "a/b.ts", text: "x\ny" }));
    expect(noEol?.citation).toMatchObject({ path: "a/b.ts", title: "a/b.ts @ 3f2a1c9", endLine: 2 });
  });

  it("git_show of a commit (no path), an empty file, logs and diffs cite nothing", () => {
    expect(mcpCitation("git_show", {}, ok({ repo: "svc", sha: SHA, text: "commit …" }))).toBeUndefined();
    expect(mcpCitation("git_show", {}, ok({ repo: "svc", sha: SHA, path: "e", text: "" }))).toBeUndefined();
    expect(mcpCitation("git_log", {}, ok({ repo: "svc", commits: [] }))).toBeUndefined();
    expect(mcpCitation("git_diff", {}, ok({ repo: "svc", from: OLD, to: SHA, text: "…" }))).toBeUndefined();
  });

  it("git_blame cites the blamed range at the revision blamed, not the per-line commits", () => {
    const lines = [12, 13, 14].map((line) => ({
      line,
      sha: OLD,
      author: "Ada",
      date: "",
      summary: "s",
      text: "t",
    }));
    const asked = mcpCitation("git_blame", { rev: SHA }, ok({ repo: "svc", path: "src/app.ts", lines }));
    expect(asked?.citation).toMatchObject({
      docId: `mcp-git:svc/src/app.ts@${SHA}`,
      path: "src/app.ts",
      title: "src/app.ts @ 3f2a1c9",
      startLine: 12,
      endLine: 14,
    });
    // No rev: git blames HEAD, and the title says so rather than inventing a sha.
    const head = mcpCitation("git_blame", {}, ok({ repo: "svc", path: "src/app.ts", lines }));
    expect(head?.citation.title).toBe("src/app.ts @ HEAD");
    // A server that reports the resolved sha pins it.
    const pinned = mcpCitation("git_blame", {}, ok({ repo: "svc", sha: SHA, path: "src/app.ts", lines }));
    expect(pinned?.citation.title).toBe("src/app.ts @ 3f2a1c9");
    expect(mcpCitation("git_blame", {}, ok({ repo: "svc", path: "x", lines: [] }))).toBeUndefined();
  });

  it("errors and malformed results cite nothing", () => {
    const shown = { repo: "svc", sha: SHA, path: "README.md", text: "x\n" };
    expect(mcpCitation("git_show", {}, { isError: true, structuredContent: shown })).toBeUndefined();
    expect(mcpCitation("git_show", {}, { content: [] })).toBeUndefined();
    expect(
      mcpCitation("read_file", {}, ok({ root: "r", path: "a.md", startLine: 0, endLine: 2 })),
    ).toBeUndefined();
    expect(
      mcpCitation("git_blame", {}, ok({ repo: "svc", path: "a", lines: [{ line: "1" }] })),
    ).toBeUndefined();
  });
});

describe("citeMcpReads", () => {
  it("numbers read_file, git_show and git_blame results across the run, once per range", () => {
    const { book, call } = run();
    const read = call("read_file", {}, ok({ root: "svc", path: "src/server.ts", startLine: 1, endLine: 4 }));
    const show = call("git_show", {}, ok({ repo: "svc", sha: SHA, path: "src/server.ts", text: "a\nb\n" }));
    const blame = call(
      "git_blame",
      { rev: SHA },
      ok({ repo: "svc", path: "src/server.ts", lines: [{ line: 2, sha: OLD }] }),
    );
    const again = call("git_show", {}, ok({ repo: "svc", sha: SHA, path: "src/server.ts", text: "a\nb\n" }));
    expect([read?.cite_as, show?.cite_as, blame?.cite_as, again?.cite_as]).toEqual([
      "[1]",
      "[2]",
      "[3]",
      "[2]",
    ]);
    expect(show?.structuredContent).toMatchObject({ sha: SHA }); // the result itself passes through
    expect(
      book.sources.map((s) => [s.n, s.citation.title, s.citation.startLine, s.citation.endLine]),
    ).toEqual([
      [1, "server.ts", 1, 4],
      [2, "src/server.ts @ 3f2a1c9", 1, 2],
      [3, "src/server.ts @ 3f2a1c9", 2, 2],
    ]);
    expect(call("git_log", {}, ok({ repo: "svc", commits: [] }))).toBeUndefined();
    expect(book.sources).toHaveLength(3);
  });
});
