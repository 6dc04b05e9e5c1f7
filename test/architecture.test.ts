// The package rules of docs/architecture.md, checked three ways: the manifests (dependencies point inward; no edge
// from mcp-servers or agents to the server), the sources (the engine imports no HTTP framework, agent SDK, A2A SDK
// or database driver), and what a process really loads (a module-resolution hook records every package that an
// import pulls in: loading the engine, or starting `isa mcp files`, loads none of LanceDB, onnxruntime, fastify,
// ADK or pg).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repo = path.resolve(import.meta.dirname, "..");
const rootPkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { workspaces: string[] };
const manifests = rootPkg.workspaces.map((dir) => ({
  dir,
  pkg: JSON.parse(readFileSync(path.join(repo, dir, "package.json"), "utf8")) as {
    name: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  },
}));
const byName = (name: string) => {
  const m = manifests.find((x) => x.pkg.name === name);
  if (!m) throw new Error(`no workspace ${name}`);
  return m;
};
const allDeps = (name: string) => {
  const { pkg } = byName(name);
  return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
};

/** Packages a lean role must never load (the engine loads the store and embedder adapters lazily). */
const HEAVY = [
  "fastify",
  "express",
  "@a2a-js/sdk",
  "@google/adk",
  "@google/genai",
  "pg",
  "jose",
  "prom-client",
];
const ADAPTERS = ["@lancedb/lancedb", "onnxruntime-node", "node-llama-cpp", "apache-arrow"];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "testkit" && e.name !== "node_modules" && e.name !== "dist") out.push(...sourceFiles(p));
    } else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

/** Bare specifiers a package's production sources import (static, dynamic or re-export). */
function importsOf(dir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const f of sourceFiles(path.join(repo, dir, "src"))) {
    const text = readFileSync(f, "utf8");
    for (const m of text.matchAll(/(?:from\s+|import\()\s*"([^".][^"]*)"/g)) {
      const spec = m[1] as string;
      if (spec.startsWith("node:")) continue;
      const name = spec.startsWith("@")
        ? spec.split("/").slice(0, 2).join("/")
        : (spec.split("/")[0] as string);
      found.set(name, [...(found.get(name) ?? []), path.relative(repo, f)]);
    }
  }
  return found;
}

describe("package manifests: dependencies point inward", () => {
  it("no edge from mcp-servers or agents to the server package, runtime or test", () => {
    expect(allDeps("@isa/mcp-servers")).not.toContain("@isa/server");
    expect(allDeps("@isa/agents")).not.toContain("@isa/server");
    expect(allDeps("@isa/engine")).not.toContain("@isa/server");
    expect(allDeps("@isa/engine")).not.toContain("@isa/agents");
  });

  it("the engine declares no HTTP framework, agent SDK, A2A SDK or database driver", () => {
    const deps = Object.keys(byName("@isa/engine").pkg.dependencies ?? {});
    for (const heavy of HEAVY) expect(deps, heavy).not.toContain(heavy);
  });

  it("front ends depend on core only (the API client), never on backend packages", () => {
    for (const front of ["@isa/bot", "innersource-assistant"]) {
      const runtime = Object.keys(byName(front).pkg.dependencies ?? {}).filter((d) => d.startsWith("@isa/"));
      expect(runtime, front).toEqual(["@isa/core"]);
    }
  });
});

describe("docs/architecture.md", () => {
  it("shows the package graph the manifests give (regenerate: node scripts/package-graph.mjs --docs)", async () => {
    const graph = (await import(path.join(repo, "scripts", "package-graph.mjs"))) as {
      mermaid: () => string;
      documentedGraph: () => string | undefined;
    };
    expect(graph.documentedGraph()).toBe(graph.mermaid());
  });
});

describe("sources: what each package imports", () => {
  it("the engine imports no fastify, express, A2A SDK, ADK, pg, nor the server or agents", () => {
    const imports = importsOf("backend/engine");
    for (const bad of [...HEAVY, "@isa/server", "@isa/agents", "@isa/auth"]) {
      expect(imports.get(bad) ?? [], `${bad} imported by`).toEqual([]);
    }
  });

  it("agents and mcp-servers never import the server; mcp-servers never the agents", () => {
    expect(importsOf("backend/agents").get("@isa/server") ?? []).toEqual([]);
    const mcp = importsOf("mcp-servers");
    expect(mcp.get("@isa/server") ?? []).toEqual([]);
    expect(mcp.get("@isa/agents") ?? []).toEqual([]);
  });
});

// A loader hook (runs in the loader thread) that appends every resolved URL to ISA_LOAD_TRACE.
const HOOK = `
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.ISA_LOAD_TRACE) appendFileSync(process.env.ISA_LOAD_TRACE, r.url + "\\n");
  return r;
}`;
const built =
  existsSync(path.join(repo, "backend", "engine", "dist", "index.js")) &&
  existsSync(path.join(repo, "mcp-servers", "dist", "cli", "main.js"));
const ready = built || process.env.CI === "true";

describe.skipIf(!ready)("what a process loads (built packages)", () => {
  const work = mkdtempSync(path.join(tmpdir(), "isa-arch-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function packagesLoaded(script: string): Promise<Set<string>> {
    if (!built) throw new Error("backend/engine/dist or mcp-servers/dist is missing: run `npx tsc -b`");
    const trace = path.join(work, `trace-${Math.random().toString(36).slice(2)}.txt`);
    const hook = path.join(work, "hook.mjs");
    writeFileSync(hook, HOOK);
    const register = path.join(work, "register.mjs");
    writeFileSync(
      register,
      `import { register } from "node:module"; register(${JSON.stringify(`file://${hook}`)});`,
    );
    writeFileSync(trace, "");
    // stdin closed at once: a stdio MCP server sees end-of-input and exits after serving nothing.
    await new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, ["--import", register, "--input-type=module", "-e", script], {
        cwd: repo,
        env: { ...process.env, ISA_LOAD_TRACE: trace },
        stdio: ["ignore", "ignore", "pipe"],
        timeout: 60_000,
      });
      let err = "";
      p.stderr.on("data", (b: Buffer) => {
        err += b.toString();
      });
      p.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}: ${err}`))));
    });
    const pkgs = new Set<string>();
    for (const url of readFileSync(trace, "utf8").split("\n")) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
      if (m?.[1]) pkgs.add(m[1]);
    }
    return pkgs;
  }

  it("loading the engine (and building a runtime) loads no server, agent, database or adapter package", async () => {
    const loaded = await packagesLoaded(
      `const { createRuntime } = await import("@isa/engine"); const { loadConfig } = await import("@isa/core");
       createRuntime(loadConfig({ ISA_DATA_DIR: ${JSON.stringify(work)} }));`,
    );
    expect(loaded.has("zod")).toBe(true); // the trace works: core's schema library is seen
    for (const bad of [...HEAVY, ...ADAPTERS]) expect(loaded.has(bad), bad).toBe(false);
  });

  it("`isa mcp files` loads the MCP SDK and the ACL loader, not the engine's adapters or the server", async () => {
    // The CLI's own code path up to serving: argument parsing, the files server, the stdio transport.
    const loaded = await packagesLoaded(
      `const { main } = await import("./mcp-servers/dist/cli/main.js");
       await main(["files", "--root", ${JSON.stringify(path.join(repo, "examples", "acme"))}]);`,
    );
    expect(loaded.has("@modelcontextprotocol/sdk")).toBe(true);
    expect(loaded.has("picomatch")).toBe(true); // the ACL loader
    for (const bad of [...HEAVY, ...ADAPTERS]) expect(loaded.has(bad), bad).toBe(false);
  });
});
