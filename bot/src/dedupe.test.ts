// The Slack event de-duplicator stays within its byte budget whatever size the ids are.
import { describe, expect, it } from "vitest";
import { createDeduper } from "./dedupe.js";

describe("deduper", () => {
  it("remembers ids within the window, bounded by bytes: huge ids push the oldest out", () => {
    let t = 0;
    const d = createDeduper({ maxBytes: 10_000, now: () => t });
    expect(d.first("a")).toBe(true);
    expect(d.first("a")).toBe(false);
    for (let i = 0; i < 100; i++) d.first(`${i}-${"x".repeat(1_000)}`);
    expect(d.memory().bytes).toBeLessThanOrEqual(10_000);
    expect(d.memory().entries).toBeLessThan(10);
    expect(d.first("a")).toBe(true);
    t = 2 * 60 * 60_000;
    expect(d.first("b")).toBe(true);
    expect(d.memory().entries).toBe(1);
  });
});
