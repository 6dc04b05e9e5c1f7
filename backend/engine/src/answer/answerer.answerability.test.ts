// Answerability through the answerer: a question about a sibling of what the sources cover gets a `partial` answer
// in every mode (the model is not asked), and a generated answer citing sources that miss what was asked is marked.
import type { ScoredChunk } from "@isa/core";
import { describe, expect, it } from "vitest";
import { chunk, config, fixedRetriever, hit, principal, scriptedLlm } from "../testkit/fakes.js";
import type { AnswerabilityIndex } from "./answerability.js";
import { createAnswerer } from "./answerer.js";
import { terms } from "./terms.js";

const staging = chunk({
  path: "runbooks/rotate-staging-db-password.md",
  title: "Rotate the staging database password",
  text: "Generate a new password with `vault write -f database/rotate-role/staging-app`.",
});
const prod = chunk({
  path: "runbooks/deploy-to-production.md",
  title: "Deploying to production",
  text: "Production deploys go through Argo CD.",
});
const others = Array.from({ length: 8 }, (_, i) =>
  chunk({ path: `docs/n${i}.md`, title: `Note ${i}`, text: "Unrelated words about the team." }),
);
const all = [staging, prod, ...others];
const index: AnswerabilityIndex = {
  async searchLexical(query, opts) {
    const q = new Set(terms(query));
    const out: ScoredChunk[] = [];
    for (const c of all)
      if (terms(`${c.title} ${c.path} ${c.text}`).some((t) => q.has(t))) out.push({ chunk: c, score: 1 });
    return out.slice(0, opts.k);
  },
  async stats() {
    return { chunks: all.length };
  },
};

async function ask(
  mode: "generate" | "extractive" | "hybrid",
  question: string,
  script: readonly string[] = [],
) {
  const llm = scriptedLlm(script);
  const answerer = createAnswerer({
    llm,
    retriever: fixedRetriever([hit(staging, 0.7)], 0.7),
    config: config({ answerMode: mode }),
    index,
  });
  return { res: await answerer.answer(question, { principal }), llm };
}

describe("createAnswerer: answerability", () => {
  for (const mode of ["extractive", "generate", "hybrid"] as const) {
    it(`${mode}: says what the sources describe and what is not covered, state partial, quoted`, async () => {
      const { res, llm } = await ask(mode, "How do I rotate the production database password?", ["never"]);
      expect(llm.requests).toHaveLength(0);
      expect(res.state).toBe("partial");
      expect(res.mode).toBe("quoted");
      expect(res.abstained).toBe(false);
      expect(res.notCovered).toEqual(["production"]);
      expect(res.answer).toMatch(
        /^The sources describe “Rotate the staging database password”; nothing in them covers “production”\./,
      );
      expect(res.citations.map((c) => c.path)).toEqual(["runbooks/rotate-staging-db-password.md"]);
    });
  }

  it("answers when the evidence covers what was asked", async () => {
    const { res } = await ask("extractive", "How do I rotate the staging database password?");
    expect(res.state).toBe("answered");
    expect(res.mode).toBe("quoted");
    expect(res.answer).toContain("vault write");
  });

  it("generate: the answer is generated when covered", async () => {
    const { res, llm } = await ask("generate", "How do I rotate the staging database password?", [
      "Run `vault write -f database/rotate-role/staging-app` [1].",
    ]);
    expect(llm.requests).toHaveLength(1);
    expect(res.state).toBe("answered");
    expect(res.mode).toBe("generated");
  });
});
