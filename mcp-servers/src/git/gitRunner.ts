// Runs git without a shell, read-only and bounded: a fixed argv (client values only where validated), an
// environment that turns off pagers, prompts, optional locks, replace objects and pathspec magic, a timeout, and an
// output cap (the child is killed once the cap is reached, and the result says it was truncated).
import { spawn } from "node:child_process";
import { realpath } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@isa/core";
import { checkLexical, isInside } from "../files/pathGuard.js";

export interface Repo {
  readonly name: string;
  /** Real path of the work tree's top level. */
  readonly dir: string;
}

export interface GitLimits {
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
}

export const DEFAULT_GIT_LIMITS: GitLimits = { timeoutMs: 10_000, maxOutputBytes: 256 * 1024 };

export interface GitOutput {
  readonly stdout: string;
  readonly truncated: boolean;
}

/** Config that neutralises anything in the repository's own config able to run programs on read commands. */
const SAFE_CONFIG = [
  "-c",
  "core.fsmonitor=false",
  "-c",
  "core.pager=cat",
  "-c",
  "diff.external=",
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "protocol.allow=never",
];

function gitEnv(): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "LANG", "TMPDIR", "SYSTEMROOT"];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return {
    ...env,
    LC_ALL: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
    GIT_LITERAL_PATHSPECS: "1",
    GIT_NO_REPLACE_OBJECTS: "1",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_PAGER: "cat",
    PAGER: "cat",
    GIT_ASKPASS: "",
    SSH_ASKPASS: "",
  };
}

/** Run `git <args>` in `cwd`. Non-zero exit → AppError (NOT_FOUND for unknown objects, else INPUT_INVALID). */
export function runGit(cwd: string, args: readonly string[], limits: GitLimits): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["--no-pager", ...SAFE_CONFIG, ...args], {
      cwd,
      env: gitEnv(),
      shell: false,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: limits.timeoutMs,
      killSignal: "SIGKILL",
    });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let truncated = false;
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      if (truncated) return;
      const room = limits.maxOutputBytes - bytes;
      if (b.length >= room) {
        chunks.push(b.subarray(0, room));
        bytes += room;
        truncated = true;
        child.kill("SIGKILL");
      } else {
        chunks.push(b);
        bytes += b.length;
      }
    });
    child.stderr.on("data", (b: Buffer) => {
      if (stderr.length < 4096) stderr += b.toString("utf8");
    });
    child.on("error", (err) => reject(new AppError("INTERNAL", "git could not be started.", { cause: err })));
    child.on("close", (code, signal) => {
      const stdout = Buffer.concat(chunks).toString("utf8");
      if (truncated) return resolve({ stdout, truncated: true });
      if (signal) {
        return reject(
          new AppError("INPUT_INVALID", `git took longer than ${limits.timeoutMs} ms; narrow the request.`),
        );
      }
      if (code !== 0) {
        const first = stderr.split("\n").find((l) => l.trim()) ?? "git failed";
        const missing =
          /unknown revision|bad revision|does not exist|exists on disk, but not in|no such path|Not a valid object|bad object|invalid object name|no such ref/i;
        return reject(
          new AppError(missing.test(stderr) ? "NOT_FOUND" : "INPUT_INVALID", `git: ${first.slice(0, 300)}`),
        );
      }
      resolve({ stdout, truncated: false });
    });
  });
}

/** Revision syntax we accept: refs, shas, `~n`, `^n`, `@{n}`. No leading `-`, no ranges, no `:path`. */
const REV = /^[A-Za-z0-9_@][A-Za-z0-9._/~^@{}+-]{0,255}$/;

/** Validate a revision and resolve it to a full commit sha (`rev-parse --verify --end-of-options <rev>^{commit}`). */
export async function resolveCommit(repo: Repo, rev: unknown, limits: GitLimits): Promise<string> {
  if (typeof rev !== "string" || rev === "") throw new AppError("INPUT_INVALID", "A revision is required.");
  if (rev.startsWith("-")) throw new AppError("INPUT_INVALID", "A revision must not start with `-`.");
  if (!REV.test(rev) || rev.includes("..") || rev.includes("@{-") || rev.endsWith(".lock")) {
    throw new AppError("INPUT_INVALID", `"${rev.slice(0, 80)}" is not an accepted revision.`);
  }
  const out = await runGit(
    repo.dir,
    ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`],
    limits,
  ).catch(() => {
    throw new AppError("NOT_FOUND", `No commit "${rev}" in ${repo.name}.`);
  });
  const sha = out.stdout.trim();
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw new AppError("NOT_FOUND", `No commit "${rev}".`);
  return sha;
}

/**
 * A repository-relative pathspec. Git here only reads the object database (every command names a commit), so a
 * lexical check suffices: the pathguard's refusals, no leading `-`, and containment in the work tree.
 */
export function repoPath(repo: Repo, input: unknown): string {
  const p = checkLexical(input);
  if (p.startsWith("-")) throw new AppError("PATH_INVALID", "A path must not start with `-`.");
  // Pathspec magic is off (GIT_LITERAL_PATHSPECS), but a `:(…)` path is meant as magic: say no rather than miss.
  if (p.startsWith(":")) throw new AppError("PATH_INVALID", "Pathspec magic (`:…`) is not accepted.");
  const abs = path.resolve(repo.dir, p === "" ? "." : p);
  if (!isInside(repo.dir, abs)) throw new AppError("PATH_INVALID", "The path is outside the repository.");
  return path.relative(repo.dir, abs).split(path.sep).join("/");
}

/** Configure repositories: each must be a git work tree; stored by the real path of its top level. */
export async function makeRepos(
  dirs: readonly string[],
  limits: GitLimits = DEFAULT_GIT_LIMITS,
): Promise<Repo[]> {
  if (dirs.length === 0) throw new AppError("INPUT_INVALID", "At least one repository is required.");
  const repos: Repo[] = [];
  const names = new Set<string>();
  for (const d of dirs) {
    let dir: string;
    try {
      dir = await realpath(path.resolve(d));
      const top = await runGit(dir, ["rev-parse", "--show-toplevel"], limits);
      dir = await realpath(top.stdout.trim());
    } catch (cause) {
      throw new AppError("PATH_INVALID", `${d} is not a readable git work tree.`, { cause });
    }
    const base = path.basename(dir) || "repo";
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}-${i}`;
    names.add(name);
    repos.push({ name, dir });
  }
  return repos;
}
