// The docs-search MCP server: permission-filtered hybrid retrieval (search_docs), whole documents (get_document),
// projects exactly as GET /v1/projects discovers them (list_projects), ownership (who_owns), resources
// `isa://doc/<id>` (listed page by page) and the `ask_with_sources` prompt. Every read goes through the store with
// the caller's Principal; an unreadable document is reported exactly like a missing one.

import type { Principal, VectorStore } from "@isa/core";
import { AppError, wireOwnerSchema, wireOwnersResponseSchema, wireProjectsResponseSchema } from "@isa/core";
import type { Retriever } from "@isa/engine";
import { discoverProjects, findOwners } from "@isa/engine";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, ListResourcesRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { PrincipalOf } from "../shared/principal.js";
import { guarded, ok, READ_ONLY } from "../shared/toolResult.js";
import { SERVER_VERSION } from "../version.js";
import { decodeCursor, encodeCursor, findDocument, readableDocuments, renderDocument } from "./documents.js";
import { askWithSourcesText, searchHits } from "./search.js";

export interface DocsDeps {
  readonly retriever: Retriever;
  readonly store: VectorStore;
  /** Resources per `resources/list` page (default 100); `nextCursor` leads to the next page. */
  readonly resourcesPageSize?: number;
}

/** MCP's "resource not found" code (spec 2025-06-18 and later). */
const RESOURCE_NOT_FOUND = -32002;

const hitSchema = z.object({
  n: z.number(),
  uri: z.string(),
  docId: z.string(),
  chunkId: z.string(),
  source: z.string(),
  path: z.string(),
  title: z.string(),
  headingPath: z.array(z.string()),
  startLine: z.number(),
  endLine: z.number(),
  score: z.number(),
  snippet: z.string(),
});

export function docUri(docId: string): string {
  return `isa://doc/${encodeURIComponent(docId)}`;
}

export function createDocsServer(deps: DocsDeps, principalOf: PrincipalOf, onError?: (e: unknown) => void) {
  const { retriever, store } = deps;
  const server = new McpServer(
    { name: "isa-docs-search", version: SERVER_VERSION },
    {
      instructions:
        "Search the company's indexed docs and code (only what the caller may read). Cite results by path and line range.",
    },
  );

  server.registerTool(
    "search_docs",
    {
      title: "Search internal docs and code",
      description:
        "Hybrid (BM25 + dense) search over indexed documents the caller may read. Returns snippets with path, line range and score.",
      inputSchema: {
        query: z.string().min(1).max(2000),
        k: z.number().int().min(1).max(50).default(6),
        project: z
          .string()
          .min(1)
          .max(256)
          .optional()
          .describe("Restrict to one indexed source (a project's `source` in list_projects)."),
      },
      outputSchema: { query: z.string(), results: z.array(hitSchema), bestDenseScore: z.number() },
      annotations: READ_ONLY,
    },
    (args, extra) =>
      guarded(async () => {
        const principal = principalOf(extra);
        const r = await searchHits(retriever, {
          query: args.query,
          k: args.k,
          project: args.project,
          principal,
        });
        const text = r.results
          .map(
            (h) =>
              `[${h.n}] ${h.source}/${h.path}:${h.startLine}-${h.endLine} (${h.score.toFixed(4)})\n${h.snippet}`,
          )
          .join("\n\n");
        return ok({ query: args.query, ...r }, text || "No readable document matches.");
      }, onError),
  );

  server.registerTool(
    "get_document",
    {
      title: "Get a document",
      description: "The full indexed text of one document, by id or by path (and optionally source).",
      inputSchema: {
        id: z.string().min(1).max(256).optional(),
        path: z.string().min(1).max(4096).optional(),
        source: z.string().min(1).max(256).optional(),
      },
      outputSchema: {
        id: z.string(),
        uri: z.string(),
        source: z.string(),
        path: z.string(),
        title: z.string(),
        startLine: z.number(),
        endLine: z.number(),
        text: z.string(),
        truncated: z.boolean(),
      },
      annotations: READ_ONLY,
    },
    (args, extra) =>
      guarded(async () => {
        if ((args.id === undefined) === (args.path === undefined)) {
          throw new AppError("INPUT_INVALID", "Give exactly one of id or path.");
        }
        const principal = principalOf(extra);
        const chunks = await findDocument(store, {
          id: args.id,
          path: args.path,
          source: args.source,
          principal,
        });
        const doc = renderDocument(chunks);
        return ok({ ...doc, uri: docUri(doc.id) }, doc.text);
      }, onError),
  );

  server.registerTool(
    "list_projects",
    {
      title: "List projects",
      description:
        "Projects the caller may see, as GET /v1/projects lists them: Backstage catalog-info.yaml entities " +
        "(component, system, api), or for an indexed source without one, the source itself described by its root " +
        "README and owned per its CODEOWNERS. Each has name, owners, description, source (usable as search_docs' " +
        "project), folder path and its Markdown docs. Only files the caller may read are looked at.",
      inputSchema: {
        query: z
          .string()
          .max(256)
          .optional()
          .describe("Words that must all appear in the name, description, owners, source or path."),
      },
      outputSchema: wireProjectsResponseSchema.shape,
      annotations: READ_ONLY,
    },
    (args, extra) =>
      guarded(async () => {
        // The API's own discovery (same permission filter, same query semantics), so both answer alike.
        const found = await discoverProjects(store, principalOf(extra), args.query);
        const projects = found.map((p) => ({ ...p, owners: [...p.owners], docs: [...p.docs] }));
        const text = projects.map(
          (p) =>
            `${p.name} (${p.source}${p.path ? `/${p.path}` : ""}; owners: ${p.owners.join(", ") || "unknown"})` +
            (p.description ? `: ${p.description}` : ""),
        );
        return ok({ projects }, text.join("\n") || "(none)");
      }, onError),
  );

  server.registerTool(
    "who_owns",
    {
      title: "Who owns a path or project",
      description:
        "Owners of a repository path (CODEOWNERS, GitHub rules: the last matching line wins; plus the Backstage " +
        "catalog-info.yaml of its folder) or of a project by name. Only ownership files the caller may read count; " +
        "a path is matched as a pattern, never looked up, so the answer does not say whether it exists.",
      inputSchema: {
        path: z
          .string()
          .min(1)
          .max(1024)
          .optional()
          .describe("Repository-relative path, e.g. services/billing/x.ts"),
        source: z
          .string()
          .min(1)
          .max(256)
          .optional()
          .describe("Indexed source the path is in (default: any)."),
        project: z.string().min(1).max(200).optional().describe("A catalog entity or source name."),
      },
      outputSchema: {
        owners: z.array(wireOwnerSchema),
        project: wireOwnersResponseSchema.shape.project,
      },
      annotations: READ_ONLY,
    },
    (args, extra) =>
      guarded(async () => {
        if ((args.path === undefined) === (args.project === undefined)) {
          throw new AppError("INPUT_INVALID", "Give exactly one of path or project.");
        }
        const principal = principalOf(extra);
        const query =
          args.project !== undefined
            ? { project: args.project }
            : { path: args.path ?? "", source: args.source };
        const r = await findOwners(store, principal, query);
        const lines = r.owners.map(
          (o) =>
            `${o.owner} (${o.source}${o.rule ? ` ${o.rule}` : ""}${o.repo ? ` in ${o.repo}/${o.file}` : ""})`,
        );
        const head = r.project ? `Project ${r.project.name} (${r.project.source}/${r.project.path})\n` : "";
        return ok(
          { ...r },
          head + (lines.join("\n") || "No owner found in the ownership files you may read."),
        );
      }, onError),
  );

  server.registerResource(
    "document",
    // Listing is answered by the paginated handler below, not by a template list callback (which gets no cursor).
    new ResourceTemplate("isa://doc/{id}", { list: undefined }),
    {
      title: "Indexed document",
      description: "An indexed document the caller may read.",
      mimeType: "text/plain",
    },
    async (uri, vars, extra) => {
      const principal = principalFor(principalOf, extra);
      const raw = Array.isArray(vars.id) ? vars.id[0] : vars.id;
      let id: string;
      try {
        id = decodeURIComponent(raw ?? "");
      } catch {
        throw new McpError(RESOURCE_NOT_FOUND, "Resource not found", { uri: uri.href });
      }
      const chunks = id ? await store.getDocumentChunks(id, principal) : [];
      if (chunks.length === 0)
        throw new McpError(RESOURCE_NOT_FOUND, "Resource not found", { uri: uri.href });
      const doc = renderDocument(chunks);
      return { contents: [{ uri: uri.href, mimeType: "text/plain", text: doc.text }] };
    },
  );

  const pageSize = deps.resourcesPageSize ?? 100;
  server.server.setRequestHandler(ListResourcesRequestSchema, async (request, extra) => {
    const principal = principalFor(principalOf, extra);
    const cursor = request.params?.cursor;
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && after === undefined) {
      throw new McpError(ErrorCode.InvalidParams, "Invalid cursor");
    }
    // Keyset pagination on (source, path): a page boundary stays put when documents are added or removed.
    const docs = (await readableDocuments(store, principal)).filter(
      (d) =>
        after === undefined ||
        d.source.localeCompare(after[0]) > 0 ||
        (d.source === after[0] && d.path.localeCompare(after[1]) > 0),
    );
    const page = docs.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      resources: page.map((d) => ({
        uri: docUri(d.docId),
        name: `${d.source}/${d.path}`,
        title: "Indexed document",
        description: "An indexed document the caller may read.",
        mimeType: "text/plain",
      })),
      ...(docs.length > pageSize && last ? { nextCursor: encodeCursor([last.source, last.path]) } : {}),
    };
  });

  server.registerPrompt(
    "ask_with_sources",
    {
      title: "Ask with sources",
      description: "A question with the best matching readable sources fenced in, asking for [n] citations.",
      argsSchema: {
        question: z.string().min(1).max(2000),
        k: z
          .string()
          .regex(/^\d{1,2}$/)
          .optional(),
      },
    },
    async (args, extra) => {
      const principal = principalFor(principalOf, extra);
      const k = Math.min(Math.max(Number(args.k ?? 6), 1), 20);
      const r = await searchHits(retriever, { query: args.question, k, principal });
      return {
        description: `Question with ${r.results.length} sources`,
        messages: [
          { role: "user", content: { type: "text", text: askWithSourcesText(args.question, r.results) } },
        ],
      };
    },
  );

  return server;
}

/** Resources and prompts report JSON-RPC errors (no isError result): an unauthenticated call is a protocol error. */
function principalFor(principalOf: PrincipalOf, extra: Parameters<PrincipalOf>[0]): Principal {
  try {
    return principalOf(extra);
  } catch {
    throw new McpError(ErrorCode.InvalidRequest, "Unauthenticated");
  }
}
