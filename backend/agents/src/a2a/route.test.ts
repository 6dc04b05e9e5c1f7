// Root agent's routing heuristic: the higher best dense cosine of each agent's kinds wins; ties and empty go to docs.

import type { RetrievalResult } from "@isa/engine";
import { describe, expect, it } from "vitest";
import { decideRoute } from "./agents.js";

function result(best: number, hits = 1): RetrievalResult {
  const timings = { embedMs: 0, denseMs: 0, lexicalMs: 0, fuseMs: 0 };
  return {
    hits: Array.from({ length: hits }, () => ({}) as RetrievalResult["hits"][number]),
    bestDenseScore: best,
    timings,
  };
}

describe("decideRoute", () => {
  it("picks the agent with the closer evidence", () => {
    expect(decideRoute(result(0.3), result(0.6)).agent).toBe("dev");
    expect(decideRoute(result(0.7), result(0.6)).agent).toBe("docs");
  });
  it("ties and empty results go to docs; an empty side scores -1", () => {
    expect(decideRoute(result(0.5), result(0.5)).agent).toBe("docs");
    expect(decideRoute(result(-1, 0), result(-1, 0)).agent).toBe("docs");
    const d = decideRoute(result(0.9, 0), result(0.1));
    expect(d).toEqual({ agent: "dev", scores: { docs: -1, dev: 0.1 } });
  });
});
