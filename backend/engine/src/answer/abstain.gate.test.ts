// The key-term abstention gate over a real LanceDB store and retriever (hashing embedder): a question naming
// something no readable chunk mentions is not answered from unrelated documents, a question whose names the
// sources do mention still is, and a name found only in a document the caller cannot read counts as unmentioned
// (the abstention reveals nothing about the restricted document), while a caller who can read it gets the answer.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Config, VectorStore } from "@isa/core";
import { CONFORMANCE_DIMENSIONS, fixtureDoc, hashingEmbedder } from "@isa/core/testkit";
import { openLanceStore } from "@isa/ingest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRetriever } from "../retrieval/retriever.js";
import { config, principal, scriptedLlm } from "../testkit/fakes.js";
import { unmentionedTerms } from "./abstain.js";
import { createAnswerer } from "./answerer.js";

const retrievalConfig: Config["retrieval"] = {
  mode: "hybrid",
  topK: 3,
  rrfK: 60,
  maxChunksPerDoc: 2,
  abstainMinScore: -1,
};
const embedder = hashingEmbedder(CONFORMANCE_DIMENSIONS);
const runbook = fixtureDoc({
  path: "runbooks/rotate-staging-db-password.md",
  acl: ["public"],
  texts: [
    "# Rotate the staging database password\n\nThe password lives in Vault. Rotate it every 90 days with `vault write`.",
    "## Steps\n\n1. Generate a new password.\n2. Restart the consumers in node_modules order: `kubectl rollout restart`.",
  ],
});
const incident = fixtureDoc({
  path: "security/incident-response.md",
  acl: ["security"],
  texts: [
    "# Break-glass account\n\nThe break-glass account is `acme-breakglass`; its token is in the office safe.",
  ],
});
const security = { id: "sec", groups: ["public", "security"] } as const;

let dir: string;
let store: VectorStore;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "isa-abstain-gate-"));
  store = await openLanceStore({ dir, dimensions: embedder.dimensions, modelId: embedder.modelId });
  await store.upsert([...runbook.chunks, ...incident.chunks], [runbook.state, incident.state]);
});
afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

// The score gate is off (-1) so only the key-term gate can abstain; a bar of 1 means "any dense score".
const answererConfig = {
  ...config({ answerMode: "extractive" }),
  retrieval: { topK: 3, abstainMinScore: -1 },
};
const answerer = (minScore?: number) =>
  createAnswerer({
    llm: scriptedLlm(["never"]),
    retriever: createRetriever({ store, embedder, config: retrievalConfig }),
    config: {
      ...answererConfig,
      retrieval: { ...answererConfig.retrieval, abstainUnmentionedMinScore: minScore },
    },
    index: store,
  });

describe("unmentionedTerms", () => {
  it("finds names verbatim up to case and separators, and only in chunks the caller can read", async () => {
    expect(await unmentionedTerms(store, ["Vault", "node-modules", "Dependabot"], principal)).toEqual([
      "Dependabot",
    ]);
    expect(await unmentionedTerms(store, ["acme-breakglass"], principal)).toEqual(["acme-breakglass"]);
    expect(await unmentionedTerms(store, ["acme-breakglass"], security)).toEqual([]);
  });
});

describe("createAnswerer: key-term abstention", () => {
  const dependabot = "How do I configure Dependabot to rotate the staging database password?";

  it("abstains, listing the closest documents, when a named thing is mentioned nowhere", async () => {
    const res = await answerer(1).answer(dependabot, { principal });
    expect(res.abstained).toBe(true);
    expect(res.citations).toEqual([]);
    expect(res.answer).toMatch(
      /^The indexed sources do not seem to cover this question\.\n\nClosest documents:/,
    );
    expect(res.closest?.[0]?.path).toBe("runbooks/rotate-staging-db-password.md");
  });

  it("answers the same question without the gate, or when retrieval is stronger than the bar", async () => {
    expect((await answerer().answer(dependabot, { principal })).abstained).toBe(false);
    expect((await answerer(-1).answer(dependabot, { principal })).abstained).toBe(false);
  });

  it("answers when every name in the question is mentioned", async () => {
    const res = await answerer(1).answer("How do I rotate the staging database password with Vault?", {
      principal,
    });
    expect(res.abstained).toBe(false);
    expect(res.answer).toContain("Rotate it every 90 days");
  });

  it("treats a name found only in a restricted document as unmentioned for a caller who cannot read it", async () => {
    const q = "Where is the token of the `acme-breakglass` account kept?";
    const outsider = await answerer(1).answer(q, { principal });
    expect(outsider.abstained).toBe(true);
    expect(JSON.stringify(outsider)).not.toContain("office safe");
    expect(JSON.stringify(outsider.closest)).not.toContain("security/");
    const insider = await answerer(1).answer(q, { principal: security });
    expect(insider.abstained).toBe(false);
    expect(insider.answer).toContain("office safe");
  });
});
