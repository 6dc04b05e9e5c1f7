// Test helper: where the tiny GGUF chat models live on a dev machine. Tests skip, saying why, when none is found.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The product's default model cache, `<repo>/.isa/models/<name>/` (ISA_DATA_DIR's default is `./.isa`). */
const cache = (rel: string) => fileURLToPath(new URL(`../../../../.isa/models/${rel}`, import.meta.url));

export type TestModel = "smollm2-135m" | "gemma3-270m";

const CANDIDATES: Record<TestModel, readonly string[]> = {
  "smollm2-135m": [
    cache("smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf"),
    "/tmp/gguf/SmolLM2-135M-Instruct.Q4_1.gguf",
  ],
  "gemma3-270m": [cache("gemma3-270m/gemma-3-270m-q4_k_m.gguf"), "/tmp/gguf/gemma-3-270m-q4_k_m.gguf"],
};

/** `ISA_TEST_GGUF` wins (for SmolLM2, the default test model); else the product's model cache; else /tmp/gguf. */
export function findTestGguf(model: TestModel = "smollm2-135m"): string | undefined {
  const fromEnv = model === "smollm2-135m" ? process.env.ISA_TEST_GGUF : undefined;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES[model].find((p) => existsSync(p));
}

export const NO_GGUF_MESSAGE =
  "skipped: no test GGUF found (set ISA_TEST_GGUF, run `isa setup`, or extract SmolLM2-135M-Instruct.Q4_1.gguf to /tmp/gguf)";
