import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Packages resolve to their TypeScript sources in tests, so `vitest run` needs no build first.
const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@isa\/core$/, replacement: src("./core/src/index.ts") },
      { find: /^@isa\/core\/testkit$/, replacement: src("./core/src/testkit/index.ts") },
      { find: /^@isa\/ingest$/, replacement: src("./ingest/src/index.ts") },
      { find: /^@isa\/backend$/, replacement: src("./backend/src/index.ts") },
      { find: /^@isa\/bot$/, replacement: src("./bot/src/index.ts") },
      { find: /^@isa\/mcp-servers$/, replacement: src("./mcp-servers/src/index.ts") },
    ],
  },
  test: {
    include: ["{core,ingest,backend,mcp-servers,bot}/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
