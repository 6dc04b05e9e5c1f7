// `isa mcp <server>` (bin/isa-mcp.mjs): builds docs-search, files or git from flags and the environment and serves
// it over stdio (default; stdout carries only protocol, diagnostics go to stderr) or Streamable HTTP (`--http`).
import { parseArgs } from "node:util";
import type { Config } from "@isa/core";
import { createMemoryRateLimiter, isAppError, loadConfig } from "@isa/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { PrincipalOf } from "../shared/principal.js";
import { fixedPrincipal, localPrincipal, principalFromAuth } from "../shared/principal.js";

// Each server and transport loads only when chosen: `isa mcp files` must not load the engine (LanceDB, onnxruntime),
// and stdio must not load the HTTP stack or the authenticator.

const HELP = `isa mcp — MCP servers

Usage:
  isa mcp docs-search [--groups a,b]                 permission-filtered search over the index (ISA_DATA_DIR)
  isa mcp files --root <dir> [--root <dir>…] [--enforce-acl]   read-only files under the roots
  isa mcp git --repo <dir> [--repo <dir>…] [--enforce-acl]   read-only git history of the repositories

Transport (default stdio):
  --http [--port N] [--host 127.0.0.1] [--allowed-host name…]   Streamable HTTP at /mcp, bearer auth
                                                     (ISA_TOKENS_FILE / ISA_OIDC_*), DNS-rebinding protection,
                                                     RFC 9728 metadata at /.well-known/oauth-protected-resource/mcp
                                                     (ISA_MCP_PUBLIC_URL: the endpoint's public URL)

Stdio runs as the local user: groups from --groups or ISA_MCP_GROUPS (always with \`public\`).
`;

const OPTIONS = {
  root: { type: "string", multiple: true },
  repo: { type: "string", multiple: true },
  groups: { type: "string" },
  "enforce-acl": { type: "boolean" },
  http: { type: "boolean" },
  port: { type: "string" },
  host: { type: "string" },
  "allowed-host": { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

type ServerFactory = (principalOf: PrincipalOf) => McpServer;

interface Built {
  readonly factory: ServerFactory;
  readonly close: () => Promise<void>;
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

const logError = (err: unknown) => {
  const msg = isAppError(err) ? `${err.code}: ${err.message}` : ((err as Error)?.stack ?? String(err));
  process.stderr.write(`isa mcp: ${msg}\n`);
};

async function build(kind: string, v: Values, config: () => Config): Promise<Built> {
  switch (kind) {
    case "files": {
      const { DEFAULT_FILE_LIMITS } = await import("../files/fileOps.js");
      const { createFilesServer, prepareFiles } = await import("../files/filesServer.js");
      const ctx = await prepareFiles({
        roots: v.root ?? [],
        enforceAcl: Boolean(v["enforce-acl"] || v.http),
        defaultGroups: config().ingest.defaultGroups,
        // One answer should fit a model's context: the smaller of ingest's cap and 1 MiB.
        limits: { maxFileBytes: Math.min(config().ingest.maxFileBytes, DEFAULT_FILE_LIMITS.maxFileBytes) },
      });
      return { factory: (p) => createFilesServer(ctx, p, logError), close: async () => {} };
    }
    case "git": {
      const { DEFAULT_GIT_LIMITS, makeRepos } = await import("../git/gitRunner.js");
      const { createGitServer, prepareGitPolicies } = await import("../git/gitServer.js");
      const repos = await makeRepos(v.repo ?? []);
      // Over HTTP callers are other people: each repository's acl.yaml applies to their groups (as for files).
      const enforce = Boolean(v["enforce-acl"] || v.http);
      const ctx = {
        repos,
        limits: DEFAULT_GIT_LIMITS,
        ...(enforce ? { policies: await prepareGitPolicies(repos, config().ingest.defaultGroups) } : {}),
      };
      return { factory: (p) => createGitServer(ctx, p, logError), close: async () => {} };
    }
    case "docs-search": {
      const { createRuntime } = await import("@isa/engine");
      const { createDocsServer } = await import("../docs/docsServer.js");
      const runtime = createRuntime(config());
      const deps = { retriever: await runtime.retriever(), store: await runtime.store() };
      return { factory: (p) => createDocsServer(deps, p, logError), close: () => runtime.close() };
    }
    default:
      throw new Error(`unknown server "${kind}" (docs-search, files or git)`);
  }
}

async function serveStdio(built: Built, principalOf: PrincipalOf): Promise<void> {
  const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js");
  const server = built.factory(principalOf);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once("end", resolve);
    process.stdin.once("close", resolve);
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => {});
}

async function serveHttp(built: Built, v: Values, config: Config): Promise<void> {
  const port = Number(v.port ?? 8765);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port must be 0-65535");
  const host = v.host ?? "127.0.0.1";
  const { createHttpHandler, DEFAULT_ALLOWED_HOSTS } = await import("../http/httpHandler.js");
  const { listenHttp } = await import("../http/listen.js");
  const { authenticatorFromConfig } = await import("@isa/auth");
  const allowedHosts = [...DEFAULT_ALLOWED_HOSTS, ...(v["allowed-host"] ?? [])];
  const handler = createHttpHandler({
    createServer: () => built.factory(principalFromAuth),
    authenticator: authenticatorFromConfig(config),
    // The API's per-person budget (ISA_RATE_LIMIT_PER_MIN), counted in this process: MCP loads no database driver.
    rateLimiter: createMemoryRateLimiter({ limit: config.server.rateLimitPerMin }),
    ...(config.mcp.sessionsPerPrincipal ? { maxSessionsPerPrincipal: config.mcp.sessionsPerPrincipal } : {}),
    allowedHosts,
    onError: logError,
    resourceMetadata: {
      authorizationServers: config.auth.oidc ? [config.auth.oidc.issuer] : [],
      publicUrl: config.mcp.publicUrl,
    },
  });
  const listening = await listenHttp(handler, { host, port });
  process.stderr.write(`isa mcp: listening on ${listening.url}\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await listening.close();
}

/** Runs until the client disconnects (stdio) or a signal (HTTP). Returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`isa mcp: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const kind = positionals[0];
  if (!kind || v.help) {
    process.stderr.write(HELP);
    return kind || v.help ? 0 : 2;
  }
  let cfg: Config | undefined;
  const config = () => (cfg ??= loadConfig());
  let built: Built | undefined;
  try {
    built = await build(kind, v, config);
    if (v.http) await serveHttp(built, v, config());
    else {
      const groups = v.groups ?? config().mcp.stdioGroups.join(",");
      await serveStdio(built, fixedPrincipal(localPrincipal(groups)));
    }
    return 0;
  } catch (err) {
    logError(err);
    return isAppError(err) && err.httpStatus < 500 ? 2 : 1;
  } finally {
    await built?.close().catch(logError);
  }
}
