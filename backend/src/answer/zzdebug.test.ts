import { it } from "vitest";
import { createLlamaCppLlm } from "../llm/llamaCpp.js";
import { createAnswerer } from "./answerer.js";
import { chunk, config, fixedRetriever, hit, principal } from "./testkit/fakes.js";

it("debug", async () => {
  const llm = createLlamaCppLlm({ modelPath: process.env.DBG_GGUF ?? "/tmp/gguf/SmolLM2-135M-Instruct.Q4_1.gguf", contextTokens: 2048, threads: 2 });
  const hits = [
    hit(chunk({ path: "docs/deploy.md", title: "Deploying", headingPath: ["Billing service"], startLine: 12, endLine: 14,
      text: "To deploy the billing service, run `make deploy-billing` from the repository root.\nDeploys need approval from the ops group." }), 0.82),
    hit(chunk({ path: "docs/oncall.md", title: "On-call", text: "The on-call rotation changes every Monday at 10:00 UTC." }), 0.41),
  ];
  for (const answerMode of ["generate", "hybrid"] as const) {
    const answerer = createAnswerer({ llm, retriever: fixedRetriever(hits), config: config({ answerMode, maxTokens: 96 }) });
    const res = await answerer.answer("How do I deploy the billing service?", { principal });
    console.log(JSON.stringify({ answerMode, answer: res.answer, abstained: res.abstained, cit: res.citations.map((c) => c.n), inferred: res.citationsInferred, usage: res.usage, timings: res.timings }, null, 1));
  }
  await llm.close();
}, 300_000);
