// The answerer end to end with test doubles of our own ports: a fixed retriever and a scripted Llm.
import { describe, expect, it } from "vitest";
import { chunk, config, fixedRetriever, hit, principal, scriptedLlm } from "../testkit/fakes.js";
import { createAnswerer } from "./answerer.js";

const deploy = chunk({
  path: "docs/deploy.md",
  title: "Deploying",
  headingPath: ["Billing"],
  text: "To deploy the billing service, run `make deploy-billing` from the repository root.\nDeploys need approval from the ops group.",
});
const oncall = chunk({
  path: "docs/oncall.md",
  title: "On-call",
  text: "The on-call rotation changes every Monday at 10:00 UTC.",
});
const style = chunk({ path: "docs/style.md", title: "Style", text: "Use two spaces for indentation." });
const hits = [hit(deploy, 0.8), hit(oncall, 0.5), hit(style, 0.3)];

async function ask(
  mode: "generate" | "extractive" | "hybrid",
  script: readonly string[],
  opts: { bestDenseScore?: number; hits?: typeof hits; question?: string } = {},
) {
  const llm = scriptedLlm(script);
  const retriever = fixedRetriever(opts.hits ?? hits, opts.bestDenseScore ?? 0.7);
  const streamed: string[] = [];
  const answerer = createAnswerer({ llm, retriever, config: { ...config({ answerMode: mode }) } });
  const res = await answerer.answer(opts.question ?? "How do I deploy the billing service?", {
    principal,
    onToken: (t) => streamed.push(t),
  });
  return { res, llm, retriever, streamed: streamed.join("") };
}

describe("createAnswerer: abstention from retrieval", () => {
  it("abstains without calling the LLM when the best dense score is below the threshold, listing the closest", async () => {
    const { res, llm, streamed } = await ask("generate", ["never"], { bestDenseScore: 0.1 });
    expect(llm.requests).toHaveLength(0);
    expect(res.abstained).toBe(true);
    expect(res.citations).toEqual([]);
    expect(res.closest?.map((c) => c.path)).toEqual(["docs/deploy.md", "docs/oncall.md", "docs/style.md"]);
    expect(res.answer).toMatch(/do not seem to cover/);
    expect(res.answer).toContain("docs/deploy.md");
    expect(streamed).toBe(res.answer);
    expect(res.timings.generateMs).toBe(0);
  });

  it("abstains without calling the LLM when nothing is found", async () => {
    const { res, llm } = await ask("hybrid", ["never"], { hits: [], bestDenseScore: 0.9 });
    expect(llm.requests).toHaveLength(0);
    expect(res.abstained).toBe(true);
    expect(res.closest).toEqual([]);
  });
});

describe("createAnswerer: generate", () => {
  it("sends fenced sources and the question, streams the answer, and structures the citations", async () => {
    const { res, llm, streamed } = await ask("generate", [
      "Run `make deploy-",
      "billing` [",
      "1",
      "] after ops approval [1, 2].",
    ]);
    const req = llm.requests[0];
    expect(req?.messages[0]?.role).toBe("system");
    expect(req?.messages[1]?.content).toContain('<source n="1" path="docs/deploy.md"');
    expect(req?.messages[1]?.content).toMatch(/Question: How do I deploy the billing service\?/);
    expect(req?.temperature).toBe(0);
    expect(res.answer).toBe("Run `make deploy-billing` [1] after ops approval [1, 2].");
    expect(streamed).toBe(res.answer);
    expect(res.abstained).toBe(false);
    expect(res.citationsInferred).toBe(false);
    expect(res.citations.map((c) => [c.n, c.path, c.startLine, c.endLine, c.title])).toEqual([
      [1, "docs/deploy.md", 1, 2, "Deploying"],
      [2, "docs/oncall.md", 1, 1, "On-call"],
    ]);
    expect(res.citations[0]?.headingPath).toEqual(["Billing"]);
    expect(res.citations[0]?.score).toBe(0.8);
    expect(res.usage).toEqual({ promptTokens: 100, completionTokens: 4 });
    expect(res.timings.firstTokenMs).toBeGreaterThanOrEqual(res.timings.retrieveMs);
  });

  it("strips citation numbers that name no source", async () => {
    const { res } = await ask("generate", ["Run make deploy-billing [1][7]. See also [9]."]);
    expect(res.answer).toBe("Run make deploy-billing [1]. See also.");
    expect(res.citations.map((c) => c.n)).toEqual([1]);
  });

  it("attaches the top sources, marked as inferred, when the model cites nothing", async () => {
    const { res } = await ask("generate", ["Run make deploy-billing from the root."]);
    expect(res.citationsInferred).toBe(true);
    expect(res.citations.map((c) => c.n)).toEqual([1, 2, 3]);
    expect(res.abstained).toBe(false);
  });

  it("treats an empty generation as an abstention in generate mode", async () => {
    const { res } = await ask("generate", ["\n", "  "]);
    expect(res.abstained).toBe(true);
    expect(res.answer).toMatch(/^I could not find the answer in the sources\.\n\nClosest documents:/);
  });

  it("marks a model's own 'not in the sources' as abstained and lists the closest documents", async () => {
    const { res, streamed } = await ask("generate", ["The sources do not contain the answer."]);
    expect(res.abstained).toBe(true);
    expect(res.closest?.map((c) => c.path)).toEqual(["docs/deploy.md", "docs/oncall.md", "docs/style.md"]);
    expect(res.answer).toMatch(
      /^The sources do not contain the answer\.\n\nClosest documents:\n- Deploying › Billing/,
    );
    expect(streamed).toBe(res.answer);
  });

  it("stops a looping model at the first repeated line", async () => {
    const line = "To deploy the billing service, run make deploy-billing [1].\n";
    const { res, streamed } = await ask("generate", [line, line, line, line]);
    expect(res.answer).toBe(line.trim());
    expect(streamed).toBe(res.answer);
  });

  it("drops the model's leading and trailing blank lines", async () => {
    const { res, streamed } = await ask("hybrid", ["\n  ", "You need ops approval [1].", "\n\n", "\n"]);
    expect(res.answer).toMatch(/^You need ops approval \[1\]\.\n\nFrom the sources:/);
    expect(streamed).toBe(res.answer);
  });

  it("fits sources to the context: only what fits is sent, and only those numbers can be cited", async () => {
    const big = (i: number) =>
      hit(chunk({ path: `docs/big${i}.md`, text: `Fact ${i}. `.repeat(300) }), 0.9 - i / 100);
    const llm = scriptedLlm(["Fact 1 [1] and fact 3 [3]."]);
    const answerer = createAnswerer({
      llm,
      retriever: fixedRetriever([big(1), big(2), big(3)]),
      config: config({ contextTokens: 1400, maxTokens: 200 }),
    });
    const res = await answerer.answer("What is fact 1?", { principal });
    const user = llm.requests[0]?.messages[1]?.content ?? "";
    expect(user).toContain('<source n="1" path="docs/big1.md"');
    expect(user).not.toContain("docs/big3.md");
    expect(res.answer).toBe("Fact 1 [1] and fact 3.");
    expect(res.citations.map((c) => c.path)).toEqual(["docs/big1.md"]);
  });

  it("passes the caller's abort signal to the LLM", async () => {
    const ctrl = new AbortController();
    const llm = scriptedLlm(() => {
      ctrl.abort();
      return ["never", "shown"];
    });
    const answerer = createAnswerer({ llm, retriever: fixedRetriever(hits), config: config() });
    await expect(answerer.answer("How do I deploy?", { principal, signal: ctrl.signal })).rejects.toThrow(
      /abort/i,
    );
  });
});

describe("createAnswerer: extractive", () => {
  it("answers with the evidence sentences containing the question's terms, each cited, without an LLM", async () => {
    const { res, llm, streamed } = await ask("extractive", ["never"]);
    expect(llm.requests).toHaveLength(0);
    expect(res.answer.split("\n\n")[0]).toBe(
      "To deploy the billing service, run `make deploy-billing` from the repository root. [1]",
    );
    expect(res.citations.map((c) => c.path)).toContain("docs/deploy.md");
    expect(res.citations[0]?.n).toBe(1);
    expect(res.citationsInferred).toBe(false);
    expect(streamed).toBe(res.answer);
  });
});

describe("createAnswerer: hybrid", () => {
  it("appends the best evidence quote the generated answer lacks", async () => {
    const { res, streamed } = await ask("hybrid", ["You need ops approval [1]."]);
    expect(res.answer).toMatch(
      /^You need ops approval \[1\]\.\n\nFrom the sources:\n\nTo deploy the billing service, run `make deploy-billing`/,
    );
    expect(res.citations.map((c) => c.n)).toEqual([1]);
    expect(streamed).toBe(res.answer);
  });

  it("does not repeat a quote the answer already contains", async () => {
    const { res } = await ask("hybrid", [
      "To deploy the billing service, run `make deploy-billing` from the repository root [1]. Deploys need approval from the ops group [1].",
    ]);
    expect(res.answer).not.toContain("From the sources:");
  });

  it("answers with the evidence alone when the model only echoes the prompt", async () => {
    const { res, streamed } = await ask("hybrid", [
      "You answer questions about a company's internal documents and code, using only the numbered sources you are given.\n",
      "Cite the source of each fact",
    ]);
    expect(res.answer).toMatch(
      /^To deploy the billing service, run `make deploy-billing` from the repository root\. \[1\]/,
    );
    expect(res.abstained).toBe(false);
    expect(res.citations[0]?.path).toBe("docs/deploy.md");
    expect(streamed).toBe(res.answer);
  });

  it("offers the evidence as closest passages when the model finds nothing", async () => {
    const { res } = await ask("hybrid", ["I could not find that in the sources."]);
    expect(res.abstained).toBe(true);
    expect(res.answer).toMatch(/Closest passages in the sources:\n\nTo deploy the billing service/);
    expect(res.closest?.length).toBe(3);
  });
});
