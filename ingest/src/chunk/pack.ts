// Turns line ranges into size-capped pieces of text: whole blocks packed greedily up to the cap, an overlap
// of trailing lines carried into the next piece, and over-long single lines (minified code) cut in windows.
// Ranges are 0-based and half-open inside the chunker; chunkFile converts them to 1-based inclusive lines.

export interface Range {
  readonly start: number;
  readonly end: number;
}

/** A unit the packer keeps whole when it fits (paragraph, fenced code block, class member). */
export interface Block extends Range {
  /** A piece (or an overlap) may not start inside it. */
  readonly atomic?: boolean;
}

export interface Piece extends Range {
  /** Trimmed, non-empty. For a window of a long line, a slice of that line (start + 1 === end). */
  readonly text: string;
}

export interface Limits {
  readonly maxChars: number;
  readonly overlapChars: number;
}

/** Lines of a file with prefix sums, so the length of any line range is O(1). */
export class LineDoc {
  readonly lines: readonly string[];
  private readonly prefix: Float64Array;

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
    this.prefix = new Float64Array(this.lines.length + 1);
    for (let i = 0; i < this.lines.length; i++) {
      this.prefix[i + 1] = (this.prefix[i] ?? 0) + (this.lines[i]?.length ?? 0);
    }
  }

  get length(): number {
    return this.lines.length;
  }

  line(i: number): string {
    return this.lines[i] ?? "";
  }

  isBlank(i: number): boolean {
    return this.line(i).trim() === "";
  }

  /** Characters of lines [start, end) joined with "\n". */
  size(start: number, end: number): number {
    if (end <= start) return 0;
    return (this.prefix[end] ?? 0) - (this.prefix[start] ?? 0) + (end - start - 1);
  }

  /** The range without leading and trailing blank lines (empty when all blank). */
  trim(r: Range): Range {
    let { start, end } = r;
    while (start < end && this.isBlank(start)) start++;
    while (end > start && this.isBlank(end - 1)) end--;
    return { start, end };
  }

  text(r: Range): string {
    return this.lines.slice(r.start, r.end).join("\n").trim();
  }
}

/** Paragraphs (runs of non-blank lines) of a range, as blocks. */
export function paragraphs(doc: LineDoc, r: Range): Block[] {
  const out: Block[] = [];
  let start = -1;
  for (let i = r.start; i < r.end; i++) {
    if (doc.isBlank(i)) {
      if (start >= 0) out.push({ start, end: i });
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push({ start, end: r.end });
  return out;
}

/** Cut one long line into overlapping windows, preferring to cut after whitespace or punctuation. */
function windows(doc: LineDoc, lineNo: number, limits: Limits): Piece[] {
  const line = doc.line(lineNo);
  const max = Math.max(1, limits.maxChars);
  const overlap = Math.min(Math.max(0, limits.overlapChars), Math.floor(max / 2));
  const out: Piece[] = [];
  let from = 0;
  while (from < line.length) {
    let to = Math.min(line.length, from + max);
    if (to < line.length) {
      // Look back up to a fifth of the window for a natural break.
      const floor = to - Math.floor(max / 5);
      for (let k = to; k > floor && k > from + 1; k--) {
        if (/[\s,;})\]]/.test(line[k - 1] ?? "")) {
          to = k;
          break;
        }
      }
      // Never leave half a surrogate pair on either side.
      const code = line.charCodeAt(to - 1);
      if (code >= 0xd800 && code <= 0xdbff && to - 1 > from) to--;
    }
    const text = line.slice(from, to).trim();
    if (text) out.push({ start: lineNo, end: lineNo + 1, text });
    if (to >= line.length) break;
    let next = to - overlap;
    if (next <= from) next = to;
    const c = line.charCodeAt(next);
    if (c >= 0xdc00 && c <= 0xdfff) next++;
    from = next;
  }
  return out;
}

/**
 * Pack blocks (in order, non-overlapping) into pieces of at most `maxChars`. A block that does not fit alone
 * is packed line by line; a line that does not fit alone is cut in windows. Each new piece starts with up to
 * `overlapChars` of the previous piece's last lines, unless those lie inside an atomic block.
 */
export function packBlocks(doc: LineDoc, blocks: readonly Block[], limits: Limits): Piece[] {
  const max = Math.max(1, limits.maxChars);
  const noStart = new Set<number>();
  const units: Block[] = [];
  for (const b of blocks) {
    if (b.end <= b.start) continue;
    if (doc.size(b.start, b.end) <= max) {
      units.push(b);
      if (b.atomic) for (let i = b.start + 1; i < b.end; i++) noStart.add(i);
    } else {
      for (let i = b.start; i < b.end; i++) units.push({ start: i, end: i + 1 });
    }
  }

  const out: Piece[] = [];
  let cur: Range | undefined;
  let prev: Range | undefined;
  const flush = () => {
    if (!cur) return;
    const t = doc.trim(cur);
    if (t.end > t.start) {
      out.push({ ...t, text: doc.text(t) });
      prev = t;
    }
    cur = undefined;
  };
  const open = (u: Block) => {
    let start = u.start;
    if (prev && limits.overlapChars > 0 && prev.end <= u.start) {
      // Only overlap across a gap of blank lines, never from far back.
      let contiguous = true;
      for (let i = prev.end; i < u.start; i++) if (!doc.isBlank(i)) contiguous = false;
      if (contiguous) {
        for (let k = prev.end - 1; k > prev.start; k--) {
          if (doc.size(k, prev.end) > limits.overlapChars) break;
          if (!noStart.has(k) && !doc.isBlank(k) && doc.size(k, u.end) <= max) start = k;
        }
      }
    }
    cur = { start, end: u.end };
  };

  for (const u of units) {
    if (doc.size(u.start, u.end) > max) {
      flush();
      out.push(...windows(doc, u.start, limits));
      prev = undefined;
      continue;
    }
    if (!cur) open(u);
    else if (doc.size(cur.start, u.end) <= max) cur = { start: cur.start, end: u.end };
    else {
      flush();
      open(u);
    }
  }
  flush();
  return out;
}

/** Pack a whole range as paragraphs. */
export function packRange(doc: LineDoc, r: Range, limits: Limits): Piece[] {
  if (doc.size(r.start, r.end) <= limits.maxChars) {
    const t = doc.trim(r);
    return t.end > t.start ? [{ ...t, text: doc.text(t) }] : [];
  }
  return packBlocks(doc, paragraphs(doc, r), limits);
}
