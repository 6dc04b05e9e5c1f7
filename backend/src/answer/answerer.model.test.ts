// End to end with the real SmolLM2-135M GGUF through the embedded llama.cpp adapter (skipped when absent).
import { afterAll, describe, expect, it } from "vitest";
import { createLlamaCppLlm } from "../llm/llamaCpp.js";
import { findTestGguf, NO_GGUF_MESSAGE } from "../llm/testkit/testGguf.js";
import { createAnswerer } from "./answerer.js";
import { chunk, config, fixedRetriever, hit, principal } from "./testkit/fakes.js";

const gguf = findTestGguf();

describe.skipIf(!gguf)(`answerer with SmolLM2-135M${gguf ? "" : ` (${NO_GGUF_MESSAGE})`}`, () => {
  const llm = createLlamaCppLlm({ modelPath: gguf ?? "", contextTokens: 2048, threads: 2 });
  afterAll(() => llm.close());
  const hits = [
    hit(
      chunk({
        path: "docs/deploy.md",
        title: "Deploying",
        headingPath: ["Billing service"],
        startLine: 12,
        endLine: 14,
        text: "To deploy the billing service, run `make deploy-billing` from the repository root.\nDeploys need approval from the ops group.",
      }),
      0.82,
    ),
    hit(chunk({ path: "docs/oncall.md", title: "On-call", text: "The on-call rotation changes every Monday at 10:00 UTC." }), 0.41),
  ];

  it.each(["generate", "hybrid"] as const)("%s: streams a non-empty answer with structured citations", async (answerMode) => {
    const pieces: string[] = [];
    const answerer = createAnswerer({ llm, retriever: fixedRetriever(hits), config: config({ answerMode, maxTokens: 96 }) });
    const res = await answerer.answer("How do I deploy the billing service?", { principal, onToken: (t) => pieces.push(t) });
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(res.answer);
    expect(res.answer.trim().length).toBeGreaterThan(0);
    expect(res.citations.length).toBeGreaterThan(0);
    for (const c of res.citations) {
      expect(c.n).toBeGreaterThanOrEqual(1);
      expect(c.n).toBeLessThanOrEqual(hits.length);
      expect(["docs/deploy.md", "docs/oncall.md"]).toContain(c.path);
      expect(c.startLine).toBeLessThanOrEqual(c.endLine);
      expect(typeof c.score).toBe("number");
    }
    expect(res.usage?.completionTokens).toBeGreaterThan(0);
    expect(res.timings.generateMs).toBeGreaterThan(0);
    if (answerMode === "hybrid") expect(res.answer).toContain("make deploy-billing");
  });
});
