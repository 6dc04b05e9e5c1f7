// Parity of OnnxEmbedder (int8-weight ONNX) with the reference sentence-transformers (fp32 torch) vectors and
// token ids stored in fixtures/minilm-reference.json (made by fixtures/make_reference.py). Needs the installed
// model (`isa setup`); skips with a message when it is absent.
import { readFile } from "node:fs/promises";
import { AppError, cosineSimilarity, loadConfig } from "@isa/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelStatus } from "../models/ensureModel.js";
import { createEmbedderFromConfig } from "./createEmbedderFromConfig.js";
import type { OnnxEmbedder } from "./onnxEmbedder.js";
import { createOnnxEmbedder } from "./onnxEmbedder.js";

interface Reference {
  readonly maxSeqLength: number;
  readonly dimensions: number;
  readonly items: readonly { text: string; tokenIds: number[]; vector: number[] }[];
}

const MIN_COSINE = 0.99;
const config = loadConfig({ ...process.env, EMBED_BATCH_SIZE: "4" });
const status = await modelStatus("all-MiniLM-L6-v2", config);
// A stale stamp is not "missing": createEmbedderFromConfig re-verifies such files locally.
const installed = status.files.every((f) => f.state !== "missing");
if (!installed) {
  console.warn(
    `SKIPPED OnnxEmbedder parity: all-MiniLM-L6-v2 is not installed in ${status.dir}; run \`isa setup\`.`,
  );
}
const ref = JSON.parse(
  await readFile(new URL("./fixtures/minilm-reference.json", import.meta.url), "utf8"),
) as Reference;

const cosine = cosineSimilarity;

describe.skipIf(!installed)("OnnxEmbedder (all-MiniLM-L6-v2)", () => {
  let embedder: OnnxEmbedder;
  beforeAll(async () => {
    embedder = await createEmbedderFromConfig(config);
  });
  afterAll(async () => {
    await embedder?.close();
  });

  it("tokenizes exactly like the reference tokenizer, including truncation to 256", () => {
    expect(ref.maxSeqLength).toBe(256);
    for (const item of ref.items)
      expect(embedder.encoder.encode(item.text), JSON.stringify(item.text)).toEqual(item.tokenIds);
    expect(Math.max(...ref.items.map((i) => i.tokenIds.length))).toBe(256);
  });

  it(`matches the reference vectors with cosine >= ${MIN_COSINE}`, async () => {
    expect(embedder.modelId).toBe("all-MiniLM-L6-v2");
    expect(embedder.dimensions).toBe(ref.dimensions);
    const vectors = await embedder.embed(ref.items.map((i) => i.text));
    const cos = ref.items.map((item, k) => cosine(vectors[k] ?? [], item.vector));
    const min = Math.min(...cos);
    const mean = cos.reduce((a, b) => a + b, 0) / cos.length;
    console.info(
      `parity vs sentence-transformers fp32: min cosine ${min.toFixed(6)}, mean ${mean.toFixed(6)} (n=${cos.length})`,
    );
    for (const [k, c] of cos.entries())
      expect(c, JSON.stringify(ref.items[k]?.text.slice(0, 60))).toBeGreaterThanOrEqual(MIN_COSINE);
  });

  it("returns unit vectors in input order whatever the batching, and embeds the empty string", async () => {
    const texts = ref.items.map((i) => i.text).reverse();
    const batched = await embedder.embed(texts);
    const single = await Promise.all(texts.map(async (t) => (await embedder.embed([t]))[0]));
    expect(batched).toHaveLength(texts.length);
    for (const [k, v] of batched.entries()) {
      expect(v).toHaveLength(384);
      expect(cosine(v, v)).toBeCloseTo(1, 5);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
      // Padding to a longer batch member must not change a vector.
      expect(cosine(v, single[k] ?? [])).toBeGreaterThan(0.99999);
    }
    expect(await embedder.embed([])).toEqual([]);
  });

  it("fails with EMBEDDING_FAILED once closed", async () => {
    const e = await createEmbedderFromConfig(config);
    await e.close();
    await expect(e.embed(["x"])).rejects.toMatchObject({ code: "EMBEDDING_FAILED" });
  });
});

describe("createOnnxEmbedder", () => {
  it("reports missing files as MODEL_NOT_READY", async () => {
    const err = await createOnnxEmbedder({
      modelPath: "/nonexistent/model.onnx",
      tokenizerPath: "/nonexistent/t.json",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("MODEL_NOT_READY");
  });

  it("reports a model that is not installed as MODEL_NOT_READY from the config path", async () => {
    const empty = loadConfig({ ISA_DATA_DIR: "/nonexistent-isa-data" });
    await expect(createEmbedderFromConfig(empty)).rejects.toMatchObject({ code: "MODEL_NOT_READY" });
  });
});
