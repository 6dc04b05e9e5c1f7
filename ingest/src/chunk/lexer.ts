// A forgiving line lexer for code: per line, the bracket depth at its start and end, whether it starts inside
// a comment or multi-line string, and whether it holds code at all. Strings, comments, template literals and
// (for JS) regex literals are skipped so their braces do not count. Unbalanced input clamps at depth 0.

export type Dialect = "js" | "c" | "go" | "java" | "python";

export interface LineInfo {
  readonly depthStart: number;
  readonly depthEnd: number;
  /** The line begins inside a block comment or a multi-line string. */
  readonly startsInside: boolean;
  /** The line has code outside comments (a string counts as code). */
  readonly hasCode: boolean;
  /** Last code character of the line (`"` for a string), or "" when none. */
  readonly lastCode: string;
}

interface Str {
  readonly close: string;
  /** Spans lines (template literal, raw string, triple-quoted string). */
  readonly multi: boolean;
  /** Backslash escapes nothing (Go raw strings). */
  readonly raw: boolean;
}

const OPEN = "{([";
const CLOSE = "})]";
// After these a `/` starts a regex literal rather than a division.
const REGEX_PRECEDERS = "(,=:[!&|?{};+-*%<>~^";
const CHAR_LITERAL = /^'(?:\\.[^'\n]{0,9}|[^'\\\n])'/;

const REGEX_KEYWORD = /\b(?:return|typeof|case|void|throw|yield|await|in|of|delete|else)\s*$/;

function regexMayStart(prevCode: string, line: string, i: number): boolean {
  if (prevCode === "" || REGEX_PRECEDERS.includes(prevCode)) return true;
  return /\w/.test(prevCode) && REGEX_KEYWORD.test(line.slice(Math.max(0, i - 12), i));
}

/** Length of a JS regex literal starting at `i` (the `/`), or 0 when it does not close on this line. */
function regexLength(line: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < line.length; j++) {
    const c = line[j];
    if (c === "\\") j++;
    else if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    else if (c === "/" && !inClass) return j - i + 1;
  }
  return 0;
}

export function scanLines(lines: readonly string[], dialect: Dialect): LineInfo[] {
  const out: LineInfo[] = [];
  const hashComments = dialect === "python";
  let depth = 0;
  let inBlockComment = false;
  let str: Str | undefined;
  // JS: the depth at which each open `${` of a template literal resumes the template.
  const templates: number[] = [];
  let prevCode = "";

  for (const line of lines) {
    const depthStart = depth;
    const startsInside = inBlockComment || str !== undefined;
    let hasCode = false;
    let lastCode = "";
    let i = 0;
    const n = line.length;
    while (i < n) {
      if (inBlockComment) {
        const j = line.indexOf("*/", i);
        if (j < 0) break;
        inBlockComment = false;
        i = j + 2;
        continue;
      }
      const c = line[i] ?? "";
      if (str) {
        hasCode = true;
        if (c === "\\" && !str.raw) {
          i += 2;
        } else if (str.close === "`" && dialect === "js" && c === "$" && line[i + 1] === "{") {
          templates.push(depth);
          depth++;
          str = undefined;
          i += 2;
          prevCode = "{";
        } else if (line.startsWith(str.close, i)) {
          i += str.close.length;
          str = undefined;
          lastCode = '"';
          prevCode = '"';
        } else i++;
        continue;
      }
      if (c === " " || c === "\t") {
        i++;
        continue;
      }
      if (hashComments ? c === "#" : c === "/" && line[i + 1] === "/") break;
      if (!hashComments && c === "/" && line[i + 1] === "*") {
        inBlockComment = true;
        i += 2;
        continue;
      }
      hasCode = true;
      if (
        (dialect === "python" || dialect === "java") &&
        (line.startsWith('"""', i) || line.startsWith("'''", i))
      ) {
        const q = line.slice(i, i + 3);
        if (dialect === "python" || q === '"""') {
          str = { close: q, multi: true, raw: false };
          i += 3;
          continue;
        }
      }
      if (c === '"' || (c === "'" && (dialect === "js" || dialect === "python"))) {
        str = { close: c, multi: false, raw: false };
        i++;
        continue;
      }
      if (c === "'") {
        // Char/rune literal in C-like languages; a lone quote (Rust lifetime) is just a character.
        const m = CHAR_LITERAL.exec(line.slice(i, i + 14));
        i += m ? m[0].length : 1;
        lastCode = m ? '"' : "'";
        prevCode = lastCode;
        continue;
      }
      if (c === "`" && (dialect === "js" || dialect === "go")) {
        str = { close: "`", multi: true, raw: dialect === "go" };
        i++;
        continue;
      }
      if (c === "/" && dialect === "js" && regexMayStart(prevCode, line, i)) {
        const len = regexLength(line, i);
        if (len > 0) {
          i += len;
          lastCode = '"';
          prevCode = '"';
          continue;
        }
      }
      if (OPEN.includes(c)) depth++;
      else if (CLOSE.includes(c)) {
        if (c === "}" && templates.length > 0 && templates.at(-1) === depth - 1) {
          // The `}` that closes a `${…}` resumes the template literal.
          templates.pop();
          depth--;
          str = { close: "`", multi: true, raw: false };
          i++;
          continue;
        }
        depth = Math.max(0, depth - 1);
      }
      lastCode = c;
      prevCode = c;
      i++;
    }
    // Ordinary strings do not span lines; an unterminated one ends here rather than eating the file.
    if (str && !str.multi) str = undefined;
    out.push({ depthStart, depthEnd: depth, startsInside, hasCode, lastCode });
  }
  return out;
}
