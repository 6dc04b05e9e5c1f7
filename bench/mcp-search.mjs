#!/usr/bin/env node
// search_docs latency through a real MCP client: p50/p95 over stdio (the built `isa mcp docs-search`) and over
// Streamable HTTP (the same server behind createHttpHandler on 127.0.0.1), on the sample corpus with the real
// embedding model, next to the retriever called in-process (the floor both transports add to).
// Usage: node bench/mcp-search.mjs [--n 200] [--k 6]   (needs `npm run build` and `isa setup --no-llm`)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const repo = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: { n: { type: "string", default: "200" }, k: { type: "string", default: "6" } },
});
const n = Number(values.n);
const k = Number(values.k);
const imp = (p) => import(path.join(repo, p));
const { Client } = await imp("node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.js");
const { StdioClientTransport } = await imp("node_modules/@modelcontextprotocol/sdk/dist/esm/client/stdio.js");
const { StreamableHTTPClientTransport } = await imp(
  "node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.js",
);
const core = await imp("core/dist/index.js");
const backend = await imp("backend/engine/dist/index.js");
const mcp = await imp("mcp-servers/dist/index.js");

const work = mkdtempSync(path.join(tmpdir(), "isa-bench-mcp-"));
const env = {
  ...process.env,
  ISA_DATA_DIR: path.join(work, "data"),
  ISA_MODELS_DIR: process.env.ISA_MODELS_DIR ?? path.join(repo, ".isa", "models"),
  ISA_LOG_LEVEL: "silent",
};
execFileSync(
  process.execPath,
  [path.join(repo, "bin/isa.mjs"), "ingest", path.join(repo, "examples/acme"), "--json"],
  {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  },
);
const QUERIES = [
  "How do I rotate the staging database password?",
  "deploy to production",
  "on-call escalation policy",
  "who owns the billing service",
  "break-glass token",
  "rollback a release",
  "local development setup",
  "incident postmortem template",
];

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
async function measure(label, call) {
  for (let i = 0; i < 10; i++) await call(QUERIES[i % QUERIES.length]); // warm-up
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call(QUERIES[i % QUERIES.length]);
    ms.push(performance.now() - t0);
  }
  console.log(
    `${label.padEnd(22)} p50 ${pct(ms, 50).toFixed(2)} ms   p95 ${pct(ms, 95).toFixed(2)} ms   (n=${n}, k=${k})`,
  );
}
const principal = { id: "bench", groups: ["public"] };

// In-process floor: the same retriever and store the servers use.
const runtime = backend.createRuntime(core.loadConfig(env));
const retriever = await runtime.retriever();
const store = await runtime.store();
await measure("retriever (in-process)", (q) => retriever.retrieve(q, { principal, k }));

// Streamable HTTP, with a static token authenticator.
const handler = mcp.createHttpHandler({
  createServer: () => mcp.createDocsServer({ retriever, store }, mcp.principalFromAuth),
  authenticator: {
    authenticate: async (h) => (h === "Bearer bench" ? principal : Promise.reject(new Error("401"))),
  },
});
const listening = await mcp.listenHttp(handler, { port: 0 });
const httpClient = new Client({ name: "bench", version: "0" });
await httpClient.connect(
  new StreamableHTTPClientTransport(new URL(listening.url), {
    requestInit: { headers: { authorization: "Bearer bench" } },
  }),
);
await measure("search_docs over HTTP", (q) =>
  httpClient.callTool({ name: "search_docs", arguments: { query: q, k } }),
);
await httpClient.close();
await listening.close();
await runtime.close();

// stdio: the built CLI in a child process (its own runtime).
const stdioClient = new Client({ name: "bench", version: "0" });
await stdioClient.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: [path.join(repo, "bin/isa.mjs"), "mcp", "docs-search"],
    env,
  }),
);
await measure("search_docs over stdio", (q) =>
  stdioClient.callTool({ name: "search_docs", arguments: { query: q, k } }),
);
await stdioClient.close();
rmSync(work, { recursive: true, force: true });
process.exit(0);
