import { describe, expect, it } from "vitest";
import { answerLabel } from "./commands.js";

describe("answerLabel", () => {
  it("says how the answer was made and from how many sources", () => {
    expect(answerLabel("answered", "quoted", 3)).toBe("Quoted from 3 sources");
    expect(answerLabel("answered", "generated", 1)).toBe("Generated from 1 source");
    expect(answerLabel("partial", "quoted", 2)).toBe("Partial answer: closest passages from 2 sources");
    expect(answerLabel("abstained", "quoted", 3)).toBe("Closest documents");
  });
});
