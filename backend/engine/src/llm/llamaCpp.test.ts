// The embedded llama.cpp adapter with the real SmolLM2-135M GGUF (skipped, saying why, when the file is absent).
import type { ChatDelta, ChatRequest } from "@isa/core";
import { AppError } from "@isa/core";
import { afterAll, describe, expect, it } from "vitest";
import { findTestGguf, NO_GGUF_MESSAGE } from "../testkit/testGguf.js";
import type { LlamaCppLlm } from "./llamaCpp.js";
import { createLlamaCppLlm } from "./llamaCpp.js";

const gguf = findTestGguf();

async function run(llm: LlamaCppLlm, req: ChatRequest): Promise<{ text: string; deltas: ChatDelta[] }> {
  const deltas: ChatDelta[] = [];
  for await (const d of llm.stream(req)) deltas.push(d);
  return { text: deltas.map((d) => (d.type === "token" ? d.text : "")).join(""), deltas };
}

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [
    { role: "system", content: "You are a concise assistant." },
    { role: "user", content },
  ],
  maxTokens: 16,
  ...extra,
});

describe("createLlamaCppLlm without a model file", () => {
  it("fails with MODEL_NOT_READY naming the path, and retries on the next call", async () => {
    const llm = createLlamaCppLlm({ modelPath: "/nonexistent/dir/model.gguf", contextTokens: 512 });
    expect(llm.modelId).toBe("model");
    for (let i = 0; i < 2; i++) {
      const err = await run(llm, ask("hi")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("MODEL_NOT_READY");
      expect((err as AppError).message).toContain("/nonexistent/dir/model.gguf");
    }
    await llm.close();
  });
});

// Generous timeouts: these run real inference on shared CPU cores.
describe.skipIf(!gguf)(
  `createLlamaCppLlm with SmolLM2-135M${gguf ? "" : ` (${NO_GGUF_MESSAGE})`}`,
  { timeout: 180_000 },
  () => {
    const llm = createLlamaCppLlm({ modelPath: gguf ?? "", contextTokens: 1024, threads: 1 });
    afterAll(() => llm.close());

    it("streams at least one token, then exactly one done with usage, honouring maxTokens", async () => {
      const { text, deltas } = await run(llm, ask("Name three colours.", { maxTokens: 8 }));
      const tokens = deltas.filter((d) => d.type === "token");
      const done = deltas.filter((d) => d.type === "done");
      expect(tokens.length).toBeGreaterThanOrEqual(1);
      expect(text.trim()).not.toBe("");
      expect(done).toHaveLength(1);
      expect(deltas.at(-1)?.type).toBe("done");
      const last = done[0];
      if (last?.type !== "done") throw new Error("unreachable");
      expect(last.usage?.promptTokens).toBeGreaterThan(5);
      expect(last.usage?.completionTokens).toBeLessThanOrEqual(8);
      expect(["stop", "length"]).toContain(last.finishReason);
    });

    it("is reproducible and stateless: the same request gives the same text before and after another one", async () => {
      const q = ask("What is the capital of France?");
      const first = await run(llm, q);
      await run(llm, ask("My secret code word is PINEAPPLE. Remember it."));
      const again = await run(llm, q);
      expect(again.text).toBe(first.text);
      expect(again.text).not.toContain("PINEAPPLE");
    });

    it("stops at a stop sequence", async () => {
      const q = ask("Name three colours.", { maxTokens: 24 });
      const free = await run(llm, q);
      // Greedy decoding repeats itself, so a word from the free answer makes a stop sequence we know will occur.
      const word = free.text.split(/\s+/).filter((w) => w.length >= 3)[1];
      expect(word).toBeDefined();
      const cut = free.text.indexOf(word ?? "");
      const stopped = await run(llm, { ...q, stop: [word ?? ""] });
      expect(stopped.text).toBe(free.text.slice(0, cut));
      expect(stopped.deltas.at(-1)).toMatchObject({ type: "done", finishReason: "stop" });
    });

    it("serialises concurrent requests on one sequence without mixing their tokens", async () => {
      const a = ask("What is the capital of France?");
      const b = ask("Name three colours.");
      const [solo] = [await run(llm, a)];
      const [ra, rb] = await Promise.all([run(llm, a), run(llm, b)]);
      expect(ra.text).toBe(solo.text);
      expect(rb.text.trim()).not.toBe("");
    });

    it("aborts mid-stream via req.signal, then serves the next request normally", async () => {
      const ctrl = new AbortController();
      const seen: ChatDelta[] = [];
      const err = await (async () => {
        for await (const d of llm.stream(
          ask("Write a long story about a dragon.", { maxTokens: 200, signal: ctrl.signal }),
        )) {
          seen.push(d);
          if (seen.length === 2) ctrl.abort();
        }
      })().catch((e: unknown) => e);
      expect((err as Error).name).toBe("AbortError");
      expect(seen.length).toBeLessThan(10);
      expect(seen.some((d) => d.type === "done")).toBe(false);
      const next = await run(llm, ask("Name three colours.", { maxTokens: 4 }));
      expect(next.deltas.at(-1)?.type).toBe("done");
    });

    it("counts tokens with the model's tokenizer and reports its context size", async () => {
      expect(await llm.countTokens("Hello world")).toBeGreaterThanOrEqual(2);
      expect(await llm.contextSize()).toBe(1024);
    });
  },
);

// LLM_GPU (core/src/config.ts): `off` must stay on the CPU; an explicit backend that cannot load here (no CUDA on
// CI machines) answers on the CPU and says so once. On a GPU node with the CUDA binary, the `cuda` case checks
// the backend in use instead.
describe.skipIf(!gguf)(
  `createLlamaCppLlm GPU setting${gguf ? "" : ` (${NO_GGUF_MESSAGE})`}`,
  { timeout: 180_000 },
  () => {
    it("gpu: false (LLM_GPU=off, the default) loads the CPU backend and warns about nothing", async () => {
      const warnings: string[] = [];
      const llm = createLlamaCppLlm({
        modelPath: gguf ?? "",
        contextTokens: 512,
        threads: 1,
        onWarning: (m) => warnings.push(m),
      });
      try {
        expect(await llm.gpu()).toBe(false);
        expect(warnings).toEqual([]);
      } finally {
        await llm.close();
      }
    });

    it("gpu: cuda uses CUDA when its backend loads, else answers on the CPU with exactly one warning", async () => {
      const warnings: string[] = [];
      const llm = createLlamaCppLlm({
        modelPath: gguf ?? "",
        contextTokens: 512,
        threads: 1,
        gpu: "cuda",
        onWarning: (m) => warnings.push(m),
      });
      try {
        const backend = await llm.gpu();
        if (backend === false) {
          expect(warnings).toHaveLength(1);
          expect(warnings[0]).toContain("LLM_GPU=cuda");
          expect(warnings[0]).toContain("on the CPU instead");
        } else {
          expect(backend).toBe("cuda");
          expect(warnings).toEqual([]);
        }
        const { text } = await run(llm, ask("Say hello.", { maxTokens: 4 }));
        expect(text.trim()).not.toBe("");
        // Loaded once: no second warning on later calls.
        expect(warnings.length).toBeLessThanOrEqual(1);
      } finally {
        await llm.close();
      }
    });
  },
);
