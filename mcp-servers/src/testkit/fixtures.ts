// TEST UTILITY: temp trees for the MCP server tests: a files root with hostile neighbours (a sibling sharing the
// root's name prefix, symlinks out, a FIFO, a big and a binary file), a git repository with history, and clients
// over Streamable HTTP (real socket on 127.0.0.1:0) and stdio (the built bin).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAuthenticator, hashToken, parseTokensFile } from "@isa/auth";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createFilesServer, prepareFiles } from "../files/filesServer.js";
import { createHttpHandler } from "../http/httpHandler.js";
import type { Listening } from "../http/listen.js";
import { listenHttp } from "../http/listen.js";
import { principalFromAuth } from "../shared/principal.js";

/** Text every file outside the roots carries: it must never appear in any answer. */
export const SECRET = "TOP-SECRET-OUTSIDE";

export const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
export const mcpBin = path.join(repoRoot, "mcp-servers", "bin", "isa-mcp.mjs");
const built = existsSync(path.join(repoRoot, "mcp-servers", "dist", "cli", "main.js"));
/** Stdio tests need the build; outside CI a missing build skips them, in CI it fails them. */
export const stdioReady = built || process.env.CI === "true";
export const stdioSkipReason = "mcp-servers/dist is missing: run `npx tsc -b mcp-servers` (CI builds first)";

export interface FilesTree {
  readonly work: string;
  readonly root: string;
  readonly outside: string;
  cleanup(): void;
}

/** work/{root, outside, root-evil}; root holds normal files, an acl.yaml, links out, a FIFO, big/binary files. */
export function makeFilesTree(): FilesTree {
  const work = mkdtempSync(path.join(tmpdir(), "isa-mcp-files-"));
  const root = path.join(work, "root");
  const outside = path.join(work, "outside");
  const evil = path.join(work, "root-evil");
  for (const d of [root, outside, evil, path.join(root, "docs"), path.join(root, "private")]) mkdirSync(d);
  writeFileSync(path.join(outside, "secret.txt"), `${SECRET}\n`);
  writeFileSync(path.join(evil, "secret.txt"), `${SECRET} (prefix sibling)\n`);
  writeFileSync(path.join(root, "README.md"), "# Root\n\nhello from the root\nthird line\n");
  writeFileSync(path.join(root, "docs", "guide.md"), "# Deploy guide\n\nRun kubectl rollout restart.\n");
  writeFileSync(path.join(root, "private", "keys.md"), "# Keys\n\nthe break-glass token lives in vault\n");
  writeFileSync(
    path.join(root, "acl.yaml"),
    "default: [public]\nrules:\n  - glob: private/\n    groups: [security]\n",
  );
  writeFileSync(path.join(root, "big.txt"), "x".repeat(200_000));
  writeFileSync(path.join(root, "bin.dat"), Buffer.from([1, 2, 0, 3, 4]));
  symlinkSync(outside, path.join(root, "link-out"));
  symlinkSync(path.join(outside, "secret.txt"), path.join(root, "link-out-file"));
  symlinkSync("../outside/secret.txt", path.join(root, "docs", "rel-link-out"));
  symlinkSync("docs/guide.md", path.join(root, "link-in"));
  symlinkSync("/dev/zero", path.join(root, "dev-zero"));
  symlinkSync("loop-b", path.join(root, "loop-a"));
  symlinkSync("loop-a", path.join(root, "loop-b"));
  execFileSync("mkfifo", [path.join(root, "fifo")]);
  return { work, root, outside, cleanup: () => rmSync(work, { recursive: true, force: true }) };
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Ada",
      GIT_AUTHOR_EMAIL: "ada@example.com",
      GIT_COMMITTER_NAME: "Ada",
      GIT_COMMITTER_EMAIL: "ada@example.com",
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: cwd,
    },
  }).toString();

/** A repository with three commits touching README.md and src/app.ts, and a secret file outside it. */
export function makeGitRepo(): FilesTree {
  const work = mkdtempSync(path.join(tmpdir(), "isa-mcp-git-"));
  const root = path.join(work, "repo");
  const outside = path.join(work, "outside");
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(path.join(outside, "secret.txt"), `${SECRET}\n`);
  git(root, "init", "-q", "-b", "main");
  writeFileSync(path.join(root, "README.md"), "# Repo\n\nfirst\n");
  git(root, "add", ".");
  git(root, "commit", "-q", "-m", "first commit");
  mkdirSync(path.join(root, "src"));
  writeFileSync(path.join(root, "src", "app.ts"), "export const a = 1;\nexport const b = 2;\n");
  git(root, "add", ".");
  git(root, "commit", "-q", "-m", "add app");
  writeFileSync(path.join(root, "README.md"), "# Repo\n\nfirst\nsecond\n");
  git(root, "commit", "-q", "-am", "extend readme");
  git(root, "tag", "v1");
  return { work, root, outside, cleanup: () => rmSync(work, { recursive: true, force: true }) };
}

/** Tokens for the HTTP tests: `alice-token` (security group), `bob-token` (no group but public). */
export const TOKENS_YAML = `
- token_sha256: "${hashToken("alice-token")}"
  user: alice
  groups: [security]
- token_sha256: "${hashToken("bob-token")}"
  user: bob
  groups: []
`;

export interface HttpFixture {
  readonly listening: Listening;
  connect(token: string | undefined): Promise<Client>;
  close(): Promise<void>;
}

/** A real listen on 127.0.0.1:0 in front of `createServer`, with the backend's token authenticator. */
export async function startHttp(createServer: () => McpServer): Promise<HttpFixture> {
  const handler = createHttpHandler({
    createServer,
    authenticator: createAuthenticator({ tokens: parseTokensFile(TOKENS_YAML) }),
  });
  const listening = await listenHttp(handler, { host: "127.0.0.1", port: 0 });
  const clients: Client[] = [];
  return {
    listening,
    async connect(token) {
      const client = new Client({ name: "isa-test", version: "0.0.0" });
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      await client.connect(
        new StreamableHTTPClientTransport(new URL(listening.url), { requestInit: { headers } }),
      );
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await listening.close();
    },
  };
}

/** Spawn the built `isa-mcp <args>` and connect a client over stdio. */
export async function connectStdio(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Client> {
  const client = new Client({ name: "isa-test", version: "0.0.0" });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [mcpBin, ...args],
    env: { ...(process.env as Record<string, string>), ...env },
    stderr: "pipe",
  });
  await client.connect(transport);
  return client;
}

/** The text of a tool result (all text parts joined). */
export function textOf(r: unknown): string {
  const content = (r as CallToolResult).content ?? [];
  return content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

/** The files server over HTTP on a tree from makeFilesTree: acl.yaml enforced, files capped at 64 KiB. */
export async function startFilesHttp(tree: FilesTree): Promise<HttpFixture> {
  const ctx = await prepareFiles({
    roots: [tree.root],
    enforceAcl: true,
    limits: { maxFileBytes: 64 * 1024 },
  });
  return startHttp(() => createFilesServer(ctx, principalFromAuth));
}
