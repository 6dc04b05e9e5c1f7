// Slack re-delivers an event it thinks we missed (x-slack-retry-num); a slow answer must not be posted twice, so
// event ids seen recently are remembered (in memory: one bot process; several replicas would need a shared store).
// Bounded by age (ttlMs), count (max) and bytes (maxBytes: ids are attacker-sized strings, so the count alone does
// not bound memory); past a bound the oldest ids go first.
export interface Deduper {
  /** True the first time an id is seen within the window. */
  first(id: string): boolean;
  /** Approximate bytes held (2 per UTF-16 code unit plus per-entry overhead) and entries. */
  readonly memory: () => { bytes: number; entries: number };
}

/** Map entry overhead assumed per id (key slot, number, hash table share). */
const ENTRY_OVERHEAD = 64;

export function createDeduper(
  opts: { ttlMs?: number; max?: number; maxBytes?: number; now?: () => number } = {},
): Deduper {
  const ttl = opts.ttlMs ?? 60 * 60_000;
  const max = opts.max ?? 10_000;
  const maxBytes = opts.maxBytes ?? 2 * 1024 * 1024;
  const now = opts.now ?? Date.now;
  const seen = new Map<string, number>();
  let bytes = 0;
  const cost = (id: string) => 2 * id.length + ENTRY_OVERHEAD;
  return {
    first(id) {
      const t = now();
      for (const [k, at] of seen) {
        if (t - at < ttl && seen.size <= max && bytes <= maxBytes) break;
        seen.delete(k);
        bytes -= cost(k);
      }
      if (seen.has(id)) return false;
      seen.set(id, t);
      bytes += cost(id);
      // Over a bound now: drop the oldest (not the id just added) until within it.
      for (const k of seen.keys()) {
        if ((seen.size <= max && bytes <= maxBytes) || k === id) break;
        seen.delete(k);
        bytes -= cost(k);
      }
      return true;
    },
    memory: () => ({ bytes, entries: seen.size }),
  };
}
