import { describe, expect, it } from "vitest";
import { answerLabel } from "./answerLabel.js";

describe("answerLabel", () => {
  it("says how the answer was made and from how many sources", () => {
    expect(answerLabel({ abstained: false, state: "answered", mode: "quoted" }, 3)).toBe(
      "Quoted from 3 sources",
    );
    expect(answerLabel({ abstained: false, state: "answered", mode: "generated" }, 1)).toBe(
      "Generated from 1 source",
    );
    expect(answerLabel({ abstained: false, state: "partial", mode: "quoted" }, 2)).toBe(
      "Partial answer: closest passages from 2 sources",
    );
    expect(answerLabel({ abstained: true, state: "abstained", mode: "quoted" }, 3)).toBe("Closest documents");
  });
  it("reads an answer from an older server by `abstained`", () => {
    expect(answerLabel({ abstained: true }, 2)).toBe("Closest documents");
    expect(answerLabel({ abstained: false }, 2)).toBe("Sources");
  });
});
