#!/usr/bin/env node
// The system under test for the official A2A TCK (../shared/a2a-tck): the product's own A2A stack (`isa serve
// --role a2a`: fastify routes, agent cards, task store, bearer auth, error mapping) with the TCK's scenario agent
// (backend/server/src/a2a/tckScenario.ts) as every agent's executor. Needs the build (`npx tsc -b`).
//   node scripts/a2a-tck-sut.mjs --port N [--host 127.0.0.1] [--token T]
// Prints `A2A TCK SUT ready: <base URL>` when it listens; the TCK's bearer plugin sends A2A_AUTH_TOKEN (default
// below). Stops on SIGINT/SIGTERM.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    token: { type: "string" },
  },
});
const token = values.token ?? process.env.A2A_AUTH_TOKEN ?? "tck-sut-token-0123456789";
const dir = mkdtempSync(path.join(tmpdir(), "isa-tck-sut-"));
const tokens = path.join(dir, "tokens.yaml");
writeFileSync(
  tokens,
  `- token_sha256: ${createHash("sha256").update(token).digest("hex")}\n  user: tck\n  groups: []\n`,
);

const { loadConfig } = await import("@isa/core");
const { authenticatorFromConfig } = await import("@isa/auth");
const { createRuntime } = await import("@isa/engine");
const { startServer } = await import("@isa/server");
const { createTckScenarioExecutor } = await import("@isa/server/tck");

const config = loadConfig({
  ...process.env,
  ISA_DATA_DIR: dir,
  ISA_TOKENS_FILE: tokens,
  ISA_LOG_LEVEL: process.env.ISA_LOG_LEVEL ?? "warn",
  ISA_RATE_LIMIT_PER_MIN: "100000",
});
// The runtime is lazy and the scenario executor never asks it for anything: no model or index is loaded.
const runtime = createRuntime(config);
const executor = createTckScenarioExecutor();
const server = await startServer(
  config,
  {
    runtime,
    authenticator: authenticatorFromConfig(config),
    roles: { api: false, a2a: true },
    a2a: { executors: () => executor },
  },
  { host: values.host, port: Number(values.port) },
);
process.stdout.write(`A2A TCK SUT ready: ${server.url}\n`);
const stop = async () => {
  await server.close({ deadlineMs: 1000 });
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
