import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

describe("ISA_ANSWERABILITY_MAX_SHARE", () => {
  it("defaults to 0.15 and reads a share", () => {
    expect(loadConfig({}).retrieval.answerabilityMaxShare).toBe(0.15);
    expect(loadConfig({ ISA_ANSWERABILITY_MAX_SHARE: "0" }).retrieval.answerabilityMaxShare).toBe(0);
  });
  it("refuses a share outside 0..1, naming the variable", () => {
    expect(() => loadConfig({ ISA_ANSWERABILITY_MAX_SHARE: "2" })).toThrow(/ISA_ANSWERABILITY_MAX_SHARE/);
  });
});
