// Parsers for the machine formats the git server asks for: `log --format` with unit/record separators and
// `blame --line-porcelain`. Truncated output (the runner's cap) yields the complete records only.

export interface LogEntry {
  readonly sha: string;
  readonly author: string;
  readonly email: string;
  readonly date: string;
  readonly subject: string;
}

export function parseLog(out: string): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const rec of out.split("\u001e")) {
    const f = rec.replace(/^\n/, "").split("\u001f");
    if (f.length !== 5) continue;
    const [sha = "", author = "", email = "", date = "", subject = ""] = f;
    if (!/^[0-9a-f]{40,64}$/.test(sha)) continue;
    entries.push({ sha, author, email, date, subject });
  }
  return entries;
}

export interface BlameLine {
  readonly line: number;
  readonly sha: string;
  readonly author: string;
  readonly date: string;
  readonly summary: string;
  readonly text: string;
}

const HEADER = /^([0-9a-f]{40,64}) \d+ (\d+)(?: \d+)?$/;

export function parseBlame(out: string): BlameLine[] {
  const lines: BlameLine[] = [];
  let cur: { sha: string; line: number; author: string; time: number; summary: string } | undefined;
  for (const raw of out.split("\n")) {
    if (cur === undefined) {
      const m = HEADER.exec(raw);
      if (m) cur = { sha: m[1] ?? "", line: Number(m[2]), author: "", time: 0, summary: "" };
      continue;
    }
    if (raw.startsWith("\t")) {
      const date = cur.time > 0 ? new Date(cur.time * 1000).toISOString() : "";
      lines.push({
        line: cur.line,
        sha: cur.sha,
        author: cur.author,
        date,
        summary: cur.summary,
        text: raw.slice(1),
      });
      cur = undefined;
    } else if (raw.startsWith("author ")) cur.author = raw.slice(7);
    else if (raw.startsWith("author-time ")) cur.time = Number(raw.slice(12));
    else if (raw.startsWith("summary ")) cur.summary = raw.slice(8);
  }
  return lines;
}
