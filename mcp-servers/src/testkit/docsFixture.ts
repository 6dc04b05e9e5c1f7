// TEST UTILITY: the docs-search server over a temp corpus, as its HTTP tests use it: the test's files become the
// `acme` source, whose acl.yaml keeps security/ to the security group (extra sources, when given, are public);
// ingest's update() indexes them into LanceDB with the deterministic hashing embedder (no model needed); bob
// (public only) and alice (security group, so she also reads security/) connect over Streamable HTTP (TOKENS_YAML).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Embedder, VectorStore } from "@isa/core";
import { loadConfig } from "@isa/core";
import { hashingEmbedder } from "@isa/core/testkit";
import { createRetriever } from "@isa/engine";
import { openLanceStore, update } from "@isa/ingest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { createDocsServer, type DocsDeps } from "../docs/docsServer.js";
import { principalFromAuth } from "../shared/principal.js";
import { type HttpFixture, startHttp } from "./fixtures.js";

export interface DocsFixture {
  readonly store: VectorStore;
  /** The embedder the store was indexed with (for another reader of the same store, e.g. the API). */
  readonly embedder: Embedder;
  readonly http: HttpFixture;
  readonly bob: Client;
  readonly alice: Client;
  /** Closes the clients, the listener and the store, and removes the temp tree. */
  close(): Promise<void>;
}

/** Everything public except security/, which only the security group reads. */
export const SECURITY_ACL = "default: [public]\nrules:\n  - glob: security/\n    groups: [security]\n";

export interface DocsFixtureOptions extends Omit<DocsDeps, "retriever" | "store"> {
  /** More sources, by name (relative path → text), indexed beside `acme` with no acl.yaml (public). */
  readonly extraSources?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** `files` (relative path → text) are the `acme` source, with SECURITY_ACL as its acl.yaml; `options` adds
 * docs-search options and other sources. */
export async function startDocsFixture(
  files: Readonly<Record<string, string>>,
  options: DocsFixtureOptions = {},
): Promise<DocsFixture> {
  const { extraSources = {}, ...server } = options;
  const work = mkdtempSync(path.join(tmpdir(), "isa-mcp-docs-"));
  let store: VectorStore | undefined;
  let http: HttpFixture | undefined;
  const close = async () => {
    await http?.close();
    await store?.close();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const trees: [string, Readonly<Record<string, string>>][] = [
      ["acme", { "acl.yaml": SECURITY_ACL, ...files }],
      ...Object.entries(extraSources),
    ];
    for (const [name, tree] of trees) {
      for (const [rel, text] of Object.entries(tree)) {
        mkdirSync(path.dirname(path.join(work, "src", name, rel)), { recursive: true });
        writeFileSync(path.join(work, "src", name, rel), text);
      }
    }
    const embedder = hashingEmbedder(64);
    const opened = await openLanceStore({
      dir: path.join(work, "lancedb"),
      dimensions: 64,
      modelId: embedder.modelId,
    });
    store = opened;
    const gen = update(
      trees.map(([name]) => ({ name, root: path.join(work, "src", name) })),
      { store: opened, embedder },
      { maxFileBytes: 1 << 20, defaultGroups: ["public"] },
    );
    for (let r = await gen.next(); !r.done; r = await gen.next()) {
      /* drain progress */
    }
    const retriever = createRetriever({ store: opened, embedder, config: loadConfig({}).retrieval });
    const started = await startHttp(() =>
      createDocsServer({ ...server, retriever, store: opened }, principalFromAuth),
    );
    http = started;
    const bob = await started.connect("bob-token");
    const alice = await started.connect("alice-token");
    return { store: opened, embedder, http: started, bob, alice, close };
  } catch (err) {
    await close();
    throw err;
  }
}
