// The files MCP server: read-only list_dir / read_file / search_files over configured roots. Tools translate
// arguments and call fileOps; containment lives in pathGuard, refusals become tool errors in `guarded`.
import type { Principal } from "@isa/core";
import { PUBLIC_GROUP } from "@isa/core";
import { aclFor, loadAcl } from "@isa/ingest/acl";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { PrincipalOf } from "../shared/principal.js";
import { guarded, ok, READ_ONLY } from "../shared/toolResult.js";
import { SERVER_VERSION } from "../version.js";
import type { FileLimits, ReadCheck } from "./fileOps.js";
import { DEFAULT_FILE_LIMITS, listDir, readFileLines, searchFiles } from "./fileOps.js";
import type { Root } from "./pathGuard.js";
import { makeRoots } from "./pathGuard.js";

/** ingest's acl.yaml policy (not exported by name from @isa/ingest). */
type AclPolicy = Awaited<ReturnType<typeof loadAcl>>;

export interface FilesServerOptions {
  /** Directories to expose (each must exist). */
  readonly roots: readonly string[];
  readonly principalOf: PrincipalOf;
  /**
   * Apply each root's acl.yaml (as ingest does) to the caller's groups: files they may not read are hidden.
   * Off for a local user's own stdio process; on for HTTP, where callers are other people.
   */
  readonly enforceAcl?: boolean;
  /** Groups of a root without acl.yaml (ISA_DEFAULT_GROUPS). */
  readonly defaultGroups?: readonly string[];
  readonly limits?: Partial<FileLimits>;
  readonly onError?: (err: unknown) => void;
}

/** Roots and ACL policies, resolved once; a server instance per session is then cheap to build. */
export interface FilesContext {
  readonly roots: readonly Root[];
  readonly policies: ReadonlyMap<string, AclPolicy> | undefined;
  readonly limits: FileLimits;
}

export async function prepareFiles(opts: Omit<FilesServerOptions, "principalOf">): Promise<FilesContext> {
  const roots = await makeRoots(opts.roots);
  let policies: Map<string, AclPolicy> | undefined;
  if (opts.enforceAcl) {
    policies = new Map();
    for (const r of roots) policies.set(r.name, await loadAcl(r.dir, opts.defaultGroups ?? [PUBLIC_GROUP]));
  }
  return { roots, policies, limits: { ...DEFAULT_FILE_LIMITS, ...opts.limits } };
}

function readCheck(ctx: FilesContext, principal: Principal): ReadCheck {
  const { policies } = ctx;
  if (!policies) return () => true;
  const mine = new Set(principal.groups);
  return (root, rel) => {
    const policy = policies.get(root.name);
    return policy !== undefined && aclFor(policy, rel).some((g) => mine.has(g));
  };
}

const pathArg = z
  .string()
  .max(4096)
  .describe("Path relative to the root (or absolute inside it), `/`-separated; `..` is refused.");
const rootArg = z.string().max(256).optional().describe('Root name (see list_dir on ""); default the first.');

const entrySchema = z.object({
  name: z.string(),
  type: z.enum(["file", "directory", "symlink", "other"]),
  bytes: z.number().optional(),
});

export function createFilesServer(
  ctx: FilesContext,
  principalOf: PrincipalOf,
  onError?: (e: unknown) => void,
) {
  const server = new McpServer(
    { name: "isa-files", version: SERVER_VERSION },
    {
      instructions: `Read-only access to these roots: ${ctx.roots.map((r) => r.name).join(", ")}. Paths are relative to a root.`,
    },
  );
  const limits = ctx.limits;

  server.registerTool(
    "list_dir",
    {
      title: "List a directory",
      description: `List the entries of a directory under a configured root (at most ${limits.maxEntries}). Symbolic links are listed, not followed.`,
      inputSchema: { path: pathArg.default(""), root: rootArg },
      outputSchema: {
        root: z.string(),
        path: z.string(),
        entries: z.array(entrySchema),
        truncated: z.boolean(),
        roots: z.array(z.string()),
      },
      annotations: READ_ONLY,
    },
    (args, extra) =>
      guarded(async () => {
        const canRead = readCheck(ctx, principalOf(extra));
        const r = await listDir(ctx.roots, { path: args.path, root: args.root, canRead }, limits);
        const lines = r.entries.map((e) => `${e.type === "directory" ? "d" : "-"} ${e.name}`);
        return ok({ ...r, roots: ctx.roots.map((x) => x.name) }, lines.join("\n") || "(empty)");
      }, onError),
  );

  server.registerTool(
    "read_file",
    {
      title: "Read a file",
      description: `Read a text file under a configured root, optionally a 1-based inclusive line range. Files over ${limits.maxFileBytes} bytes, binary files and special files are refused.`,
      inputSchema: {
        path: pathArg,
        root: rootArg,
        start_line: z.number().int().min(1).optional(),
        end_line: z.number().int().min(1).optional(),
      },
      outputSchema: {
        root: z.string(),
        path: z.string(),
        startLine: z.number(),
        endLine: z.number(),
        totalLines: z.number(),
        text: z.string(),
      },
      annotations: READ_ONLY,
    },
    (args, extra) =>
      guarded(async () => {
        const canRead = readCheck(ctx, principalOf(extra));
        const r = await readFileLines(
          ctx.roots,
          { path: args.path, root: args.root, startLine: args.start_line, endLine: args.end_line, canRead },
          limits,
        );
        return ok({ ...r }, r.text);
      }, onError),
  );

  server.registerTool(
    "search_files",
    {
      title: "Search files",
      description:
        "Find files by glob (e.g. `docs/**/*.md`) and/or lines containing a text (case-insensitive, literal). Skips .git, node_modules, binary and oversized files; never follows symbolic links.",
      inputSchema: {
        glob: z.string().min(1).max(512).optional(),
        query: z.string().min(1).max(512).optional(),
        root: rootArg,
      },
      outputSchema: {
        matches: z.array(
          z.object({
            root: z.string(),
            path: z.string(),
            line: z.number().optional(),
            text: z.string().optional(),
          }),
        ),
        scannedFiles: z.number(),
        truncated: z.boolean(),
      },
      annotations: READ_ONLY,
    },
    (args, extra) =>
      guarded(async () => {
        const canRead = readCheck(ctx, principalOf(extra));
        const r = await searchFiles(
          ctx.roots,
          { glob: args.glob, query: args.query, root: args.root, canRead },
          limits,
        );
        const text = r.matches
          .map((m) => (m.line === undefined ? m.path : `${m.path}:${m.line}: ${m.text}`))
          .join("\n");
        return ok({ ...r }, text || "(no matches)");
      }, onError),
  );

  return server;
}
