// The per-process limiter: fixed windows, costs, refusals that take nothing, and memory that resets with the window.
import { describe, expect, it } from "vitest";
import { chargedCost, createMemoryRateLimiter, rateWindow } from "./rateLimit.js";

describe("memory rate limiter", () => {
  it("charges costs within a window, refuses what would exceed it (taking nothing), resets at the next", async () => {
    let t = 120_500;
    const l = createMemoryRateLimiter({ limit: 10, now: () => t });
    expect(await l.take("a", 6)).toMatchObject({ allowed: true, remaining: 4 });
    const refused = await l.take("a", 5);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 10 });
    expect(refused.retryAfterSeconds).toBe(60);
    expect(await l.take("a", 4)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await l.take("a")).allowed).toBe(false);
    expect((await l.take("b")).allowed).toBe(true);
    expect(l.size()).toBe(2);
    t = 180_000;
    expect(await l.take("a")).toMatchObject({ allowed: true, remaining: 9 });
    expect(l.size()).toBe(1);
  });

  it("a cost above the limit spends the whole window, never more; odd costs count as at least 1", async () => {
    const l = createMemoryRateLimiter({ limit: 5, now: () => 0 });
    expect(await l.take("a", 50)).toMatchObject({ allowed: true, remaining: 0 });
    expect(chargedCost(0, 5)).toBe(1);
    expect(chargedCost(Number.NaN, 5)).toBe(1);
    expect(chargedCost(2.2, 5)).toBe(3);
    expect(rateWindow(59_999, 60_000)).toEqual({ start: 0, retryAfterSeconds: 1 });
  });
});
