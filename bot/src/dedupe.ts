// Slack re-delivers an event it thinks we missed (x-slack-retry-num); a slow answer must not be posted twice, so
// event ids seen recently are remembered (in memory: one bot process; several replicas would need a shared store).
export interface Deduper {
  /** True the first time an id is seen within the window. */
  first(id: string): boolean;
}

export function createDeduper(opts: { ttlMs?: number; max?: number; now?: () => number } = {}): Deduper {
  const ttl = opts.ttlMs ?? 60 * 60_000;
  const max = opts.max ?? 10_000;
  const now = opts.now ?? Date.now;
  const seen = new Map<string, number>();
  return {
    first(id) {
      const t = now();
      for (const [k, at] of seen) {
        if (t - at < ttl && seen.size <= max) break;
        seen.delete(k);
      }
      if (seen.has(id)) return false;
      seen.set(id, t);
      return true;
    },
  };
}
