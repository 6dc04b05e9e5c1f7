// EMBED_DEVICE=cuda: the CUDA execution provider when onnxruntime-node can load it, otherwise the CPU with one
// warning (README.md, EMBED_DEVICE). On a machine without the CUDA provider (CI, and any install made with
// ONNXRUNTIME_NODE_INSTALL=skip) this exercises the fallback; on a GPU node with the provider, the CUDA path.
// Needs the installed model (`isa setup`): fails in CI without it, skips elsewhere with a message.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { cosineSimilarity, loadConfig } from "@isa/core";
import { afterAll, describe, expect, it } from "vitest";
import { modelStatus } from "../models/ensureModel.js";
import { createEmbedderFromConfig } from "./createEmbedderFromConfig.js";
import type { OnnxEmbedder } from "./onnxEmbedder.js";
import { createOnnxEmbedder } from "./onnxEmbedder.js";

const TEXTS = [
  "How do I rotate the staging database password?",
  "npm ci installs exactly what package-lock.json lists.",
  "",
];

const cpuConfig = loadConfig({ ...process.env, EMBED_DEVICE: "cpu" });
const cudaConfig = loadConfig({ ...process.env, EMBED_DEVICE: "cuda" });
const status = await modelStatus("all-MiniLM-L6-v2", cpuConfig);
const installed = status.files.every((f) => f.state !== "missing");
const reason = `all-MiniLM-L6-v2 is not installed in ${status.dir}; run \`isa setup\``;
if (!installed && process.env.CI !== "true") console.warn(`SKIPPED EMBED_DEVICE tests: ${reason}.`);

describe("EMBED_DEVICE", () => {
  if (!installed && process.env.CI === "true") {
    it("has its prerequisite", () => {
      expect.fail(`missing prerequisite: ${reason}`);
    });
    return;
  }
  const opened: OnnxEmbedder[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((e) => e.close()));
  });

  it.skipIf(!installed)("cpu: runs on the CPU and warns about nothing", async () => {
    const warnings: string[] = [];
    const e = await createEmbedderFromConfig(cpuConfig, { onWarning: (m) => warnings.push(m) });
    opened.push(e);
    expect(e.device).toBe("cpu");
    expect(e.requestedDevice).toBe("cpu");
    expect(e.fallbackReason).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it.skipIf(!installed)(
    "cuda: uses the CUDA provider when it loads, else embeds on the CPU with exactly one warning",
    async () => {
      const warnings: string[] = [];
      const cuda = await createEmbedderFromConfig(cudaConfig, { onWarning: (m) => warnings.push(m) });
      const cpu = await createEmbedderFromConfig(cpuConfig);
      opened.push(cuda, cpu);
      expect(cuda.requestedDevice).toBe("cuda");
      if (cuda.device === "cpu") {
        console.info(`EMBED_DEVICE=cuda fell back to the CPU: ${cuda.fallbackReason}`);
        expect(cuda.fallbackReason).toMatch(/\S/);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain("EMBED_DEVICE=cuda");
        expect(warnings[0]).toContain("embedding on the CPU instead");
        expect(warnings[0]).toContain(cuda.fallbackReason);
      } else {
        expect(cuda.device).toBe("cuda");
        expect(cuda.fallbackReason).toBeUndefined();
        expect(warnings).toEqual([]);
      }
      // Same vectors either way (CUDA kernels differ in the last digits, not in meaning).
      const [a, b] = await Promise.all([cuda.embed(TEXTS), cpu.embed(TEXTS)]);
      expect(a).toHaveLength(TEXTS.length);
      for (const [k, v] of a.entries()) {
        expect(v).toHaveLength(384);
        expect(cosineSimilarity(v, b[k] ?? [])).toBeGreaterThan(cuda.device === "cpu" ? 0.99999 : 0.999);
      }
    },
  );

  it.skipIf(!installed)(
    "cuda without an onWarning: the fallback is a process warning with its own code",
    async () => {
      const seen: Error[] = [];
      const onWarning = (w: Error) => seen.push(w);
      process.on("warning", onWarning);
      try {
        const e = await createEmbedderFromConfig(cudaConfig);
        opened.push(e);
        // process warnings are emitted on the next tick.
        await new Promise((r) => setImmediate(r));
        const ours = seen.filter((w) => (w as Error & { code?: string }).code === "ISA_EMBED_CUDA_FALLBACK");
        expect(ours).toHaveLength(e.device === "cpu" ? 1 : 0);
      } finally {
        process.off("warning", onWarning);
      }
    },
  );

  it.skipIf(!installed)(
    "cuda with a broken model file fails with EMBEDDING_FAILED instead of falling back",
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "isa-embed-device-"));
      try {
        const modelPath = path.join(dir, "model.onnx");
        await writeFile(modelPath, "not an onnx graph");
        const tokenizerPath = path.join(status.dir, "tokenizer.json");
        const warnings: string[] = [];
        const err = await createOnnxEmbedder({
          modelPath,
          tokenizerPath,
          device: "cuda",
          onWarning: (m) => warnings.push(m),
        }).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: "EMBEDDING_FAILED", details: { device: "cuda" } });
        expect(warnings).toEqual([]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
