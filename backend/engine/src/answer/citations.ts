// Citation markers in answer text. Models write `[1]`, `[1, 2]`, `[1][2]`, `[1-3]` or `[Source 2]`; we keep only
// numbers that name a source shown to the model, normalise the rest of the syntax, and map them to Citations.
import type { Citation } from "@isa/core";
import type { RetrievalHit } from "./types.js";

const GROUP_SOURCE = String.raw`\[\s*(?:sources?\s*)?(\d{1,3}(?:\s*(?:,|;|-|–|and)\s*(?:sources?\s*)?\d{1,3})*)\s*\]`;
const GROUP = new RegExp(GROUP_SOURCE, "gi");
/** The same, with the blanks before it: a dropped group takes them along ("foo [9]." → "foo."). */
const GROUP_WITH_SPACE = new RegExp(String.raw`([ \t]*)` + GROUP_SOURCE, "gi");
/** What an unfinished group can look like at the end of a streamed piece (held back until it closes). */
const PARTIAL_GROUP = /\[\s*(?:s(?:o(?:u(?:r(?:c(?:e(?:s)?)?)?)?)?)?\s*)?[\d\s,;\-–and]*$/i;
const MAX_RANGE = 20;

/** The numbers of one group's inside, with `a-b` ranges expanded. */
function numbersIn(inner: string): number[] {
  const out: number[] = [];
  for (const part of inner.split(/\s*(?:,|;|and)\s*/i)) {
    const range = /^(?:sources?\s*)?(\d+)\s*[-–]\s*(?:sources?\s*)?(\d+)$/i.exec(part.trim());
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (b >= a && b - a < MAX_RANGE) for (let i = a; i <= b; i++) out.push(i);
      continue;
    }
    const single = /(\d+)/.exec(part);
    if (single) out.push(Number(single[1]));
  }
  return out;
}

/** Cited numbers in order of first appearance, without repeats. */
export function citedNumbers(text: string): number[] {
  const seen = new Set<number>();
  for (const m of text.matchAll(GROUP)) for (const n of numbersIn(m[1] ?? "")) seen.add(n);
  return [...seen];
}

/**
 * Normalise every citation group to `[1]` / `[1, 2]`, dropping numbers that do not exist, and the group itself
 * (with the space before it) when none is left. `before` is the character preceding `text` in the whole answer.
 */
export function rewriteCitations(text: string, exists: (n: number) => boolean, before = ""): string {
  return text.replace(GROUP_WITH_SPACE, (match, ws: string, inner: string, offset: number) => {
    const valid = [...new Set(numbersIn(inner))].filter(exists);
    if (valid.length > 0) return `${ws}[${valid.join(", ")}]`;
    const prev = ws !== "" ? ws : offset > 0 ? text[offset - 1] : before;
    // `items[0]` in code is an index, not a citation: leave it alone.
    if (prev !== undefined && /[\p{L}\p{N}_)]/u.test(prev)) return match;
    return "";
  });
}

/**
 * A streaming version of `rewriteCitations`: feed model text in pieces, get back text that is safe to show now.
 * An unclosed `[` (and blanks before it) is held back until it is known to be a citation or not.
 */
export function createCitationFilter(exists: (n: number) => boolean): {
  push(text: string): string;
  flush(): string;
} {
  let held = "";
  let last = "";
  const emit = (text: string): string => {
    const out = rewriteCitations(text, exists, last);
    if (out !== "") last = out.at(-1) ?? last;
    return out;
  };
  return {
    push(text) {
      held += text;
      const open = held.lastIndexOf("[");
      let cut = held.length;
      if (
        open !== -1 &&
        held.indexOf("]", open) === -1 &&
        held.length - open <= 40 &&
        PARTIAL_GROUP.test(held.slice(open))
      ) {
        cut = open;
      }
      // Trailing blanks wait too: if a dropped group follows, they go with it ("foo [9]." → "foo.").
      while (cut > 0 && (held[cut - 1] === " " || held[cut - 1] === "\t")) cut--;
      const ready = held.slice(0, cut);
      held = held.slice(cut);
      return emit(ready);
    },
    flush() {
      const rest = held;
      held = "";
      return emit(rest);
    },
  };
}

export function toCitation(n: number, hit: RetrievalHit): Citation {
  const c = hit.chunk;
  return {
    n,
    chunkId: c.id,
    docId: c.docId,
    source: c.source,
    path: c.path,
    title: c.title,
    headingPath: c.headingPath,
    startLine: c.startLine,
    endLine: c.endLine,
    score: hit.score,
  };
}
