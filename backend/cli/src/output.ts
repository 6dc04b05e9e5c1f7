// Terminal output helpers: a progress line on a TTY (stderr), nothing when piped.
import type { Citation } from "@isa/core";

export interface ProgressLine {
  update(text: string): void;
  done(): void;
}

export function progressLine(stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < 80) return;
      last = now;
      shown = true;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r${text.slice(0, width).padEnd(width)}`);
    },
    done() {
      if (shown) stream.write("\r\u001b[2K");
    },
  };
}

export function bar(done: number, total: number, width = 24): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(frac * width);
  return `[${"#".repeat(full)}${"-".repeat(width - full)}] ${done}/${total}`;
}

export function formatCitation(c: Citation): string {
  const where = `${c.source}/${c.path}:${c.startLine}-${c.endLine}`;
  const heading = c.headingPath.length > 0 ? ` — ${c.headingPath.join(" › ")}` : "";
  return `[${c.n}] ${where}${heading} (score ${c.score.toFixed(3)})`;
}
