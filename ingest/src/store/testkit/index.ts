// Test utilities for the Qdrant store (import as `@isa/ingest/qdrant/testkit`, only in tests and benches): a real
// Qdrant server on a free port, the CI-or-skip rule for its binary, and a fresh store per call.
import { randomUUID } from "node:crypto";
import type { QdrantVectorStore } from "../qdrantStore.js";
import { openQdrantStore } from "../qdrantStore.js";
import type { TestQdrant } from "./qdrantServer.js";
import { qdrantPrerequisite } from "./qdrantServer.js";

export type { TestQdrant } from "./qdrantServer.js";
export { qdrantBinary, qdrantPrerequisite, startTestQdrant } from "./qdrantServer.js";

/**
 * Whether Qdrant suites run here: true when the binary is present, or under CI=true (where a missing binary must
 * fail, so `startTestQdrant` throws naming it). Elsewhere a missing binary prints the reason and returns false,
 * for `describe.skipIf(!qdrantTestsRun())`.
 */
export function qdrantTestsRun(): boolean {
  const missing = qdrantPrerequisite();
  if (!missing || process.env.CI === "true") return true;
  // biome-ignore lint/suspicious/noConsole: the skip reason must show in the test output.
  console.warn(`Skipping the Qdrant tests: ${missing}`);
  return false;
}

/** A fresh, empty Qdrant store in its own collection on `server` (harnesses: the permission matrix, the eval). */
export function openTestQdrantStore(
  server: Pick<TestQdrant, "url">,
  opts: { readonly dimensions: number; readonly modelId: string; readonly collection?: string },
): Promise<QdrantVectorStore> {
  return openQdrantStore({
    url: server.url,
    collection: opts.collection ?? `isa_test_${randomUUID().replaceAll("-", "")}`,
    dimensions: opts.dimensions,
    modelId: opts.modelId,
  });
}
