// The incremental indexer against the real LanceDB store: unchanged trees embed nothing, edits re-embed only
// the edited file's new chunks, deletions and ACL changes follow, bad inputs are counted skips.
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Embedder, Principal } from "@isa/core";
import { hashingEmbedder } from "@isa/core/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { IngestSummary } from "./indexer.js";
import { update } from "./indexer.js";
import type { LanceVectorStore } from "./store/index.js";
import { openLanceStore } from "./store/index.js";

function countingEmbedder(inner: Embedder): Embedder & { texts: string[] } {
  const texts: string[] = [];
  return {
    modelId: inner.modelId,
    dimensions: inner.dimensions,
    texts,
    async embed(batch) {
      texts.push(...batch);
      return inner.embed(batch);
    },
    close: () => inner.close(),
  };
}

const opts = { maxFileBytes: 2 * 1024 * 1024, defaultGroups: ["public"] };
const everyone: Principal = { id: "u", groups: ["public", "security"] };
const publicOnly: Principal = { id: "p", groups: ["public"] };

let dir: string;
let root: string;
let store: LanceVectorStore;
let embedder: ReturnType<typeof countingEmbedder>;

async function ingest(): Promise<IngestSummary> {
  embedder.texts.length = 0;
  const it = update([{ name: "docs", root }], { store, embedder }, opts);
  let r = await it.next();
  while (!r.done) r = await it.next();
  return r.value;
}

function write(rel: string, text: string) {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
}

const guide = (extra: string) =>
  `# Guide\n\n## Install\n\nRun the installer with --yes to accept defaults.\n\n## Configure\n\n${extra}\n\n## Uninstall\n\nDelete the folder and the cache under ~/.cache/tool.\n`;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "isa-indexer-"));
  root = path.join(dir, "src");
  write("guide.md", guide("Edit config.yaml and set the region to eu-central-1 for production workloads."));
  write("notes.txt", "Release notes.\n\nVersion 2 drops support for Node 18.\n");
  write("lib/math.py", "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n");
  embedder = countingEmbedder(hashingEmbedder(64));
  store = await openLanceStore({ dir: path.join(dir, "db"), dimensions: 64, modelId: embedder.modelId });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("update()", () => {
  it("embeds everything once, then nothing for an unchanged tree", async () => {
    const first = await ingest();
    expect(first.files).toBe(3);
    expect(first.embedded).toBe(first.chunks);
    expect(first.chunks).toBeGreaterThanOrEqual(3);
    const again = await ingest();
    expect(again).toMatchObject({ files: 3, unchanged: 3, embedded: 0, deleted: 0, chunks: first.chunks });
    expect(embedder.texts).toEqual([]);
  });

  it("re-embeds only the changed chunks of a changed file", async () => {
    const first = await ingest();
    write("guide.md", guide("Edit config.yaml and set the region to us-east-2 for staging workloads only."));
    const s = await ingest();
    expect(s.unchanged).toBe(2);
    expect(s.embedded).toBeGreaterThan(0);
    expect(s.embedded).toBeLessThan(first.chunks);
    expect(embedder.texts.every((t) => !t.includes("Release notes"))).toBe(true);
    expect(s.embedded + s.reused).toBeGreaterThan(0);
    const hits = await store.searchLexical("region", { k: 10, principal: everyone });
    const texts = hits.map((h) => h.chunk.text).join("\n");
    expect(texts).toContain("us-east-2");
    expect(texts).not.toContain("eu-central-1");
  });

  it("removes a deleted file's chunks", async () => {
    await ingest();
    rmSync(path.join(root, "notes.txt"));
    const s = await ingest();
    expect(s.deleted).toBe(1);
    expect(s.embedded).toBe(0);
    const hits = await store.searchLexical("release notes node", { k: 10, principal: everyone });
    expect(hits.map((h) => h.chunk.path)).not.toContain("notes.txt");
    expect((await store.listDocuments("docs")).map((d) => d.path).sort()).toEqual([
      "guide.md",
      "lib/math.py",
    ]);
  });

  it("re-writes a file whose ACL changed, without re-embedding, and filters it", async () => {
    await ingest();
    write("acl.yaml", "default: [public]\nrules:\n  - glob: 'lib/**'\n    groups: [security]\n");
    const s = await ingest();
    expect(s.embedded).toBe(0);
    expect(s.reused).toBeGreaterThan(0);
    const pub = await store.searchLexical("add mul", { k: 10, principal: publicOnly });
    expect(pub.map((h) => h.chunk.path)).not.toContain("lib/math.py");
    const sec = await store.searchLexical("add mul", { k: 10, principal: everyone });
    expect(sec.map((h) => h.chunk.path)).toContain("lib/math.py");
  });

  it("counts bad inputs as skips and indexes the rest", async () => {
    writeFileSync(path.join(root, "blob.bin"), Buffer.from([0, 1, 2, 3, 0, 255]));
    writeFileSync(path.join(root, "latin1.txt"), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    writeFileSync(path.join(root, "huge.txt"), "");
    truncateSync(path.join(root, "huge.txt"), 50 * 1024 * 1024);
    const s = await ingest();
    expect(s.files).toBe(3);
    expect(s.skipped).toBe(3);
    expect(s.skippedByReason).toMatchObject({ binary: 1, "invalid-utf8": 1, "too-large": 1 });
  });

  it("refuses a missing source before touching the index", async () => {
    await ingest();
    const it = update([{ name: "docs", root: path.join(dir, "nope") }], { store, embedder }, opts);
    await expect(it.next()).rejects.toMatchObject({ code: "PATH_INVALID" });
    expect((await store.listDocuments("docs")).length).toBe(3);
  });
});
