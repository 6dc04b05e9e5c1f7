import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Packages resolve to their TypeScript sources in tests, so `vitest run` needs no build first.
const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// `vscode` exists only inside VS Code: modules under vscode-extension/src resolve it to the extension's typed test
// double; nothing else in the repository can import it.
const extensionSrc = src("./vscode-extension/src/");
const vscodeDouble = {
  name: "isa-vscode-test-double",
  enforce: "pre" as const,
  resolveId(source: string, importer: string | undefined) {
    if (source === "vscode" && importer?.startsWith(extensionSrc))
      return src("./vscode-extension/src/testkit/vscode.ts");
    return null;
  },
};

export default defineConfig({
  plugins: [vscodeDouble],
  resolve: {
    alias: [
      { find: /^@isa\/core$/, replacement: src("./core/src/index.ts") },
      { find: /^@isa\/core\/testkit$/, replacement: src("./core/src/testkit/index.ts") },
      { find: /^@isa\/ingest$/, replacement: src("./ingest/src/index.ts") },
      { find: /^@isa\/ingest\/acl$/, replacement: src("./ingest/src/acl.ts") },
      { find: /^@isa\/ingest\/indexer$/, replacement: src("./ingest/src/indexer.ts") },
      { find: /^@isa\/ingest\/lance$/, replacement: src("./ingest/src/store/index.ts") },
      { find: /^@isa\/ingest\/qdrant$/, replacement: src("./ingest/src/store/qdrant.ts") },
      {
        find: /^@isa\/ingest\/qdrant\/testkit$/,
        replacement: src("./ingest/src/store/testkit/index.ts"),
      },
      { find: /^@isa\/ingest\/embed$/, replacement: src("./ingest/src/embed/index.ts") },
      { find: /^@isa\/ingest\/models$/, replacement: src("./ingest/src/models/index.ts") },
      { find: /^@isa\/engine$/, replacement: src("./backend/engine/src/index.ts") },
      { find: /^@isa\/engine\/testkit$/, replacement: src("./backend/engine/src/testkit/index.ts") },
      { find: /^@isa\/auth$/, replacement: src("./backend/auth/src/index.ts") },
      { find: /^@isa\/agents$/, replacement: src("./backend/agents/src/index.ts") },
      { find: /^@isa\/agents\/adk$/, replacement: src("./backend/agents/src/adk/index.ts") },
      { find: /^@isa\/server$/, replacement: src("./backend/server/src/index.ts") },
      { find: /^@isa\/server\/testkit$/, replacement: src("./backend/server/src/testkit/index.ts") },
      { find: /^@isa\/cli$/, replacement: src("./backend/cli/src/main.ts") },
      { find: /^@isa\/kafka$/, replacement: src("./backend/kafka/src/index.ts") },
      { find: /^@isa\/kafka\/testkit$/, replacement: src("./backend/kafka/src/testkit/index.ts") },
      { find: /^@isa\/tracking$/, replacement: src("./backend/tracking/src/index.ts") },
      { find: /^@isa\/tracking\/testkit$/, replacement: src("./backend/tracking/src/testkit/index.ts") },
      { find: /^@isa\/bot$/, replacement: src("./bot/src/index.ts") },
      { find: /^@isa\/mcp-servers$/, replacement: src("./mcp-servers/src/index.ts") },
      { find: /^@isa\/mcp-servers\/testkit$/, replacement: src("./mcp-servers/src/testkit/index.ts") },
    ],
  },
  test: {
    include: [
      "{core,ingest,mcp-servers,bot}/src/**/*.test.ts",
      "backend/*/src/**/*.test.ts",
      "vscode-extension/src/**/*.test.ts",
      "test/**/*.test.ts",
      "vscode-extension/e2e/**/*.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
