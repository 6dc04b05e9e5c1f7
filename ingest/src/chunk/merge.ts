// Merges tiny neighbouring units (a heading with one line under it, a one-line type alias) so that no chunk
// is too small to be worth retrieving, without ever growing a chunk past the cap.
import type { LineDoc, Range } from "./pack.js";

export interface MergeOptions<U extends Range> {
  readonly minChars: number;
  readonly maxChars: number;
  /** Whether `next` may join the group that ends just before it. */
  readonly canJoin: (group: readonly U[], next: U) => boolean;
}

function span<U extends Range>(doc: LineDoc, group: readonly U[]): number {
  const first = group[0];
  const last = group.at(-1);
  return first && last ? doc.size(first.start, last.end) : 0;
}

/** Consecutive units grouped so that small ones ride along with a neighbour (forward first, then back). */
export function mergeSmall<U extends Range>(doc: LineDoc, units: readonly U[], opts: MergeOptions<U>): U[][] {
  const fits = (a: readonly U[], b: readonly U[]) => {
    const first = a[0];
    const last = b.at(-1);
    return !!first && !!last && doc.size(first.start, last.end) <= opts.maxChars;
  };
  const groups: U[][] = [];
  for (const u of units) {
    const g = groups.at(-1);
    if (g && span(doc, g) < opts.minChars && opts.canJoin(g, u) && fits(g, [u])) g.push(u);
    else groups.push([u]);
  }
  // A small group left at the end of a run (nothing after it could take it) joins the group before it.
  for (let i = groups.length - 1; i > 0; i--) {
    const g = groups[i];
    const before = groups[i - 1];
    const head = g?.[0];
    if (!g || !before || !head) continue;
    if (span(doc, g) < opts.minChars && opts.canJoin(before, head) && fits(before, g)) {
      before.push(...g);
      groups.splice(i, 1);
    }
  }
  return groups;
}
