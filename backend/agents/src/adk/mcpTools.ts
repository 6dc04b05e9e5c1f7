// The dev agent's files and git tools: our MCP servers over Streamable HTTP through ADK's MCPToolset, connected per
// step with the caller's bearer token (from session state) in the Authorization header, so the MCP server
// authenticates the person asking and applies their groups — the agent holds no identity of its own. No token →
// no tools (fail closed); an unreachable server → no tools, logged (the agent still has its code search).
// File contents those tools show (read_file, git_show of a file, git_blame) become numbered, citable sources.
import type { BaseTool, ReadonlyContext } from "@google/adk";
import { BaseToolset, MCPToolset } from "@google/adk";
import type { Citation } from "@isa/core";
import type { Logger } from "pino";
import type { RunBooks, StateView } from "./runContext.js";
import { addSource, credentialOf } from "./runContext.js";

export class CallerMcpToolset extends BaseToolset {
  readonly #url: string;
  readonly #logger: Logger | undefined;

  constructor(opts: { url: string; logger?: Logger }) {
    super([]);
    this.#url = opts.url;
    this.#logger = opts.logger;
  }

  async getTools(ctx?: ReadonlyContext): Promise<BaseTool[]> {
    const credential = credentialOf(ctx);
    if (!credential) return [];
    const toolset = new MCPToolset({
      type: "StreamableHTTPConnectionParams",
      url: this.#url,
      transportOptions: { requestInit: { headers: { authorization: `Bearer ${credential}` } } },
    });
    try {
      return await toolset.getTools(ctx);
    } catch (err) {
      this.#logger?.warn({ err, url: this.#url }, "MCP server unavailable; continuing without its tools");
      return [];
    }
  }

  async close(): Promise<void> {
    // Sessions are opened and closed per call (MCPToolset); nothing is held between runs.
  }
}

/** A citation for a tool result, before it is numbered; `key` de-duplicates across the run. */
export interface McpCite {
  readonly key: string;
  readonly citation: Omit<Citation, "n">;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const int = (v: unknown): number | undefined =>
  Number.isInteger(v) && (v as number) >= 1 ? (v as number) : undefined;
/** A full object id shortened as git prints it; anything else (`HEAD`, `v1`) as given. */
const shortRev = (rev: string) => (/^[0-9a-f]{40,64}$/.test(rev) ? rev.slice(0, 7) : rev);

function rangeCite(
  docId: string,
  source: string,
  path: string,
  title: string,
  startLine: number,
  endLine: number,
): McpCite {
  return {
    key: `${docId}#${startLine}-${endLine}`,
    citation: {
      chunkId: `${docId}#L${startLine}-L${endLine}`,
      docId,
      source,
      path,
      title,
      headingPath: [],
      startLine,
      endLine,
      score: 0,
    },
  };
}

/** files `read_file`: the line range read, in its root. */
function readFileCite(r: Record<string, unknown>): McpCite | undefined {
  const root = str(r.root);
  const path = str(r.path);
  const startLine = int(r.startLine);
  const endLine = int(r.endLine);
  if (!root || !path || !startLine || !endLine) return undefined;
  const docId = `mcp-files:${root}/${path}`;
  return rangeCite(docId, root, path, path.split("/").at(-1) ?? path, startLine, endLine);
}

/** git `git_show rev path`: the file as it was at a commit (the whole text shown, so lines 1..n). */
function gitShowCite(r: Record<string, unknown>): McpCite | undefined {
  const repo = str(r.repo);
  const sha = str(r.sha);
  const path = str(r.path);
  const text = typeof r.text === "string" ? r.text : undefined;
  // Without a path it is a commit (message and patch), not a file range: nothing to cite by line.
  if (!repo || !sha || !path || !text) return undefined;
  const lines = text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
  const docId = `mcp-git:${repo}/${path}@${sha}`;
  return rangeCite(docId, repo, path, `${path} @ ${shortRev(sha)}`, 1, Math.max(lines, 1));
}

/**
 * git `git_blame path lines`: the blamed range. The revision is the one blamed: the resolved sha when the server
 * reports it, else the `rev` the model asked for (git's default, HEAD, when none) — the per-line shas are the
 * commits that last changed each line, not the revision the range was read at.
 */
function gitBlameCite(r: Record<string, unknown>, args: Record<string, unknown>): McpCite | undefined {
  const repo = str(r.repo);
  const path = str(r.path);
  const numbers = (Array.isArray(r.lines) ? r.lines : [])
    .map((l) => int((l as { line?: unknown } | null)?.line))
    .filter((n): n is number => n !== undefined);
  if (!repo || !path || numbers.length === 0) return undefined;
  const rev = str(r.sha) ?? str(args.rev) ?? "HEAD";
  const startLine = Math.min(...numbers);
  const endLine = Math.max(...numbers);
  const docId = `mcp-git:${repo}/${path}@${rev}`;
  return rangeCite(docId, repo, path, `${path} @ ${shortRev(rev)}`, startLine, endLine);
}

/** The citation a successful MCP tool result supports, if any (listings, logs and diffs cite no file range). */
export function mcpCitation(
  toolName: string,
  args: Record<string, unknown>,
  response: Record<string, unknown> | undefined,
): McpCite | undefined {
  // ADK calls back with no response when the tool threw.
  if (!response || response.isError === true) return undefined;
  const r = response.structuredContent;
  if (!r || typeof r !== "object") return undefined;
  const sc = r as Record<string, unknown>;
  if (toolName === "read_file") return readFileCite(sc);
  if (toolName === "git_show") return gitShowCite(sc);
  if (toolName === "git_blame") return gitBlameCite(sc, args);
  return undefined;
}

/**
 * After a successful `read_file`, `git_show` of a file or `git_blame` through MCP, number what was shown as a
 * source (so `[n]` in the answer becomes a structured citation, like a retrieved chunk: repo-relative path, line
 * range, and for git the revision in the title) and tell the model the number to cite.
 */
export function citeMcpReads(books: RunBooks) {
  return ({
    tool,
    args,
    context,
    response,
  }: {
    tool: BaseTool;
    args?: Record<string, unknown>;
    context: StateView;
    response: Record<string, unknown> | undefined;
  }): Record<string, unknown> | undefined => {
    const cite = mcpCitation(tool.name, args ?? {}, response);
    if (cite === undefined || response === undefined) return undefined;
    const book = books.find(context.sessionId);
    if (!book) return undefined;
    const s = addSource(book, cite.key, (n) => ({ n, ...cite.citation }));
    return { ...response, cite_as: `[${s.n}]` };
  };
}
