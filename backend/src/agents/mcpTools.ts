// The dev agent's files and git tools: our MCP servers over Streamable HTTP through ADK's MCPToolset, connected per
// step with the caller's bearer token (from session state) in the Authorization header, so the MCP server
// authenticates the person asking and applies their groups — the agent holds no identity of its own. No token →
// no tools (fail closed); an unreachable server → no tools, logged (the agent still has its code search).
import type { BaseTool, ReadonlyContext } from "@google/adk";
import { BaseToolset, MCPToolset } from "@google/adk";
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

interface ReadFileResult {
  root?: unknown;
  path?: unknown;
  startLine?: unknown;
  endLine?: unknown;
}

/**
 * After a successful `read_file` through MCP, number the range read as a source (so `[n]` in the answer becomes a
 * structured citation, like a retrieved chunk) and tell the model the number to cite.
 */
export function citeMcpReads(books: RunBooks) {
  return ({
    tool,
    context,
    response,
  }: {
    tool: BaseTool;
    context: StateView;
    response: Record<string, unknown>;
  }): Record<string, unknown> | undefined => {
    if (tool.name !== "read_file" || response.isError === true) return undefined;
    const r = response.structuredContent as ReadFileResult | undefined;
    if (
      !r ||
      typeof r.root !== "string" ||
      typeof r.path !== "string" ||
      typeof r.startLine !== "number" ||
      typeof r.endLine !== "number"
    )
      return undefined;
    const book = books.find(context.sessionId);
    if (!book) return undefined;
    const { root, path, startLine, endLine } = { ...r, root: r.root, path: r.path } as {
      root: string;
      path: string;
      startLine: number;
      endLine: number;
    };
    const docId = `mcp-files:${root}/${path}`;
    const s = addSource(book, `${docId}#${startLine}-${endLine}`, (n) => ({
      n,
      chunkId: `${docId}#L${startLine}-L${endLine}`,
      docId,
      source: root,
      path,
      title: path.split("/").at(-1) ?? path,
      headingPath: [],
      startLine,
      endLine,
      score: 0,
    }));
    return { ...response, cite_as: `[${s.n}]` };
  };
}
