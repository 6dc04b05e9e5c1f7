// QDRANT_URL switches the runtime's store to Qdrant (a real server from ../shared/qdrant, started here): the same
// indexer and retriever work over it, with the ACL applied in the store query. Needs the embedding model
// (`isa setup`, as the other model tests); in CI a missing Qdrant binary or model fails, elsewhere it skips.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "@isa/core";
import { sourceFromPath, update } from "@isa/ingest/indexer";
import type { TestQdrant } from "@isa/ingest/qdrant/testkit";
import { qdrantTestsRun, startTestQdrant } from "@isa/ingest/qdrant/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "./runtime.js";
import { createRuntime } from "./runtime.js";

const repo = path.resolve(import.meta.dirname, "..", "..", "..");
const modelsDir = process.env.ISA_MODELS_DIR ?? path.join(repo, ".isa", "models");
const ready = qdrantTestsRun() && (process.env.CI === "true" || existsSync(modelsDir));

describe.skipIf(!ready)("runtime over Qdrant (QDRANT_URL)", () => {
  let server: TestQdrant;
  let runtime: Runtime;
  const work = mkdtempSync(path.join(tmpdir(), "isa-rt-qdrant-"));

  beforeAll(async () => {
    server = await startTestQdrant();
    const docs = path.join(work, "docs");
    mkdirSync(path.join(docs, "security"), { recursive: true });
    writeFileSync(
      path.join(docs, "acl.yaml"),
      "default: [public]\nrules:\n  - glob: security/\n    groups: [security]\n",
    );
    writeFileSync(
      path.join(docs, "rotate.md"),
      "# Rotate the staging password\n\nRun the rotate-db job in staging.\n",
    );
    writeFileSync(
      path.join(docs, "security", "breakglass.md"),
      "# Break-glass\n\nThe break-glass token lives in ops/breakglass.\n",
    );
    const config = loadConfig({
      ISA_DATA_DIR: path.join(work, "data"),
      ISA_MODELS_DIR: modelsDir,
      QDRANT_URL: server.url,
      QDRANT_COLLECTION: "rt_test",
    });
    runtime = createRuntime(config);
    const run = update(
      [sourceFromPath(docs, "docs")],
      { store: await runtime.store(), embedder: await runtime.embedder() },
      {
        maxFileBytes: config.ingest.maxFileBytes,
        defaultGroups: config.ingest.defaultGroups,
      },
    );
    for (let r = await run.next(); !r.done; r = await run.next()) {
      // progress events
    }
  }, 180_000);

  afterAll(async () => {
    await runtime?.close();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("stores in Qdrant, not LanceDB, and retrieves with the caller's groups inside the query", async () => {
    const store = await runtime.store();
    expect(store.constructor.name).toBe("QdrantVectorStore");
    expect(existsSync(path.join(work, "data", "lancedb"))).toBe(false);
    const retriever = await runtime.retriever();
    const pub = await retriever.retrieve("where does the break-glass token live", {
      principal: { id: "p", groups: ["public"] },
    });
    expect(pub.hits.map((h) => h.chunk.path)).not.toContain("security/breakglass.md");
    const sec = await retriever.retrieve("where does the break-glass token live", {
      principal: { id: "s", groups: ["public", "security"] },
    });
    expect(sec.hits[0]?.chunk.path).toBe("security/breakglass.md");
  }, 120_000);
});
