// docs-search end to end over stdio: `isa ingest` (real embedding model) into a temp ISA_DATA_DIR, then the real
// `isa mcp docs-search` spawned by the SDK's StdioClientTransport, once as the default (public) local user and once
// with ISA_MCP_GROUPS=security (read through core's config), including who_owns over a CODEOWNERS and a restricted
// catalog-info.yaml, and list_projects. Needs the build and the models: outside CI their absence skips, in CI it
// fails.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, textOf } from "../testkit/fixtures.js";

const isa = path.join(repoRoot, "bin", "isa.mjs");
const modelsDir = process.env.ISA_MODELS_DIR ?? path.join(repoRoot, ".isa", "models");
const ready =
  process.env.CI === "true" ||
  (existsSync(path.join(repoRoot, "mcp-servers", "dist", "cli", "main.js")) &&
    existsSync(path.join(repoRoot, "backend", "cli", "dist", "main.js")) &&
    existsSync(modelsDir));
const MARKER = "BREAKGLASS-VAULT-PATH-7731";
let work: string;
let env: Record<string, string>;

async function connect(extra: Record<string, string>): Promise<Client> {
  const client = new Client({ name: "isa-test", version: "0.0.0" });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [isa, "mcp", "docs-search"],
      env: { ...env, ...extra },
      stderr: "pipe",
    }),
  );
  return client;
}

describe.skipIf(!ready)(
  `docs-search over stdio (built CLI, real model)${ready ? "" : " — skipped: build or models missing"}`,
  () => {
    beforeAll(async () => {
      work = mkdtempSync(path.join(tmpdir(), "isa-mcp-docs-stdio-"));
      const corpus = path.join(work, "acme");
      mkdirSync(path.join(corpus, "security"), { recursive: true });
      writeFileSync(path.join(corpus, "acl.yaml"), "rules:\n  - glob: security/\n    groups: [security]\n");
      writeFileSync(
        path.join(corpus, "deploy.md"),
        "# Deploying\n\nDeploy the billing service with kubectl rollout.\n",
      );
      writeFileSync(
        path.join(corpus, "security", "break-glass.md"),
        `# Break-glass token\n\nThe break-glass token lives at ${MARKER} in vault.\n`,
      );
      writeFileSync(path.join(corpus, "CODEOWNERS"), "* @acme/platform\n/security/ @acme/secops\n");
      writeFileSync(
        path.join(corpus, "security", "catalog-info.yaml"),
        "kind: Component\nmetadata:\n  name: vault\nspec:\n  owner: group:secops\n",
      );
      env = {
        ...(process.env as Record<string, string>),
        ISA_DATA_DIR: path.join(work, "data"),
        ISA_MODELS_DIR: modelsDir,
        ISA_LOG_LEVEL: "silent",
      };
      delete env.ISA_MCP_GROUPS;
      await promisify(execFile)(process.execPath, [isa, "ingest", corpus, "--json"], {
        env,
        timeout: 180_000,
      });
    });
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it("the local user without groups finds public docs only; with ISA_MCP_GROUPS=security, the restricted one", async () => {
      const pub = await connect({});
      const sec = await connect({ ISA_MCP_GROUPS: "security" });
      try {
        const q = { name: "search_docs", arguments: { query: "where is the break-glass token", k: 5 } };
        const a = await pub.callTool(q);
        expect(a.isError).toBeFalsy();
        expect(JSON.stringify(a)).not.toContain(MARKER);
        expect(JSON.stringify(await sec.callTool(q))).toContain(MARKER);
        const doc = { name: "get_document", arguments: { path: "security/break-glass.md" } };
        expect((await pub.callTool(doc)).isError).toBe(true);
        expect(textOf(await sec.callTool(doc))).toContain(MARKER);
        // deploy.md and CODEOWNERS are public.
        expect((await pub.listResources()).resources).toHaveLength(2);
        const who = { name: "who_owns", arguments: { path: "security/break-glass.md" } };
        const owners = (r: unknown) =>
          ((r as { structuredContent: { owners: { owner: string }[] } }).structuredContent.owners ?? []).map(
            (o) => o.owner,
          );
        expect(owners(await pub.callTool(who))).toEqual(["@acme/secops"]);
        expect(owners(await sec.callTool(who))).toEqual(["@acme/secops", "group:secops"]);
        // list_projects as GET /v1/projects: the restricted catalog project exists for the security group only;
        // without it, the source is its own project (owners from CODEOWNERS' catch-all rule).
        const projects = async (c: Client, query?: string) =>
          (
            (await c.callTool({ name: "list_projects", arguments: query ? { query } : {} }))
              .structuredContent as { projects: unknown[] }
          ).projects;
        expect(await projects(pub)).toEqual([
          {
            name: "acme",
            source: "acme",
            path: "",
            owners: ["@acme/platform"],
            docs: ["deploy.md"],
            from: "readme",
          },
        ]);
        expect(await projects(pub, "vault")).toEqual([]);
        const vault = {
          name: "vault",
          source: "acme",
          path: "security",
          owners: ["group:secops"],
          docs: ["security/break-glass.md"],
          from: "catalog-info",
        };
        expect(await projects(sec)).toEqual([vault]);
        expect(await projects(sec, "vault secops")).toEqual([vault]);
      } finally {
        await Promise.allSettled([pub.close(), sec.close()]);
      }
    });
  },
);
