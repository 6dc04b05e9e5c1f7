// Nested .gitignore semantics: every directory may add rules relative to itself; the deepest file with an
// opinion on a path (ignore or `!` re-include) decides, as in git.
import { readFile } from "node:fs/promises";
import path from "node:path";
import ignore, { type Ignore } from "ignore";

interface IgnoreFrame {
  /** Directory of the .gitignore, relative to the source root, `/`-separated ("" for the root). */
  readonly base: string;
  readonly rules: Ignore;
}

/** Rules in force in one directory: its own and its ancestors'. Immutable, so it can be captured cheaply. */
export type IgnoreStack = readonly IgnoreFrame[];

export function compileIgnore(base: string, content: string): IgnoreFrame {
  // Git is case-sensitive on Linux; the `ignore` package defaults to case-insensitive.
  return { base, rules: ignore({ ignorecase: false }).add(content) };
}

/** The stack for `dirRel`, extended with the rules of `dirAbs/.gitignore` if there is one. */
export async function withGitignore(
  stack: IgnoreStack,
  dirAbs: string,
  dirRel: string,
): Promise<IgnoreStack> {
  const extra: IgnoreFrame[] = [];
  if (dirRel === "") {
    // Per-clone excludes live outside the tree but are as binding as the root .gitignore.
    const exclude = await readText(path.join(dirAbs, ".git", "info", "exclude"));
    if (exclude) extra.push(compileIgnore("", exclude));
  }
  const own = await readText(path.join(dirAbs, ".gitignore"));
  if (own) extra.push(compileIgnore(dirRel, own));
  return extra.length === 0 ? stack : [...stack, ...extra];
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch {
    // Missing or unreadable ignore files mean "no rules"; the walk reports unreadable content itself.
    return undefined;
  }
}

/** Whether `rel` (a path relative to the source root) is ignored. */
export function isIgnored(stack: IgnoreStack, rel: string, isDir: boolean): boolean {
  for (let i = stack.length - 1; i >= 0; i--) {
    const frame = stack[i];
    if (!frame) continue;
    const local = frame.base === "" ? rel : rel.slice(frame.base.length + 1);
    if (local === "") continue;
    try {
      const r = frame.rules.test(isDir ? `${local}/` : local);
      if (r.ignored) return true;
      if (r.unignored) return false;
    } catch {
      // `ignore` rejects odd path names (e.g. with backslashes on some platforms); treat them as not ignored.
    }
  }
  return false;
}
