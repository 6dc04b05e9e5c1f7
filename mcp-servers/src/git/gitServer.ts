// The git MCP server: read-only git_log / git_show / git_blame / git_diff over configured repositories. Every
// revision is resolved to a sha first, every path passes repoPath and follows `--`, so no client value can become
// a git option; output is capped and each call has a timeout (gitRunner).
import type { Principal } from "@isa/core";
import { AppError, PUBLIC_GROUP } from "@isa/core";
import { aclFor, loadAcl } from "@isa/ingest/acl";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { PrincipalOf } from "../shared/principal.js";
import { guarded, ok, READ_ONLY } from "../shared/toolResult.js";
import { SERVER_VERSION } from "../version.js";
import type { GitLimits, Repo } from "./gitRunner.js";
import { repoPath, resolveCommit, runGit } from "./gitRunner.js";
import { parseBlame, parseLog } from "./parse.js";

/** ingest's acl.yaml policy (not exported by name from @isa/ingest). */
type AclPolicy = Awaited<ReturnType<typeof loadAcl>>;

export interface GitContext {
  readonly repos: readonly Repo[];
  readonly limits: GitLimits;
  /**
   * Each repository's acl.yaml (its working tree's, as ingest reads it), applied to the caller's groups: paths they
   * may not read are refused, and a commit or diff shows only its readable files. Unset: no filtering (a local
   * user's own stdio process); the CLI sets it for HTTP, where callers are other people.
   */
  readonly policies?: ReadonlyMap<string, AclPolicy>;
}

/** Resolve each repository's acl.yaml once (files without a matching rule get `defaultGroups`). */
export async function prepareGitPolicies(
  repos: readonly Repo[],
  defaultGroups: readonly string[] = [PUBLIC_GROUP],
): Promise<Map<string, AclPolicy>> {
  const policies = new Map<string, AclPolicy>();
  for (const r of repos) policies.set(r.name, await loadAcl(r.dir, defaultGroups));
  return policies;
}

type CanRead = (rel: string) => boolean;

function readCheck(ctx: GitContext, repo: Repo, principal: Principal): CanRead {
  const { policies } = ctx;
  if (!policies) return () => true;
  const policy = policies.get(repo.name);
  const mine = new Set(principal.groups);
  return (rel) => policy !== undefined && aclFor(policy, rel).some((g) => mine.has(g));
}

/** The same refusal as for a file that does not exist, so a restricted path's existence does not leak. */
const noFile = (rel: string, sha: string) =>
  new AppError("NOT_FOUND", `No file "${rel}" at ${sha.slice(0, 12)}.`);

/** NUL-separated path list (`-z`), as git prints it without quoting. */
const zPaths = (out: string) => out.split("\0").filter((p) => p !== "");

/**
 * The files a `-z --name-only` listing names, and those the caller may read. Passing the readable ones back after
 * `--` limits a patch to them; the runner sets GIT_LITERAL_PATHSPECS, so a `*` in a file name is not a glob.
 */
async function namesFrom(repo: Repo, argv: readonly string[], canRead: CanRead, limits: GitLimits) {
  const all = zPaths((await runGit(repo.dir, argv, limits)).stdout);
  return { all, readable: all.filter((f) => canRead(f)) };
}

const repoArg = z.string().max(256).optional().describe("Repository name; default the first configured.");
const revArg = z.string().min(1).max(256);
const pathArg = z.string().max(4096).describe("Path relative to the repository's top level.");
const DIFF_FLAGS = ["--no-color", "--no-ext-diff", "--no-textconv"];

function pickRepo(ctx: GitContext, name: string | undefined): Repo {
  const repo = name === undefined ? ctx.repos[0] : ctx.repos.find((r) => r.name === name);
  if (!repo) throw new AppError("NOT_FOUND", `No repository is named "${String(name).slice(0, 100)}".`);
  return repo;
}

function parseLines(lines: string | undefined): [number, number] | undefined {
  if (lines === undefined) return undefined;
  const m = /^(\d{1,9})(?:-(\d{1,9}))?$/.exec(lines);
  const a = Number(m?.[1]);
  const b = Number(m?.[2] ?? m?.[1]);
  if (!m || a < 1 || b < a) throw new AppError("INPUT_INVALID", 'lines must look like "12" or "12-40".');
  return [a, b];
}

const truncNote = (t: boolean) => (t ? "\n[output truncated]" : "");

export function createGitServer(ctx: GitContext, principalOf: PrincipalOf, onError?: (e: unknown) => void) {
  const server = new McpServer(
    { name: "isa-git", version: SERVER_VERSION },
    { instructions: `Read-only git history of: ${ctx.repos.map((r) => r.name).join(", ")}.` },
  );
  const { limits } = ctx;

  server.registerTool(
    "git_log",
    {
      title: "Commit history",
      description: "The latest n commits (of a path, if given) reachable from rev (default HEAD).",
      inputSchema: {
        repo: repoArg,
        path: pathArg.optional(),
        n: z.number().int().min(1).max(200).default(20),
        rev: revArg.optional(),
      },
      outputSchema: {
        repo: z.string(),
        commits: z.array(
          z.object({
            sha: z.string(),
            author: z.string(),
            email: z.string(),
            date: z.string(),
            subject: z.string(),
          }),
        ),
        truncated: z.boolean(),
      },
      annotations: READ_ONLY,
    },
    (args, extra) =>
      guarded(async () => {
        const repo = pickRepo(ctx, args.repo);
        const canRead = readCheck(ctx, repo, principalOf(extra));
        const sha = await resolveCommit(repo, args.rev ?? "HEAD", limits);
        const rel = args.path === undefined ? "" : repoPath(repo, args.path);
        if (rel && !canRead(rel))
          return ok({ repo: repo.name, commits: [], truncated: false }, "(no commits)");
        const format = "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1e";
        let commits: ReturnType<typeof parseLog>;
        let truncated: boolean;
        if (ctx.policies && !rel) {
          // Only commits that touch a file the caller may read: list each commit's files (NUL-separated after a
          // \x1d marker) over a wider window, keep the readable ones, then cut to n.
          const argv = [
            "log",
            "--no-color",
            `--max-count=${args.n * 5}`,
            "-z",
            "--name-only",
            // \x1e opens each commit (so its file list, which follows the \x1d, stays in its record).
            "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1d",
            sha,
            "--",
          ];
          const out = await runGit(repo.dir, argv, limits);
          const kept: string[] = [];
          for (const record of out.stdout.split("\x1e")) {
            const [head, files = ""] = record.split("\x1d");
            if (!head?.trim()) continue;
            // The file list starts "\0\n" after the header: drop that, then NUL-separated names.
            if (zPaths(files.replace(/^\0?\n/, "")).some((f) => canRead(f))) kept.push(`${head}\x1e`);
          }
          commits = parseLog(kept.join("")).slice(0, args.n);
          truncated = out.truncated;
        } else {
          const argv = ["log", "--no-color", `--max-count=${args.n}`, format, sha];
          const out = await runGit(repo.dir, rel ? [...argv, "--", rel] : [...argv, "--"], limits);
          commits = parseLog(out.stdout);
          truncated = out.truncated;
        }
        const text = commits.map(
          (c) => `${c.sha.slice(0, 12)} ${c.date.slice(0, 10)} ${c.author}: ${c.subject}`,
        );
        return ok({ repo: repo.name, commits, truncated }, text.join("\n") || "(no commits)");
      }, onError),
  );

  server.registerTool(
    "git_show",
    {
      title: "Show a commit or a file at a commit",
      description: "With a path: the file's content at rev. Without: the commit's message, stat and patch.",
      inputSchema: { repo: repoArg, rev: revArg, path: pathArg.optional() },
      outputSchema: {
        repo: z.string(),
        sha: z.string(),
        path: z.string().optional(),
        text: z.string(),
        truncated: z.boolean(),
      },
      annotations: READ_ONLY,
    },
    (args, extra) =>
      guarded(async () => {
        const repo = pickRepo(ctx, args.repo);
        const canRead = readCheck(ctx, repo, principalOf(extra));
        const sha = await resolveCommit(repo, args.rev, limits);
        let out: { stdout: string; truncated: boolean };
        let rel: string | undefined;
        if (args.path !== undefined) {
          rel = repoPath(repo, args.path);
          if (rel === "")
            throw new AppError("INPUT_INVALID", "Give a file path, or omit path to show the commit.");
          if (!canRead(rel)) throw noFile(rel, sha);
          // `<sha>:<path>` starts with a hex sha, so it cannot be read as an option.
          const type = await runGit(repo.dir, ["cat-file", "-t", `${sha}:${rel}`], limits).catch(() => {
            throw new AppError("NOT_FOUND", `No file "${rel}" at ${sha.slice(0, 12)}.`);
          });
          if (type.stdout.trim() !== "blob")
            throw new AppError("INPUT_INVALID", `"${rel}" is not a file at that commit.`);
          out = await runGit(repo.dir, ["cat-file", "blob", `${sha}:${rel}`], limits);
        } else if (ctx.policies) {
          // The commit as far as the caller may see it: its patch limited to readable files; a commit that touches
          // none of them is refused like an unknown one.
          const files = await namesFrom(
            repo,
            ["show", "--no-color", "-z", "--name-only", "--format=", sha],
            canRead,
            limits,
          );
          if (files.all.length > 0 && files.readable.length === 0)
            throw new AppError("NOT_FOUND", `No commit ${sha.slice(0, 12)} is visible to the caller.`);
          const argv = [
            "show",
            ...DIFF_FLAGS,
            "--format=fuller",
            "--stat",
            "--patch",
            sha,
            "--",
            ...files.readable,
          ];
          out = await runGit(repo.dir, argv, limits);
        } else {
          out = await runGit(
            repo.dir,
            ["show", ...DIFF_FLAGS, "--format=fuller", "--stat", "--patch", sha],
            limits,
          );
        }
        return ok(
          {
            repo: repo.name,
            sha,
            ...(rel !== undefined ? { path: rel } : {}),
            text: out.stdout,
            truncated: out.truncated,
          },
          out.stdout + truncNote(out.truncated),
        );
      }, onError),
  );

  server.registerTool(
    "git_blame",
    {
      title: "Blame lines of a file",
      description: 'Who last changed each line of a file at rev (default HEAD); lines like "12-40".',
      inputSchema: {
        repo: repoArg,
        path: pathArg,
        lines: z.string().max(32).optional(),
        rev: revArg.optional(),
      },
      outputSchema: {
        repo: z.string(),
        path: z.string(),
        lines: z.array(
          z.object({
            line: z.number(),
            sha: z.string(),
            author: z.string(),
            date: z.string(),
            summary: z.string(),
            text: z.string(),
          }),
        ),
        truncated: z.boolean(),
      },
      annotations: READ_ONLY,
    },
    (args, extra) =>
      guarded(async () => {
        const repo = pickRepo(ctx, args.repo);
        const sha = await resolveCommit(repo, args.rev ?? "HEAD", limits);
        const rel = repoPath(repo, args.path);
        if (rel === "") throw new AppError("INPUT_INVALID", "Give a file path.");
        if (!readCheck(ctx, repo, principalOf(extra))(rel)) throw noFile(rel, sha);
        const range = parseLines(args.lines);
        // A commit is always named, so blame reads history only, never the working tree.
        const argv = [
          "blame",
          "--line-porcelain",
          ...(range ? [`-L${range[0]},${range[1]}`] : []),
          sha,
          "--",
          rel,
        ];
        const out = await runGit(repo.dir, argv, limits);
        const lines = parseBlame(out.stdout);
        const text = lines.map((l) => `${l.sha.slice(0, 8)} ${l.author} ${l.line}: ${l.text}`).join("\n");
        return ok(
          { repo: repo.name, path: rel, lines, truncated: out.truncated },
          text + truncNote(out.truncated),
        );
      }, onError),
  );

  server.registerTool(
    "git_diff",
    {
      title: "Diff two commits",
      description: "The patch between rev_a and rev_b (of a path, if given).",
      inputSchema: { repo: repoArg, rev_a: revArg, rev_b: revArg, path: pathArg.optional() },
      outputSchema: {
        repo: z.string(),
        from: z.string(),
        to: z.string(),
        text: z.string(),
        truncated: z.boolean(),
      },
      annotations: READ_ONLY,
    },
    (args, extra) =>
      guarded(async () => {
        const repo = pickRepo(ctx, args.repo);
        const canRead = readCheck(ctx, repo, principalOf(extra));
        const a = await resolveCommit(repo, args.rev_a, limits);
        const b = await resolveCommit(repo, args.rev_b, limits);
        const rel = args.path === undefined ? "" : repoPath(repo, args.path);
        const argv = ["diff", ...DIFF_FLAGS, a, b, "--"];
        let out: { stdout: string; truncated: boolean };
        if (ctx.policies) {
          // Only the readable files' changes; with none, "no differences" (which says nothing about the others).
          const { readable } = await namesFrom(
            repo,
            ["diff", "--no-color", "-z", "--name-only", a, b, "--", ...(rel ? [rel] : [])],
            canRead,
            limits,
          );
          out =
            readable.length > 0
              ? await runGit(repo.dir, [...argv, ...readable], limits)
              : { stdout: "", truncated: false };
        } else {
          out = await runGit(repo.dir, rel ? [...argv, rel] : argv, limits);
        }
        return ok(
          { repo: repo.name, from: a, to: b, text: out.stdout, truncated: out.truncated },
          (out.stdout || "(no differences)") + truncNote(out.truncated),
        );
      }, onError),
  );

  return server;
}
