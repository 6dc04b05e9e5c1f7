// SQL predicate building for LanceDB (DataFusion) filters. Every value that reaches a predicate passes through
// `sqlString`: group names come from tokens and are treated as hostile.
import type { DocumentQuery, Principal, SearchOptions } from "@isa/core";

/** Longest group, id or name we put in a predicate; longer values cannot match anything we store. */
const MAX_VALUE_LENGTH = 512;
/** Most groups one principal may carry into a query (bounds the predicate's size). */
const MAX_GROUPS = 1024;

/**
 * A value is usable in a predicate unless it carries control characters (NUL and friends have no business in a
 * group name and are the classic way to confuse a parser) or is absurdly long. Unusable values are dropped, which
 * only ever narrows what a principal can see.
 */
function usable(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  return value.length > 0 && value.length <= MAX_VALUE_LENGTH && !/[\u0000-\u001f\u007f]/.test(value);
}

/**
 * A single-quoted SQL string literal. DataFusion strings have no backslash escapes; the only special character
 * inside '…' is the quote itself, doubled.
 */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `(v1, v2, …)` of quoted literals, or undefined when nothing usable is left. */
export function sqlList(values: readonly string[]): string | undefined {
  const kept = [...new Set(values.filter(usable))];
  return kept.length > 0 ? `(${kept.map(sqlString).join(", ")})` : undefined;
}

/** `column IN (…)`, or undefined when the list is empty (the caller decides what an empty list means). */
export function sqlIn(column: string, values: readonly string[]): string | undefined {
  const list = sqlList(values);
  return list ? `${column} IN ${list}` : undefined;
}

/** The ACL predicate for a principal, or undefined when it can see nothing (no usable groups). */
export function aclPredicate(principal: Principal): string | undefined {
  const groups = [...new Set(principal.groups.filter(usable))].slice(0, MAX_GROUPS);
  if (groups.length === 0) return undefined;
  return `array_has_any(acl, make_array(${groups.map(sqlString).join(", ")}))`;
}

/**
 * The full filter for a search: ACL AND kinds AND sources. Undefined means "no row can match" (no usable group,
 * or an explicitly empty kinds/sources list), so the caller returns [] without querying.
 */
export function searchPredicate(
  opts: Pick<SearchOptions, "principal" | "kinds" | "sources">,
): string | undefined {
  const parts: string[] = [];
  const acl = aclPredicate(opts.principal);
  if (!acl) return undefined;
  parts.push(acl);
  if (opts.kinds) {
    const p = sqlIn("kind", opts.kinds);
    if (!p) return undefined;
    parts.push(p);
  }
  if (opts.sources) {
    const p = sqlIn("source", opts.sources);
    if (!p) return undefined;
    parts.push(p);
  }
  return parts.join(" AND ");
}

/** Path segments of the `path` column: one more than its number of `/`. */
const SQL_DEPTH = "(length(path) - length(replace(path, '/', '')) + 1)";

/** `(a OR b …)` of the parts, or undefined when there are none (nothing can match). */
function anyOfSql(parts: readonly string[]): string | undefined {
  return parts.length > 0 ? `(${parts.join(" OR ")})` : undefined;
}

/** Usable lower-cased values without `/` (a file name or an extension never holds one). */
function nameValues(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => usable(v) && !v.includes("/")).map((v) => v.toLowerCase()))];
}

function depthBound(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) ? Math.floor(n) : undefined;
}

/**
 * The filter for `findDocuments`: ACL AND each path condition given (see DocumentQuery). Undefined means "no row
 * can match" (no usable group, or an explicitly empty list), so the caller returns [] without querying.
 */
export function documentPredicate(q: DocumentQuery): string | undefined {
  const acl = aclPredicate(q.principal);
  if (!acl) return undefined;
  const parts = [acl];
  for (const [column, values] of [
    ["source", q.sources],
    ["path", q.paths],
  ] as const) {
    if (!values) continue;
    const p = sqlIn(column, values);
    if (!p) return undefined;
    parts.push(p);
  }
  if (q.fileNames) {
    const names = nameValues(q.fileNames);
    const p = anyOfSql([
      ...(names.length > 0 ? [`lower(path) IN (${names.map(sqlString).join(", ")})`] : []),
      ...names.map((n) => `ends_with(lower(path), ${sqlString(`/${n}`)})`),
    ]);
    if (!p) return undefined;
    parts.push(p);
  }
  if (q.extensions) {
    const p = anyOfSql(nameValues(q.extensions).map((e) => `ends_with(lower(path), ${sqlString(e)})`));
    if (!p) return undefined;
    parts.push(p);
  }
  const min = depthBound(q.depth?.min);
  const max = depthBound(q.depth?.max);
  if (min !== undefined) parts.push(`${SQL_DEPTH} >= ${min}`);
  if (max !== undefined) parts.push(`${SQL_DEPTH} <= ${max}`);
  return parts.join(" AND ");
}
