// The loop guard: a repeated line is never shown and ends generation; normal text streams through unchanged.
import { describe, expect, it } from "vitest";
import { createRepeatGuard } from "./repeatGuard.js";

function feed(pieces: readonly string[]) {
  const g = createRepeatGuard();
  let out = "";
  let stoppedAt = -1;
  for (const [i, p] of pieces.entries()) {
    const r = g.push(p);
    out += r.emit;
    if (r.stop) {
      stoppedAt = i;
      break;
    }
  }
  if (stoppedAt === -1) out += g.flush();
  return { out, stoppedAt };
}

describe("createRepeatGuard", () => {
  it("passes text without repeats through unchanged, whatever the split", () => {
    const text = "First line of the answer here.\nSecond line is different.\n\n- a\n- a\nDone.";
    expect(feed(text.split("")).out).toBe(text);
    expect(feed([text]).out).toBe(text);
  });

  it("stops at the first repeated line and never shows it", () => {
    const line = "To deploy the billing service, run make deploy.";
    const pieces = `${line}\nThen wait.\n${line}\n${line}\n`.match(/.{1,4}/gs) ?? [];
    const { out, stoppedAt } = feed(pieces);
    expect(out).toBe(`${line}\nThen wait.\n`);
    expect(stoppedAt).toBeGreaterThan(0);
  });

  it("drops a repeated final line that has no newline", () => {
    const line = "The answer is in the deployment guide.";
    expect(feed([`${line}\n`, line]).out).toBe(`${line}\n`);
  });

  it("releases a held partial line once it diverges", () => {
    const g = createRepeatGuard();
    expect(g.push("The service runs on port 8080.\n").emit).toBe("The service runs on port 8080.\n");
    expect(g.push("The service").emit).toBe("");
    expect(g.push(" restarts nightly.").emit).toBe("The service restarts nightly.");
  });
});

describe("createRepeatGuard with seed lines", () => {
  it("stops a model reciting a prompt line back, showing none of it", () => {
    const g = createRepeatGuard({
      seed: ["Cite the source of each fact with its number in square brackets, like [1]."],
    });
    expect(g.push("Cite the source of each fact").emit).toBe("");
    expect(g.push(" with its number in square brackets, like [1].\nMore").stop).toBe(true);
    expect(g.flush()).toBe("");
  });
});
