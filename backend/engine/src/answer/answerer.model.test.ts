// End to end with the real SmolLM2-135M GGUF through the embedded llama.cpp adapter (skipped when absent).
import { afterAll, describe, expect, it } from "vitest";
import { createLlamaCppLlm } from "../llm/llamaCpp.js";
import { chunk, config, fixedRetriever, hit, principal } from "../testkit/fakes.js";
import { findTestGguf, NO_GGUF_MESSAGE } from "../testkit/testGguf.js";
import { createAnswerer } from "./answerer.js";

const gguf = findTestGguf();

describe.skipIf(!gguf)(`answerer with SmolLM2-135M${gguf ? "" : ` (${NO_GGUF_MESSAGE})`}`, () => {
  const llm = createLlamaCppLlm({ modelPath: gguf ?? "", contextTokens: 2048, threads: 1 });
  afterAll(() => llm.close());
  const hits = [
    hit(
      chunk({
        path: "docs/db.md",
        title: "Database",
        headingPath: ["Backups"],
        startLine: 12,
        endLine: 14,
        text: "The orders database runs PostgreSQL 16.\nBackups run nightly at 02:00 and are kept for 30 days.\nTo restore, open a ticket with the data platform team.",
      }),
      0.82,
    ),
    hit(
      chunk({
        path: "docs/oncall.md",
        title: "On-call",
        text: "The on-call rotation changes every Monday at 10:00 UTC.",
      }),
      0.41,
    ),
  ];

  it("hybrid: streams a non-empty generated answer, then cited evidence, with structured citations", async () => {
    const pieces: string[] = [];
    const answerer = createAnswerer({
      llm,
      retriever: fixedRetriever(hits),
      config: config({ answerMode: "hybrid", maxTokens: 48, contextTokens: 2048 }),
    });
    const res = await answerer.answer("How long are database backups kept?", {
      principal,
      onToken: (t) => pieces.push(t),
    });
    // Several pieces: the model's tokens arrived one by one, not as one block at the end.
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join("")).toBe(res.answer);
    expect(res.answer.trim().length).toBeGreaterThan(0);
    expect(res.timings.generateMs).toBeGreaterThan(0);
    // Whatever the tiny model wrote, the answer carries the fact (quoted evidence when the model missed it).
    expect(res.answer).toContain("30 days");
    const all = [...res.citations, ...(res.closest ?? [])];
    expect(all.length).toBeGreaterThan(0);
    for (const c of all) {
      expect(c.n).toBeGreaterThanOrEqual(1);
      expect(c.n).toBeLessThanOrEqual(hits.length);
      expect(["docs/db.md", "docs/oncall.md"]).toContain(c.path);
      expect(c.startLine).toBeLessThanOrEqual(c.endLine);
      expect(c.chunkId).toMatch(/^c-/);
    }
    expect(res.citations.some((c) => c.path === "docs/db.md" && c.startLine === 12 && c.endLine === 14)).toBe(
      true,
    );
  }, 240_000);
});
