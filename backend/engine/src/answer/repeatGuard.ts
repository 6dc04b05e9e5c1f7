// Tiny models decoding greedily fall into loops, repeating a line until maxTokens, or recite the prompt back. This
// guard passes streamed text through and reports the first line that repeats an earlier one (or a prompt line),
// which is dropped, so generation can stop.
// A partial line that could still turn into a repeat is held back, so nothing repeated is ever shown.

export interface RepeatGuard {
  push(text: string): { readonly emit: string; readonly stop: boolean };
  /** The held-back tail at the end of generation (dropped if it is itself a repeat). */
  flush(): string;
}

const normalise = (line: string) => line.trim().replace(/\s+/g, " ").toLowerCase();

/**
 * Lines shorter than `minChars` (blank lines, `}`, list bullets) may repeat freely. `seed` lines count as already
 * seen: the prompt's own scaffolding, which tiny models otherwise recite back instead of answering.
 */
export function createRepeatGuard(opts: { minChars?: number; seed?: readonly string[] } = {}): RepeatGuard {
  const minChars = opts.minChars ?? 24;
  const seen: string[] = (opts.seed ?? []).map(normalise).filter((l) => l.length >= minChars);
  let line = "";
  let shown = 0;
  let stopped = false;
  const couldRepeat = (partial: string) => {
    const p = normalise(partial);
    return p !== "" && seen.some((s) => s.startsWith(p));
  };
  return {
    push(text) {
      if (stopped) return { emit: "", stop: true };
      let out = "";
      for (const ch of text) {
        if (ch !== "\n") {
          line += ch;
          continue;
        }
        const norm = normalise(line);
        if (norm.length >= minChars && seen.includes(norm)) {
          stopped = true;
          return { emit: out, stop: true };
        }
        if (norm.length >= minChars) seen.push(norm);
        out += `${line.slice(shown)}\n`;
        line = "";
        shown = 0;
      }
      if (!couldRepeat(line)) {
        out += line.slice(shown);
        shown = line.length;
      }
      return { emit: out, stop: false };
    },
    flush() {
      if (stopped) return "";
      const norm = normalise(line);
      const rest = norm.length >= minChars && seen.includes(norm) ? "" : line.slice(shown);
      line = "";
      shown = 0;
      return rest;
    },
  };
}
