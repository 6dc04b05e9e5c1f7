// The git server applies the repository's acl.yaml to the caller over HTTP, like the files server: bob (public only)
// never reads a restricted file through any git tool — not by path, not inside a commit's patch, a diff or the log —
// and a refusal reads exactly like a path that does not exist; alice (security) sees everything.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { principalFromAuth } from "../shared/principal.js";
import type { HttpFixture } from "../testkit/fixtures.js";
import { startHttp, textOf } from "../testkit/fixtures.js";
import { DEFAULT_GIT_LIMITS, makeRepos } from "./gitRunner.js";
import { createGitServer, prepareGitPolicies } from "./gitServer.js";

const CANARY = "CANARY-GIT-ACL-7f3e";
let work: string;
let http: HttpFixture;
let bob: Client;
let alice: Client;
const sha: Record<string, string> = {};

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "T",
      GIT_AUTHOR_EMAIL: "t@x",
      GIT_COMMITTER_NAME: "T",
      GIT_COMMITTER_EMAIL: "t@x",
    },
  }).trim();
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "isa-mcp-git-acl-"));
  const root = path.join(work, "repo");
  mkdirSync(path.join(root, "security"), { recursive: true });
  git(root, "init", "-q", "-b", "main");
  writeFileSync(
    path.join(root, "acl.yaml"),
    'default: [public]\nrules:\n  - glob: "security/**"\n    groups: [security]\n',
  );
  writeFileSync(path.join(root, "README.md"), "# Repo\n");
  git(root, "add", ".");
  git(root, "commit", "-q", "-m", "public start");
  sha.start = git(root, "rev-parse", "HEAD");
  writeFileSync(path.join(root, "security", "keys.md"), `break-glass ${CANARY}\n`);
  git(root, "add", ".");
  git(root, "commit", "-q", "-m", `secret only ${CANARY}`);
  sha.secretOnly = git(root, "rev-parse", "HEAD");
  writeFileSync(path.join(root, "README.md"), "# Repo\n\nmore\n");
  writeFileSync(path.join(root, "security", "keys.md"), `break-glass ${CANARY}\nrotated ${CANARY}\n`);
  git(root, "commit", "-q", "-am", "both");
  sha.both = git(root, "rev-parse", "HEAD");
  const repos = await makeRepos([root]);
  const ctx = { repos, limits: DEFAULT_GIT_LIMITS, policies: await prepareGitPolicies(repos) };
  http = await startHttp(() => createGitServer(ctx, principalFromAuth));
  bob = await http.connect("bob-token");
  alice = await http.connect("alice-token");
});
afterAll(async () => {
  await http?.close();
  rmSync(work, { recursive: true, force: true });
});

const call = (c: Client, name: string, args: Record<string, unknown>) =>
  c.callTool({ name, arguments: args });

describe("git over HTTP with the repository's acl.yaml", () => {
  it("refuses a restricted path exactly like a missing one (git_show, git_blame), and git_log of it is empty", async () => {
    const restricted = await call(bob, "git_show", { rev: sha.both, path: "security/keys.md" });
    const missing = await call(bob, "git_show", { rev: sha.both, path: "security/nope.md" });
    expect(restricted.isError).toBe(true);
    expect(textOf(restricted)).toBe(textOf(missing).replace("security/nope.md", "security/keys.md"));
    expect(JSON.stringify(restricted)).not.toContain(CANARY);
    const blame = await call(bob, "git_blame", { path: "security/keys.md" });
    expect(blame.isError).toBe(true);
    expect(textOf(blame)).toMatch(/^NOT_FOUND/);
    const log = await call(bob, "git_log", { path: "security/keys.md" });
    expect(log.structuredContent).toMatchObject({ commits: [] });
  });

  it("shows a commit's patch and a diff only for readable files, and hides a commit that touches none", async () => {
    const both = await call(bob, "git_show", { rev: sha.both });
    expect(both.isError).toBeFalsy();
    expect(textOf(both)).toContain("README.md");
    expect(textOf(both)).not.toContain("security/keys.md");
    expect(JSON.stringify(both)).not.toContain("rotated");
    const only = await call(bob, "git_show", { rev: sha.secretOnly });
    expect(only.isError).toBe(true);
    expect(JSON.stringify(only)).not.toContain(CANARY);
    const diff = await call(bob, "git_diff", { rev_a: sha.start, rev_b: sha.both });
    expect(textOf(diff)).toContain("+more");
    expect(JSON.stringify(diff)).not.toContain(CANARY);
    const diffOfSecret = await call(bob, "git_diff", { rev_a: sha.start, rev_b: sha.both, path: "security" });
    expect(textOf(diffOfSecret)).toBe("(no differences)");
  });

  it("lists only commits that touch a readable file (the secret-only commit's subject never shows)", async () => {
    const log = (await call(bob, "git_log", { n: 10 })).structuredContent as { commits: { sha: string }[] };
    expect(log.commits.map((c) => c.sha)).toEqual([sha.both, sha.start]);
    expect(JSON.stringify(log)).not.toContain(CANARY);
  });

  it("gives a reader of the group everything", async () => {
    expect(textOf(await call(alice, "git_show", { rev: sha.both, path: "security/keys.md" }))).toContain(
      CANARY,
    );
    expect(textOf(await call(alice, "git_show", { rev: sha.secretOnly }))).toContain(CANARY);
    expect(textOf(await call(alice, "git_diff", { rev_a: sha.start, rev_b: sha.both }))).toContain("rotated");
    const log = (await call(alice, "git_log", { n: 10 })).structuredContent as { commits: unknown[] };
    expect(log.commits).toHaveLength(3);
  });
});
