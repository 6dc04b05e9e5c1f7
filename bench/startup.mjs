#!/usr/bin/env node
// Cold start to first response, and resident memory then, for each process role — this tree against another
// checkout (`--before <dir>`, e.g. a git worktree of an older commit, built), in the same run.
//   node bench/startup.mjs [--before /tmp/isa-before] [--rounds 3]
// Roles: `isa mcp files` and `isa mcp git` (stdio: time to the initialize reply), `isa mcp docs-search` (stdio, over an
// index of examples/acme), `isa serve` (time to the first 200 from /healthz), and an engine-only script that answers
// one question (extractive) through the engine's runtime. RSS is VmRSS of the process when the first response arrives.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { before: { type: "string" }, rounds: { type: "string", default: "3" } },
});
const rounds = Number(values.rounds);
const here = path.resolve(import.meta.dirname, "..");
const models = process.env.ISA_MODELS_DIR ?? path.join(here, ".isa", "models");
const trees = [
  ...(values.before ? [{ name: "before", dir: path.resolve(values.before) }] : []),
  { name: "after", dir: here },
];

const work = mkdtempSync(path.join(tmpdir(), "isa-startup-"));
const token = "bench-startup-token-123456";
writeFileSync(
  path.join(work, "tokens.yaml"),
  `- token_sha256: ${createHash("sha256").update(token).digest("hex")}\n  user: bench\n  groups: [engineering]\n`,
);

const rssMb = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
};
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function envFor(tree) {
  return {
    ...process.env,
    ISA_DATA_DIR: path.join(work, tree.name),
    ISA_MODELS_DIR: models,
    ISA_TOKENS_FILE: path.join(work, "tokens.yaml"),
    ISA_LOG_LEVEL: "warn",
  };
}

/** Spawn, wait for `ready(stdout so far)` or a poll to succeed; returns ms and RSS at that moment. */
function measure(tree, args, { stdin, poll } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const proc = spawn(process.execPath, args, {
      cwd: tree.dir,
      env: envFor(tree),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let done = false;
    const finish = (ok) => {
      if (done) return;
      done = true;
      const ms = performance.now() - t0;
      const rss = rssMb(proc.pid);
      proc.kill("SIGKILL");
      ok ? resolve({ ms, rss }) : reject(new Error(`${args.join(" ")}: ${out.slice(-500)}`));
    };
    proc.stdout.on("data", (b) => {
      out += b;
      if (!poll && out.includes('"id":1')) finish(true);
      if (!poll && args.includes("--answer") && out.includes("ANSWERED")) finish(true);
    });
    proc.stderr.on("data", (b) => {
      out += b;
    });
    proc.once("exit", () => finish(false));
    if (stdin) proc.stdin.write(stdin);
    if (poll) {
      const tick = async () => {
        if (done) return;
        if (await poll().catch(() => false)) finish(true);
        else setTimeout(tick, 10);
      };
      tick();
    }
    setTimeout(() => finish(false), 120_000);
  });
}

const INIT = `${JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "0" } },
})}\n`;

// The engine-only role: load the engine, build the runtime over the index, answer one question.
const ENGINE_SCRIPT = (tree) => {
  const after = existsSync(path.join(tree.dir, "backend", "engine", "dist", "index.js"));
  const entry = after ? "backend/engine/dist/index.js" : "backend/dist/index.js";
  return `
const { loadConfig } = await import(${JSON.stringify(path.join(tree.dir, "core/dist/index.js"))});
const { createRuntime } = await import(${JSON.stringify(path.join(tree.dir, entry))});
const runtime = createRuntime(loadConfig());
const answerer = await runtime.answerer();
const r = await answerer.answer("How do I rotate the staging database password?", { principal: { id: "bench", groups: ["public", "engineering"] } });
process.stdout.write(r.answer.length > 0 ? "ANSWERED\\n" : "EMPTY\\n");
`;
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const results = [];
for (const tree of trees) {
  process.stderr.write(`indexing examples/acme for ${tree.name} (${tree.dir})…\n`);
  execFileSync(
    process.execPath,
    [path.join(tree.dir, "bin", "isa.mjs"), "ingest", path.join(here, "examples", "acme")],
    {
      cwd: tree.dir,
      env: envFor(tree),
      stdio: "ignore",
    },
  );
  const enginePath = path.join(work, `engine-${tree.name}.mjs`);
  writeFileSync(enginePath, ENGINE_SCRIPT(tree));
  const isa = path.join(tree.dir, "bin", "isa.mjs");
  const roles = [
    {
      role: "isa mcp files",
      args: [isa, "mcp", "files", "--root", path.join(here, "examples", "acme")],
      stdin: INIT,
    },
    { role: "isa mcp git", args: [isa, "mcp", "git", "--repo", here], stdin: INIT },
    { role: "isa mcp docs-search", args: [isa, "mcp", "docs-search"], stdin: INIT },
    { role: "isa serve", serve: true },
    { role: "engine: answer one question", args: [enginePath, "--answer"] },
  ];
  for (const r of roles) {
    const ms = [];
    const rss = [];
    for (let i = 0; i < rounds; i++) {
      let m;
      if (r.serve) {
        const port = await freePort();
        m = await measure(tree, [isa, "serve", "--port", String(port)], {
          poll: async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
        });
      } else {
        m = await measure(tree, r.args, { stdin: r.stdin });
      }
      ms.push(m.ms);
      rss.push(m.rss);
    }
    results.push({ tree: tree.name, role: r.role, ms: median(ms), rss: median(rss) });
  }
}

const roleNames = [...new Set(results.map((r) => r.role))];
const cell = (tree, role) => results.find((r) => r.tree === tree && r.role === role);
const cols = trees.map((t) => t.name);
console.log(`| role | ${cols.map((c) => `${c}: first response (ms) | ${c}: RSS (MB)`).join(" | ")} |`);
console.log(`|---|${cols.map(() => "---:|---:").join("|")}|`);
for (const role of roleNames) {
  console.log(
    `| ${role} | ${cols
      .map((c) => {
        const x = cell(c, role);
        return `${x.ms.toFixed(0)} | ${x.rss.toFixed(0)}`;
      })
      .join(" | ")} |`,
  );
}
console.log(`(median of ${rounds} cold starts each; node ${process.version}; ${new Date().toISOString()})`);
