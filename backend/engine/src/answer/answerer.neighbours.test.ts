// Extractive answers over the real retriever (temp LanceDB store, hashing embedder): when the per-document cap
// leaves only a how-to's introduction in the top k, the answer still quotes its steps from the chunks around that
// hit (small-to-big), each cited with the line range of the chunk it was quoted from.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Config, VectorStore } from "@isa/core";
import { CONFORMANCE_DIMENSIONS, fixtureDoc, hashingEmbedder } from "@isa/core/testkit";
import { openLanceStore } from "@isa/ingest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRetriever } from "../retrieval/retriever.js";
import { config, principal, scriptedLlm } from "../testkit/fakes.js";
import { createAnswerer } from "./answerer.js";

const retrievalConfig: Config["retrieval"] = {
  mode: "hybrid",
  topK: 2,
  rrfK: 60,
  maxChunksPerDoc: 1,
  abstainMinScore: 0,
};
const embedder = hashingEmbedder(CONFORMANCE_DIMENSIONS);
const runbook = fixtureDoc({
  path: "runbooks/rotate-staging-db-password.md",
  acl: ["public"],
  texts: [
    "# Rotate the staging database password\n\nThe staging database password lives in Vault. Rotate the staging database password every 90 days.",
    "## Before you start\n\n- You need the db-admin role in Vault.\n- Announce it in the ops channel ten minutes ahead.",
    "## Steps\n\n1. Generate a new password: `vault write -f database/rotate-role/staging-app`.\n2. Restart the consumers: `kubectl -n staging rollout restart deploy/billing-api`.\n3. Watch the connection pool metrics for five minutes.",
  ],
});
const script = fixtureDoc({
  source: "repo",
  path: "scripts/restart-consumers.sh",
  kind: "code",
  acl: ["public"],
  texts: [
    "#!/usr/bin/env bash\n# Restart every deployment that reads the staging database, after a password rotation.\nset -euo pipefail\n\nkubectl -n staging rollout restart deploy/billing-api",
  ],
});

let dir: string;
let store: VectorStore;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "isa-neighbours-"));
  store = await openLanceStore({ dir, dimensions: embedder.dimensions, modelId: embedder.modelId });
  await store.upsert([...runbook.chunks, ...script.chunks], [runbook.state, script.state]);
});
afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const question = "How do I rotate the staging database password?";
const answererConfig = {
  ...config({ answerMode: "extractive" }),
  retrieval: { topK: 2, abstainMinScore: 0 },
};

describe("createAnswerer (extractive): small-to-big over the real retriever", () => {
  it("quotes the steps from the chunk around the retrieved introduction, cited by that chunk's lines", async () => {
    const retriever = createRetriever({ store, embedder, config: retrievalConfig });
    const retrieved = await retriever.retrieve(question, { principal, k: 2 });
    const steps = runbook.chunks[2]!;
    // The premise: the cap keeps one chunk of the runbook in the top k, and it is not the steps.
    expect(retrieved.hits.map((h) => h.chunk.id)).not.toContain(steps.id);

    const llm = scriptedLlm(["never"]);
    const answerer = createAnswerer({ llm, retriever, config: answererConfig });
    const res = await answerer.answer(question, { principal });
    expect(llm.requests).toHaveLength(0);
    expect(res.answer).toContain(
      "Steps:\n1. Generate a new password: `vault write -f database/rotate-role/staging-app`.\n2. Restart the consumers:",
    );
    const cited = res.citations.find((c) => c.chunkId === steps.id);
    expect(cited).toMatchObject({ path: steps.path, startLine: steps.startLine, endLine: steps.endLine });
    expect(res.answer).toMatch(new RegExp(`five minutes\\. \\[${cited?.n}\\]`));
    // Every citation is a chunk the answer quotes, by its own line range.
    for (const c of res.citations) expect(res.answer).toContain(`[${c.n}]`);
    // Numbers read 1..m without gaps, although the steps chunk was a source numbered after every hit.
    expect(res.citations.map((c) => c.n)).toEqual(res.citations.map((_, i) => i + 1));
    // Shell boilerplate is never an answer.
    expect(res.answer).not.toContain("set -euo pipefail");
    expect(res.answer).not.toContain("#!/usr/bin/env");

    // Without neighbours (a retriever that only retrieves) the same question cannot reach the steps.
    const plain = createAnswerer({
      llm,
      retriever: { retrieve: (q, o) => retriever.retrieve(q, o) },
      config: answererConfig,
    });
    expect((await plain.answer(question, { principal })).answer).not.toContain("Generate a new password");
  });
});
