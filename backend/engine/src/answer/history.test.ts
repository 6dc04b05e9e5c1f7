// Conversation history in the answerer: which follow-ups are retrieved with the previous question, how earlier turns
// are bounded in the prompt, and that an answer without history is exactly the single-turn one.
import { describe, expect, it } from "vitest";
import { chunk, config, hit, principal, scriptedLlm } from "../testkit/fakes.js";
import { createAnswerer } from "./answerer.js";
import {
  FOLLOW_UP_MARGIN,
  HISTORY_ANSWER_CHARS,
  HISTORY_TURNS,
  historyMessages,
  isFollowUp,
  retrievalQuery,
} from "./history.js";
import type { AnswerRetriever } from "./types.js";

const first = {
  question: "Where does the break-glass token live?",
  answer: "In the vault under ops/breakglass [1].",
};

describe("retrievalQuery", () => {
  it("is the question itself without history", () => {
    expect(retrievalQuery("How do I rotate it?")).toBe("How do I rotate it?");
    expect(retrievalQuery("How do I rotate it?", [])).toBe("How do I rotate it?");
  });

  it("prefixes the previous question to a short or referring follow-up", () => {
    expect(retrievalQuery("How do I rotate it?", [first])).toBe(`${first.question}\nHow do I rotate it?`);
    expect(retrievalQuery("And staging?", [first])).toBe(`${first.question}\nAnd staging?`);
    const longReferring =
      "Which team owns that procedure and who approves changes to the vault paths it uses?";
    expect(isFollowUp(longReferring)).toBe(true);
  });

  it("leaves a long self-contained question alone", () => {
    const q = "How many vacation days does a new starter get per year in the Berlin office?";
    expect(isFollowUp(q)).toBe(false);
    expect(retrievalQuery(q, [first])).toBe(q);
  });
});

describe("historyMessages", () => {
  it("keeps the last turns as user/assistant pairs, clipped, without citation markers", () => {
    const turns = Array.from({ length: 7 }, (_, i) => ({
      question: `Question ${i}?`,
      answer: `${"word ".repeat(400)}[${i + 1}]`,
    }));
    const m = historyMessages(turns);
    expect(m).toHaveLength(HISTORY_TURNS * 2);
    expect(m[0]).toEqual({ role: "user", content: `Question ${7 - HISTORY_TURNS}?` });
    expect(
      m.filter((x) => x.role === "assistant").every((x) => x.content.length <= HISTORY_ANSWER_CHARS),
    ).toBe(true);
    expect(m.some((x) => /\[\d+\]/.test(x.content))).toBe(false);
  });
});

describe("createAnswerer with history", () => {
  const vault = chunk({ path: "sec/breakglass.md", text: "The break-glass token lives in the vault." });
  const queries: string[] = [];
  const retriever: AnswerRetriever = {
    async retrieve(query) {
      queries.push(query);
      return { hits: [hit(vault, 0.8)], bestDenseScore: 0.8 };
    },
  };

  /** Scores by query: the follow-up alone finds the wrong document weakly; with the previous question, the vault. */
  const deploy = chunk({
    path: "eng/deploy.md",
    text: "Rotate the staging database password with rotate-db.",
  });
  const scored = (aloneScore: number, expandedScore: number): AnswerRetriever => ({
    async retrieve(query) {
      queries.push(query);
      return query.includes("\n")
        ? { hits: [hit(vault, expandedScore)], bestDenseScore: expandedScore }
        : { hits: [hit(deploy, aloneScore)], bestDenseScore: aloneScore };
    },
  });
  const firstSource = (llm: ReturnType<typeof scriptedLlm>) =>
    /<source n="1" path="([^"]+)"/.exec(llm.requests[0]?.messages.at(-1)?.content ?? "")?.[1];

  it("a follow-up is also searched with the previous question, used when clearly more confident", async () => {
    const llm = scriptedLlm(["Rotate it after use [1]."]);
    const answerer = createAnswerer({
      llm,
      retriever: scored(0.45, 0.7),
      config: config({ answerMode: "generate" }),
    });
    await answerer.answer("How do I rotate it?", { principal, history: [first] });
    expect(queries.slice(-2)).toEqual(["How do I rotate it?", `${first.question}\nHow do I rotate it?`]);
    expect(firstSource(llm)).toBe("sec/breakglass.md");
    const messages = llm.requests[0]?.messages ?? [];
    expect(messages.map((x) => x.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[2]?.content).toBe("In the vault under ops/breakglass.");
    // The current question, not the expanded retrieval query, is what the model is asked.
    expect(messages[3]?.content).toMatch(/Question: How do I rotate it\?\n/);
  });

  it(`the follow-up's own search stands unless the expanded one beats it by ${FOLLOW_UP_MARGIN}`, async () => {
    const llm = scriptedLlm(["ok [1]"]);
    const answerer = createAnswerer({
      llm,
      retriever: scored(0.5, 0.5 + FOLLOW_UP_MARGIN - 0.01),
      config: config({ answerMode: "generate" }),
    });
    await answerer.answer("How do I rotate it?", { principal, history: [first] });
    expect(firstSource(llm)).toBe("eng/deploy.md");
    // A long self-contained question is not searched twice.
    const before = queries.length;
    await answerer.answer("How many vacation days does a new starter get per year in the Berlin office?", {
      principal,
      history: [first],
    });
    expect(queries.length - before).toBe(1);
  });

  it("without history: the retrieval query and the prompt are the single-turn ones", async () => {
    const llm = scriptedLlm(["ok [1]"]);
    const answerer = createAnswerer({ llm, retriever, config: config({ answerMode: "generate" }) });
    await answerer.answer("How do I rotate it?", { principal });
    expect(queries.at(-1)).toBe("How do I rotate it?");
    expect(llm.requests[0]?.messages.map((x) => x.role)).toEqual(["system", "user"]);
  });

  it("earlier turns take room from the sources, at most a quarter of the window, oldest dropped first", async () => {
    const big = chunk({
      path: "big.md",
      text: Array.from({ length: 300 }, (_, i) => `line ${i} of text`).join("\n"),
    });
    const r: AnswerRetriever = { retrieve: async () => ({ hits: [hit(big, 0.8)], bestDenseScore: 0.8 }) };
    const run = async (history: { question: string; answer: string }[], contextTokens: number) => {
      const llm = scriptedLlm(["ok [1]"]);
      const answerer = createAnswerer({
        llm,
        retriever: r,
        config: config({ contextTokens, maxTokens: 256 }),
      });
      await answerer.answer("What is on line 3?", { principal, history });
      const messages = llm.requests[0]?.messages ?? [];
      return { turns: (messages.length - 2) / 2, sourceChars: messages.at(-1)?.content.length ?? 0 };
    };
    const long = Array.from({ length: 4 }, (_, i) => ({
      question: `${i} ${"q ".repeat(200)}`,
      answer: "a ".repeat(400),
    }));
    // (2048 - 256) / 4 = 448 tokens for history: one ~270-token turn fits, not two.
    const withHistory = await run(long, 2048);
    const without = await run([], 2048);
    expect(withHistory.turns).toBe(1);
    expect(withHistory.sourceChars).toBeLessThan(without.sourceChars);
    // A window too small for any turn answers without history rather than failing.
    expect((await run(long, 1024)).turns).toBe(0);
  });
});
