// The little Markdown syntax the chunker and the title finder need: front matter, ATX/setext headings and
// fenced code blocks (so a `#` comment inside a fence is never taken for a heading). Line based, never throws.
import { parse as parseYaml } from "yaml";

export interface FrontMatter {
  /** Index of the first line after the front matter (0 when there is none). */
  readonly bodyStart: number;
  readonly title?: string;
}

export interface Heading {
  /** 0-based index of the heading's first line. */
  readonly line: number;
  /** Lines the heading occupies (2 for setext). */
  readonly span: number;
  readonly level: number;
  readonly text: string;
}

export interface MarkdownOutline {
  readonly frontMatter: FrontMatter;
  readonly headings: readonly Heading[];
  /** Fenced code blocks as 0-based half-open line ranges (an unclosed fence runs to the end). */
  readonly fences: ReadonlyArray<{ readonly start: number; readonly end: number }>;
}

const MAX_FRONT_MATTER_LINES = 400;

export function splitFrontMatter(lines: readonly string[]): FrontMatter {
  if (lines[0]?.trimEnd() !== "---") return { bodyStart: 0 };
  const limit = Math.min(lines.length, MAX_FRONT_MATTER_LINES);
  for (let i = 1; i < limit; i++) {
    const l = lines[i]?.trimEnd();
    if (l === "---" || l === "...") {
      const title = frontMatterTitle(lines.slice(1, i).join("\n"));
      return title === undefined ? { bodyStart: i + 1 } : { bodyStart: i + 1, title };
    }
  }
  // No closing marker: a thematic break at the top, not front matter.
  return { bodyStart: 0 };
}

function frontMatterTitle(yamlText: string): string | undefined {
  try {
    const data: unknown = parseYaml(yamlText);
    if (data && typeof data === "object" && "title" in data) {
      const t = (data as { title: unknown }).title;
      if (typeof t === "string" || typeof t === "number") return String(t).trim() || undefined;
    }
  } catch {
    // Broken front matter is still front matter; fall back to a line match for the title.
    const m = /^title:\s*["']?(.+?)["']?\s*$/m.exec(yamlText);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
// Any indentation: fences nested in list items are indented past the 3 spaces CommonMark allows at top level.
const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
// Lines that cannot be a one-line paragraph above a setext underline.
const NOT_PARAGRAPH = /^ {0,3}(?:[-*+>|]|\d+[.)]|#|<|$)|^ {4}/;

/** Heading text without closing hashes and inline markup, as a reader would name the section. */
export function cleanHeading(raw: string): string {
  return (
    raw
      .replace(/[ \t]+#+$/, "")
      .replace(/^#+$/, "")
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/<[^>]+>/g, "")
      .replace(/`+/g, "")
      .replace(/\*\*|__/g, "")
      // Emphasis markers around words; underscores inside identifiers (`save_exact`) stay.
      .replace(/(^|[^\w*])[*_]([^*_]+)[*_](?![\w*])/g, "$1$2")
      .trim()
  );
}

export function outlineMarkdown(lines: readonly string[]): MarkdownOutline {
  const frontMatter = splitFrontMatter(lines);
  const headings: Heading[] = [];
  const fences: Array<{ start: number; end: number }> = [];
  let fence: { char: string; len: number; start: number } | undefined;
  for (let i = frontMatter.bodyStart; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (fence) {
      const close = FENCE_CLOSE.exec(line);
      if (close?.[1] && close[1][0] === fence.char && close[1].length >= fence.len) {
        fences.push({ start: fence.start, end: i + 1 });
        fence = undefined;
      }
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    // A backtick fence's info string may not contain a backtick (else it is inline code).
    if (open?.[1] && !(open[1][0] === "`" && (open[2] ?? "").includes("`"))) {
      fence = { char: open[1][0] ?? "`", len: open[1].length, start: i };
      continue;
    }
    const atx = ATX.exec(line);
    if (atx?.[1]) {
      headings.push({ line: i, span: 1, level: atx[1].length, text: cleanHeading(atx[2] ?? "") });
      continue;
    }
    const under = SETEXT.exec(line);
    if (under?.[1] && i > frontMatter.bodyStart) {
      // Only a one-line paragraph (blank or start above it) counts, to keep `---` thematic breaks apart.
      const prev = lines[i - 1] ?? "";
      const before = i - 2 >= frontMatter.bodyStart ? (lines[i - 2] ?? "") : "";
      const prevIsHeading = headings.at(-1)?.line === i - 1;
      if (!NOT_PARAGRAPH.test(prev) && before.trim() === "" && !prevIsHeading) {
        const level = under[1][0] === "=" ? 1 : 2;
        headings.push({ line: i - 1, span: 2, level, text: cleanHeading(prev.trim()) });
      }
    }
  }
  if (fence) fences.push({ start: fence.start, end: lines.length });
  return { frontMatter, headings, fences };
}

/** The title a reader sees: front matter `title:`, else the first H1. */
export function markdownTitle(lines: readonly string[]): string | undefined {
  const outline = outlineMarkdown(lines);
  if (outline.frontMatter.title) return outline.frontMatter.title;
  return outline.headings.find((h) => h.level === 1 && h.text !== "")?.text;
}
