// Per-source access control: an optional `acl.yaml` at the root maps globs to reader groups. A broken file
// fails the whole source (fail closed): a typo must never publish a private tree as public.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { AppError, PUBLIC_GROUP } from "@isa/core";
import picomatch from "picomatch";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

export interface AclRule {
  /** Glob relative to the source root (picomatch, dotfiles match). A trailing `/` means "everything under". */
  readonly glob: string;
  readonly groups: readonly string[];
}

export interface AclPolicy {
  /** Groups of files no rule matches. */
  readonly default: readonly string[];
  /** First matching rule wins. */
  readonly rules: readonly AclRule[];
}

/** File names read at a source root; discovery skips them silently (they are settings, not content). */
export const ACL_FILE_NAMES = ["acl.yaml", "acl.yml"] as const;

const groups = z.array(z.string().trim().min(1, "group names must not be empty"));
// Strict: an unknown key is most likely a typo (`rule:`), and ignoring it could expose files.
const aclFileSchema = z.strictObject({
  default: groups.optional(),
  rules: z.array(z.strictObject({ glob: z.string().trim().min(1), groups })).default([]),
});

/** The policy of the source at `root`; `defaultGroups` apply when there is no ACL file or it sets no default. */
export async function loadAcl(
  root: string,
  defaultGroups: readonly string[] = [PUBLIC_GROUP],
): Promise<AclPolicy> {
  const found: Array<{ file: string; text: string }> = [];
  for (const name of ACL_FILE_NAMES) {
    const file = path.join(root, name);
    try {
      found.push({ file, text: await readFile(file, "utf8") });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new AppError("INPUT_INVALID", `Cannot read ACL file ${file}`, { cause: err });
    }
  }
  const only = found[0];
  if (!only) return { default: [...defaultGroups], rules: [] };
  if (found.length > 1) {
    throw new AppError("INPUT_INVALID", `Both acl.yaml and acl.yml exist in ${root}; keep one`);
  }
  return parseAcl(only.text, only.file, defaultGroups);
}

/** Parse and validate ACL YAML; `file` is only used in error messages. */
export function parseAcl(text: string, file: string, defaultGroups: readonly string[]): AclPolicy {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new AppError("INPUT_INVALID", `Malformed ACL file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const parsed = aclFileSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new AppError("INPUT_INVALID", `Invalid ACL file ${file}: ${problems.join("; ")}`);
  }
  const rules = parsed.data.rules.map((r) => ({ glob: r.glob, groups: r.groups }));
  for (const r of rules) {
    try {
      picomatch(expandGlob(r.glob), { dot: true });
    } catch (err) {
      throw new AppError("INPUT_INVALID", `Invalid glob "${r.glob}" in ACL file ${file}`, { cause: err });
    }
  }
  return { default: parsed.data.default ?? [...defaultGroups], rules };
}

function expandGlob(glob: string): string {
  const g = glob.startsWith("./") ? glob.slice(2) : glob;
  return g.endsWith("/") ? `${g}**` : g;
}

type Matcher = (p: string) => boolean;
const compiled = new WeakMap<AclPolicy, readonly Matcher[]>();

function matchersOf(policy: AclPolicy): readonly Matcher[] {
  let m = compiled.get(policy);
  if (!m) {
    m = policy.rules.map((r) => picomatch(expandGlob(r.glob), { dot: true }));
    compiled.set(policy, m);
  }
  return m;
}

/** Groups allowed to read `relPath` (relative to the source root, `/`-separated). */
export function aclFor(policy: AclPolicy, relPath: string): readonly string[] {
  const matchers = matchersOf(policy);
  for (let i = 0; i < matchers.length; i++) {
    if (matchers[i]?.(relPath)) return policy.rules[i]?.groups ?? policy.default;
  }
  return policy.default;
}
