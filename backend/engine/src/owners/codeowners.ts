// CODEOWNERS with GitHub's semantics: one rule per line (`pattern owner…`), `#` comments, gitignore-style patterns
// with GitHub's differences (no `!` negation, no `[…]` ranges, `dir/*` matches direct children only), and the LAST
// matching rule wins — including a rule with no owners, which makes its paths unowned. Owners are `@user`,
// `@org/team` or an email address. GitLab's `[Section]` headers are skipped (their rules still count).

/** GitHub reads the first of these that exists (GitLab adds `.gitlab/CODEOWNERS`, checked last). */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"];

export interface CodeownersRule {
  /** The pattern as written (escapes kept), for showing which rule matched. */
  readonly pattern: string;
  readonly owners: readonly string[];
  /** 1-based line in the file. */
  readonly line: number;
  readonly regex: RegExp;
}

const OWNER = /^(@[A-Za-z0-9][A-Za-z0-9-]*(\/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;

/** Splits a line on unescaped whitespace, dropping an unescaped `#` comment; escapes stay in the tokens. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "\\" && i + 1 < line.length) {
      cur += ch + line[i + 1];
      i++;
    } else if (ch === "#") {
      break;
    } else if (ch === " " || ch === "\t") {
      if (cur) out.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  if (cur) out.push(cur);
  return out;
}

const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** One glob segment (no `/`) as a regex fragment: `*` and `?` stay within a segment, `\x` is a literal x. */
function segmentRegex(seg: string): string {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i]!;
    if (ch === "\\" && i + 1 < seg.length) re += escapeRe(seg[++i]!);
    else if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else re += escapeRe(ch);
  }
  return re;
}

/**
 * A pattern as an anchored regex over repository-relative paths (no leading slash). A pattern with a slash at its
 * start or middle is relative to the root; one without matches at any depth. A match on a directory covers
 * everything beneath it, except that a trailing `/*` means direct children only (GitHub's documented behaviour).
 */
export function patternRegex(pattern: string): RegExp {
  let p = pattern;
  const dirOnly = p.endsWith("/") && !p.endsWith("\\/");
  if (dirOnly) p = p.replace(/\/+$/, "");
  const anchored = p.startsWith("/") || p.includes("/");
  p = p.replace(/^\/+/, "");
  const segs = p.split("/");
  const childrenOnly = segs.length > 1 && segs[segs.length - 1] === "*";
  let body = "";
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (seg === "**") {
      // `a/**` = everything under a; `**/b` = b at any depth; `a/**/b` = zero or more folders between.
      body += last ? ".*" : "(?:[^/]+/)*";
    } else {
      body += segmentRegex(seg) + (last ? "" : "/");
    }
  });
  if (p === "*" || p === "**" || p === "") return /^.+$/;
  const head = anchored ? "^" : "^(?:.*/)?";
  const tail = childrenOnly ? "$" : dirOnly ? "/.+$" : "(?:/.*)?$";
  return new RegExp(`${head}${body}${tail}`);
}

/** The rules of a CODEOWNERS file, in file order. Lines that are not rules (bad owners, `!`, `[…]`) are skipped. */
export function parseCodeownersRules(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    // GitLab sections (`[Docs]`, `^[Optional][2] @owner`): the header names no path.
    if (/^\^?\[/.test(line)) return;
    const [pattern, ...rest] = tokens(line);
    if (!pattern || pattern.startsWith("!")) return;
    // Character ranges are not supported by GitHub; such a line is an error there, so it matches nothing here.
    if (/(^|[^\\])\[/.test(pattern)) return;
    const owners = rest.filter((o) => OWNER.test(o));
    if (owners.length !== rest.length) return; // GitHub skips a line with an invalid owner
    rules.push({ pattern, owners, line: i + 1, regex: patternRegex(pattern) });
  });
  return rules;
}

/** The rule deciding a path's owners: the last one matching (its owners may be empty: explicitly unowned). */
export function matchRule(rules: readonly CodeownersRule[], filePath: string): CodeownersRule | undefined {
  const p = filePath.replace(/^\.?\/+/, "");
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i]!;
    if (r.regex.test(p)) return r;
  }
  return undefined;
}

/** Owners of a whole repository: those of its catch-all rule when present, else every owner named. */
export function repositoryOwners(text: string): string[] {
  const rules = parseCodeownersRules(text);
  const catchAll = rules.filter((r) => ["*", "/*", "**", "/**"].includes(r.pattern));
  const owners = (catchAll.length > 0 ? catchAll.slice(-1) : rules).flatMap((r) => r.owners);
  return [...new Set(owners)];
}
