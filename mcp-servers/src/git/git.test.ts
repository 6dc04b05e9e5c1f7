// The git server through a real MCP client: each tool on a temp repository, then a table of hostile revisions,
// paths and line specs (option injection, traversal, pathspec magic, shell metacharacters): every one refused with
// isError, no file written, nothing outside leaked, and the server still answering.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { principalFromAuth } from "../shared/principal.js";
import type { FilesTree, HttpFixture } from "../testkit/fixtures.js";
import {
  connectStdio,
  makeGitRepo,
  SECRET,
  startHttp,
  stdioReady,
  stdioSkipReason,
  textOf,
} from "../testkit/fixtures.js";
import { DEFAULT_GIT_LIMITS, makeRepos } from "./gitRunner.js";
import { createGitServer } from "./gitServer.js";

let repo: FilesTree;
let http: HttpFixture;
const pwned = path.join(tmpdir(), `isa-mcp-pwned-${process.pid}`);

beforeAll(async () => {
  repo = makeGitRepo();
  const repos = await makeRepos([repo.root]);
  http = await startHttp(() => createGitServer({ repos, limits: DEFAULT_GIT_LIMITS }, principalFromAuth));
});
afterAll(async () => {
  await http?.close();
  repo?.cleanup();
});

const HOSTILE_REVS = [
  "--output=PWNED",
  "-p",
  "--exec=touch PWNED",
  "--all",
  "-n1",
  " --help",
  "HEAD --",
  "HEAD;touch PWNED",
  "$(touch PWNED)",
  "`touch PWNED`",
  "HEAD|cat",
  "HEAD && id",
  "../../etc/passwd",
  "HEAD:../outside/secret.txt",
  "HEAD..main",
  "HEAD...main",
  "@{-1}",
  "HEAD\u0000",
  "HEAD\n--output=PWNED",
  "%2d%2dhelp",
  "no-such-branch",
  "a".repeat(300),
  ":/first",
  "HEAD^{tree}",
  "refs/heads/main.lock",
  "~",
  "HEAD@{upstream}",
  "FETCH_HEAD",
  "",
];

const HOSTILE_PATHS = [
  "--output=PWNED",
  "-L1,2",
  "--",
  "../outside/secret.txt",
  "../../etc/passwd",
  "/etc/passwd",
  ":(top)README.md",
  ":!README.md",
  ":(glob)**",
  "%2e%2e/outside/secret.txt",
  "\uff0e\uff0e/outside/secret.txt",
  "README.md\u0000",
  "..\\outside\\secret.txt",
  "src/../../outside/secret.txt",
  "no/such/file",
];

const HOSTILE_LINES = ["1,2", "-1", "0-5", "5-1", "1-2 --output=PWNED", "abc", "1-2,3", "99999999999"];

interface Case {
  readonly tool: string;
  readonly args: Record<string, unknown>;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const rev of HOSTILE_REVS) {
    out.push({ tool: "git_log", args: { rev } });
    out.push({ tool: "git_show", args: { rev } });
    out.push({ tool: "git_diff", args: { rev_a: rev, rev_b: "HEAD" } });
    out.push({ tool: "git_diff", args: { rev_a: "HEAD", rev_b: rev } });
    out.push({ tool: "git_blame", args: { path: "README.md", rev } });
  }
  for (const p of HOSTILE_PATHS) {
    out.push({ tool: "git_show", args: { rev: "HEAD", path: p } });
    out.push({ tool: "git_blame", args: { path: p } });
    // git_log/git_diff of an unknown-but-contained path is a valid empty answer, so only escapes are listed there.
    if (p !== "no/such/file") {
      out.push({ tool: "git_log", args: { path: p } });
      out.push({ tool: "git_diff", args: { rev_a: "HEAD~1", rev_b: "HEAD", path: p } });
    }
  }
  for (const lines of HOSTILE_LINES) out.push({ tool: "git_blame", args: { path: "README.md", lines } });
  out.push({ tool: "git_log", args: { repo: "../outside" } });
  out.push({ tool: "git_log", args: { n: 0 } });
  out.push({ tool: "git_log", args: { n: 1e9 } });
  return out;
}

async function expectRefusedAll(client: Client): Promise<number> {
  let n = 0;
  for (const c of cases()) {
    let text: string;
    let isError: boolean;
    try {
      const r = await client.callTool({ name: c.tool, arguments: c.args });
      text = textOf(r);
      isError = r.isError === true;
    } catch (err) {
      text = String(err);
      isError = true;
    }
    expect(text).not.toContain(SECRET);
    expect(text).not.toMatch(/root:x:0:0|uid=\d+/);
    expect(isError, `${c.tool} ${JSON.stringify(c.args).slice(0, 100)} → ${text.slice(0, 200)}`).toBe(true);
    n++;
  }
  expect(existsSync(path.join(repo.root, "PWNED"))).toBe(false);
  expect(existsSync(pwned)).toBe(false);
  const log = await client.callTool({ name: "git_log", arguments: {} });
  expect((log.structuredContent as { commits: unknown[] }).commits).toHaveLength(3);
  return n;
}

describe("git server over Streamable HTTP", () => {
  it("lists four read-only tools", async () => {
    const client = await http.connect("bob-token");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["git_blame", "git_diff", "git_log", "git_show"]);
    for (const t of tools) expect(t.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
  });

  it("git_log, git_show, git_blame and git_diff answer", async () => {
    const client = await http.connect("bob-token");
    const log = await client.callTool({ name: "git_log", arguments: { path: "README.md", n: 5 } });
    const commits = (log.structuredContent as { commits: { subject: string; author: string }[] }).commits;
    expect(commits.map((c) => c.subject)).toEqual(["extend readme", "first commit"]);
    expect(commits[0]?.author).toBe("Ada");
    const show = await client.callTool({ name: "git_show", arguments: { rev: "HEAD~1", path: "README.md" } });
    expect(textOf(show)).toBe("# Repo\n\nfirst\n");
    const commit = await client.callTool({ name: "git_show", arguments: { rev: "v1" } });
    expect(textOf(commit)).toContain("extend readme");
    const blame = await client.callTool({
      name: "git_blame",
      arguments: { path: "README.md", lines: "3-4" },
    });
    const lines = (blame.structuredContent as { lines: { line: number; summary: string; text: string }[] })
      .lines;
    expect(lines.map((l) => [l.line, l.text, l.summary])).toEqual([
      [3, "first", "first commit"],
      [4, "second", "extend readme"],
    ]);
    const diff = await client.callTool({
      name: "git_diff",
      arguments: { rev_a: "HEAD~2", rev_b: "HEAD", path: "src" },
    });
    expect(textOf(diff)).toContain("+export const a = 1;");
    expect(textOf(diff)).not.toContain("README");
  });

  it(`refuses ${cases().length} hostile revisions, paths and line specs, and keeps answering`, async () => {
    expect(cases().length).toBeGreaterThanOrEqual(100);
    const client = await http.connect("bob-token");
    expect(await expectRefusedAll(client)).toBe(cases().length);
  });
});

describe.skipIf(!stdioReady)(
  `git server over stdio${stdioReady ? "" : ` — skipped: ${stdioSkipReason}`}`,
  () => {
    it("serves the built bin and refuses the hostile table", async () => {
      const client = await connectStdio(["git", "--repo", repo.root], { TMPDIR: tmpdir() });
      try {
        const show = await client.callTool({
          name: "git_show",
          arguments: { rev: "main", path: "src/app.ts" },
        });
        expect(textOf(show)).toContain("export const b = 2;");
        expect(await expectRefusedAll(client)).toBe(cases().length);
      } finally {
        await client.close();
      }
    });
  },
);
