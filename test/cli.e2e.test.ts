// End-to-end through the front door: the built `isa` CLI on the sample corpus, with the real models.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, "..");
const bin = path.join(repo, "bin", "isa.mjs");
const modelsDir = process.env.ISA_MODELS_DIR ?? path.join(repo, ".isa", "models");
// Outside CI a missing build or model skips; in CI (where setup ran) it must run, so a broken setup fails loudly.
const ready =
  process.env.CI === "true" ||
  (existsSync(path.join(repo, "backend", "cli", "dist", "main.js")) && existsSync(modelsDir));

let work: string;
let corpus: string;

async function isa(args: string[], extraEnv: Record<string, string> = {}) {
  const env = {
    ...process.env,
    ISA_DATA_DIR: path.join(work, "data"),
    ISA_MODELS_DIR: modelsDir,
    ...extraEnv,
  };
  try {
    return await run(process.execPath, [bin, ...args], { env, maxBuffer: 16 << 20, timeout: 240_000 });
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

describe.skipIf(!ready)("isa CLI end to end (sample corpus)", () => {
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), "isa-e2e-"));
    corpus = path.join(work, "acme");
    cpSync(path.join(repo, "examples", "acme"), corpus, { recursive: true });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("ingests, then re-ingests an unchanged tree without embedding anything", async () => {
    const first = JSON.parse((await isa(["ingest", corpus, "--json"])).stdout);
    expect(first.files).toBeGreaterThanOrEqual(9);
    expect(first.chunks).toBeGreaterThan(first.files);
    expect(first.embedded).toBe(first.chunks);
    const again = JSON.parse((await isa(["ingest", corpus, "--json"])).stdout);
    expect(again).toMatchObject({ files: first.files, chunks: first.chunks, embedded: 0, deleted: 0 });
    expect(again.unchanged).toBe(first.files);
  });

  it("re-embeds only the changed file and drops a deleted one", async () => {
    writeFileSync(
      path.join(corpus, "docs", "onboarding.md"),
      "# Onboarding checklist\n\nAsk for a YubiKey on day one; it guards SSO.\n",
    );
    rmSync(path.join(corpus, "runbooks", "deploy-to-production.md"));
    const s = JSON.parse((await isa(["ingest", corpus, "--json"])).stdout);
    expect(s.deleted).toBe(1);
    expect(s.embedded).toBeGreaterThan(0);
    expect(s.embedded).toBeLessThanOrEqual(2);
    const hits = JSON.parse(
      (await isa(["search", "production deploy window Argo CD", "--json", "--k", "10"])).stdout,
    ).hits;
    expect(hits.map((h: { path: string }) => h.path)).not.toContain("runbooks/deploy-to-production.md");
  });

  it("finds the runbook and answers with structured citations", async () => {
    const search = JSON.parse((await isa(["search", "rotate staging database password", "--json"])).stdout);
    expect(search.hits[0].path).toBe("runbooks/rotate-staging-db-password.md");
    const ask = JSON.parse(
      (await isa(["ask", "How do I rotate the staging database password?", "--json"])).stdout,
    );
    expect(ask.abstained).toBe(false);
    expect(ask.answer.length).toBeGreaterThan(20);
    expect(ask.citations.length).toBeGreaterThan(0);
    expect(ask.citations[0]).toMatchObject({
      path: expect.any(String),
      startLine: expect.any(Number),
      endLine: expect.any(Number),
    });
    expect(ask.citations.map((c: { path: string }) => c.path)).toContain(
      "runbooks/rotate-staging-db-password.md",
    );
  });

  it("never shows a restricted document to a principal without its group", async () => {
    const q = "break-glass AWS account hardware token";
    const pub = JSON.parse((await isa(["search", q, "--json", "--k", "20"])).stdout).hits;
    expect(pub.map((h: { path: string }) => h.path)).not.toContain("security/incident-response.md");
    const sec = JSON.parse((await isa(["search", q, "--json", "--groups", "security"])).stdout).hits;
    expect(sec[0].path).toBe("security/incident-response.md");
    const ask = JSON.parse(
      (await isa(["ask", "Where is the break-glass account token kept?", "--json"])).stdout,
    );
    const cited = [...ask.citations, ...ask.closest].map((c: { path: string }) => c.path);
    expect(cited).not.toContain("security/incident-response.md");
    expect(ask.answer).not.toContain("Berlin office safe");
  });

  it("abstains on a question the sources do not cover", async () => {
    const ask = JSON.parse((await isa(["ask", "What is the recipe for sourdough bread?", "--json"])).stdout);
    expect(ask.abstained).toBe(true);
    expect(ask.citations).toEqual([]);
  });

  it("fails clearly on bad input", async () => {
    const missing = await isa(["ingest", path.join(work, "does-not-exist")]);
    expect(missing.stderr).toContain("PATH_INVALID");
    const badK = await isa(["search", "x", "--k", "zero"]);
    expect(badK.stderr).toContain("INPUT_INVALID");
    const badEnv = await isa(["search", "x"], { ISA_TOP_K: "-3" });
    expect(badEnv.stderr).toContain("ISA_TOP_K");
  });
});
