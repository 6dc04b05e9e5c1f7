// Code chunking: one unit per top-level symbol (with its leading comments and decorators), imports and other
// preamble as their own unit, tiny neighbours merged, and containers bigger than the cap split by member.
import type { LanguageRules } from "./languages.js";
import { type LineInfo, scanLines } from "./lexer.js";
import { mergeSmall } from "./merge.js";
import { type Block, type Limits, type LineDoc, packBlocks, packRange, type Range } from "./pack.js";
import type { PathedPiece } from "./types.js";

export const PREAMBLE = "(preamble)";
export const TOP_LEVEL = "(top-level)";

interface Statement {
  /** First line, including leading comments and decorators. */
  readonly start: number;
  /** The line that names the statement. */
  readonly header: number;
}

interface CodeUnit extends Range {
  readonly name: string;
  readonly header: number;
  readonly preamble: boolean;
  readonly container: boolean;
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/** Start lines of the statements at `depth` (and, for Python, `indent`) within `r`. */
function statements(
  doc: LineDoc,
  info: readonly LineInfo[],
  r: Range,
  level: { readonly depth: number; readonly indent?: number },
  rules: LanguageRules,
): Statement[] {
  const out: Statement[] = [];
  let prevComplete = true;
  let prefixStart = -1;
  for (let i = r.start; i < r.end; i++) {
    const li = info[i];
    if (!li?.hasCode) continue;
    const line = doc.line(i);
    const atLevel =
      !li.startsInside &&
      li.depthStart === level.depth &&
      (level.indent === undefined || indentOf(line) === level.indent);
    if (atLevel) {
      const t = line.trim();
      if (rules.isPrefix(t)) {
        if (prefixStart < 0) prefixStart = i;
      } else {
        const isStart = !rules.isContinuation(t) && (prevComplete || prefixStart >= 0 || rules.isDecl(t));
        if (isStart) {
          let s = prefixStart >= 0 ? prefixStart : i;
          // Comments directly above (no blank line between) document what follows.
          while (s - 1 >= r.start && !info[s - 1]?.hasCode && !doc.isBlank(s - 1)) s--;
          out.push({ start: s, header: i });
        }
        prefixStart = -1;
      }
    }
    if (li.depthEnd === level.depth) prevComplete = rules.complete(li.lastCode);
    else if (li.depthEnd > level.depth) prevComplete = false;
  }
  return out;
}

function joinNames(names: readonly string[]): string {
  const unique = [...new Set(names)];
  const s = unique.join(", ");
  return s.length <= 120 ? s : `${s.slice(0, 119)}…`;
}

/** Top-level units of a file: preamble, then one per statement, runs of plain statements kept apart. */
function topLevelUnits(doc: LineDoc, info: readonly LineInfo[], rules: LanguageRules): CodeUnit[] {
  const all: Range = { start: 0, end: doc.length };
  const stmts = statements(doc, info, all, rules.byIndent ? { depth: 0, indent: 0 } : { depth: 0 }, rules);
  const named = stmts.map((s, k) => ({
    start: s.start,
    end: stmts[k + 1]?.start ?? doc.length,
    header: s.header,
    ...rules.name(doc.line(s.header).trim()),
  }));
  const firstSymbol = named.findIndex((u) => u.kind === "symbol");
  const units: CodeUnit[] = [];
  // Everything before the first symbol (licence header, imports, setup) is the preamble.
  const preambleEnd = firstSymbol < 0 ? doc.length : (named[firstSymbol]?.start ?? doc.length);
  if (preambleEnd > 0) {
    units.push({
      start: 0,
      end: preambleEnd,
      header: 0,
      name: firstSymbol < 0 ? TOP_LEVEL : PREAMBLE,
      preamble: firstSymbol >= 0,
      container: false,
    });
  }
  if (firstSymbol < 0) return units;
  for (const u of named.slice(firstSymbol)) {
    units.push({
      start: u.start,
      end: u.end,
      header: u.header,
      name: u.name ?? TOP_LEVEL,
      preamble: false,
      container: u.container === true,
    });
  }
  return units;
}

/** Split a container unit by its members, naming each piece `[container, members…]`. */
function splitContainer(
  doc: LineDoc,
  info: readonly LineInfo[],
  unit: CodeUnit,
  rules: LanguageRules,
  limits: Limits,
): PathedPiece[] | undefined {
  const body: Range = { start: unit.header + 1, end: unit.end };
  let level: { depth: number; indent?: number };
  if (rules.byIndent) {
    let first = body.start;
    while (first < body.end && (!info[first]?.hasCode || info[first]?.startsInside)) first++;
    if (first >= body.end) return undefined;
    level = { depth: 0, indent: indentOf(doc.line(first)) };
  } else {
    level = { depth: (info[unit.header]?.depthStart ?? 0) + 1 };
  }
  const members = statements(doc, info, body, level, rules);
  if (members.length < 2) return undefined;
  const blocks: Block[] = [];
  const firstMember = members[0];
  if (firstMember && firstMember.start > unit.start)
    blocks.push({ start: unit.start, end: firstMember.start });
  members.forEach((m, k) => {
    blocks.push({ start: m.start, end: members[k + 1]?.start ?? unit.end });
  });
  const names = members.map((m) => rules.memberName(doc.line(m.header).trim()) ?? "");
  return packBlocks(doc, blocks, limits).map((piece) => {
    const inside = members.flatMap((m, k) =>
      m.header >= piece.start && m.header < piece.end ? [names[k] ?? ""] : [],
    );
    let memberNames = inside.filter((n) => n !== "");
    if (inside.length === 0) {
      // A piece inside one long member: name the member it belongs to.
      const owner = members.findLast((m) => m.start <= piece.start);
      const k = owner ? members.indexOf(owner) : -1;
      memberNames = k >= 0 && names[k] ? [names[k]] : [];
    }
    return { path: memberNames.length > 0 ? [unit.name, joinNames(memberNames)] : [unit.name], piece };
  });
}

export function chunkCode(
  doc: LineDoc,
  rules: LanguageRules,
  limits: Limits & { readonly minChars: number },
): PathedPiece[] {
  const info = scanLines(doc.lines, rules.dialect);
  const units = topLevelUnits(doc, info, rules);
  const groups = mergeSmall(doc, units, {
    minChars: limits.minChars,
    maxChars: limits.maxChars,
    // The preamble stays alone; so does anything that would swallow a container's member split.
    canJoin: (g, next) => !next.preamble && !g.some((u) => u.preamble),
  });
  const out: PathedPiece[] = [];
  for (const g of groups) {
    const first = g[0];
    const last = g.at(-1);
    if (!first || !last) continue;
    const range: Range = { start: first.start, end: last.end };
    if (g.length === 1 && first.container && doc.size(range.start, range.end) > limits.maxChars) {
      const split = splitContainer(doc, info, first, rules, limits);
      if (split) {
        out.push(...split);
        continue;
      }
    }
    const path = [joinNames(g.map((u) => u.name))];
    for (const piece of packRange(doc, range, limits)) out.push({ path, piece });
  }
  return out;
}
