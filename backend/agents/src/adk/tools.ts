// The agents' tools. Each one reads the caller from session state (runContext.ts), so retrieval, the project
// catalog and the answerer see exactly what the caller may read; numbered sources go into the run's book so the
// final answer's `[n]` map back to structured citations.

import { FunctionTool } from "@google/adk";
import type { Principal } from "@isa/core";
import type { Answerer, AnswerRetriever, RetrievalResult, Runtime } from "@isa/engine";
import { discoverProjects } from "@isa/engine";
import { z } from "zod";
import type { AgentBackend, LeafAgentId } from "../a2a/agents.js";
import { AGENT_KINDS, route } from "../a2a/agents.js";
import type { RunBook, RunBooks, StateView } from "./runContext.js";
import { addHits, credentialOf, principalOf } from "./runContext.js";

export const TOOL_NAMES = {
  compare: "compare_sources",
  projects: "find_projects",
  search: { docs: "search_docs", dev: "search_code" },
  answer: { docs: "answer_from_docs", dev: "answer_from_code" },
} as const;

/** Characters of each source shown to a model: enough for a paragraph or a function, bounded for small contexts. */
const SOURCE_CHARS = 1500;
const MAX_PROJECTS_SHOWN = 20;

export interface ToolDeps {
  readonly runtime: Runtime;
  readonly books: RunBooks;
  /** The answerer over a fixed retrieval (configured mode: extractive, generate or hybrid). */
  readonly answererFor: (retriever: AnswerRetriever) => Promise<Answerer>;
  /** Remote docs/dev agents (ISA_AGENT_URLS): the answer tool asks them instead of answering here. */
  readonly delegates: Partial<Record<LeafAgentId, AgentBackend>>;
}

/** The tool context as our StateView (ADK passes it as optional; a tool called without one fails closed). */
function caller(ctx: StateView | undefined, deps: ToolDeps): { principal: Principal; book: RunBook } {
  const principal = principalOf(ctx);
  return { principal, book: deps.books.get(ctx?.sessionId ?? "") };
}

/** Run a tool body, keeping its error (with its catalog code) in the book before ADK flattens it to a string. */
async function recorded<T>(ctx: StateView | undefined, deps: ToolDeps, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    const book = ctx ? deps.books.find(ctx.sessionId) : undefined;
    if (book && book.error === undefined) book.error = err;
    throw err;
  }
}

/** Retrieve with one agent's kinds as the caller, once per run and query. */
async function retrieveFor(
  deps: ToolDeps,
  book: RunBook,
  opts: { leaf: LeafAgentId; query: string; principal: Principal },
): Promise<RetrievalResult> {
  const key = `${opts.leaf}|${opts.query}`;
  const cached = book.retrievals.get(key);
  if (cached) return cached;
  const retriever = await deps.runtime.retriever();
  const result = await retriever.retrieve(opts.query, {
    principal: opts.principal,
    k: deps.runtime.config.retrieval.topK,
    kinds: AGENT_KINDS[opts.leaf],
  });
  book.retrievals.set(key, result);
  return result;
}

/** Root: how close the docs and the code evidence are (the best dense cosine of each, as the caller). */
export function compareSourcesTool(deps: ToolDeps): FunctionTool<z.ZodObject<{ question: z.ZodString }>> {
  return new FunctionTool({
    name: TOOL_NAMES.compare,
    description:
      "Compare how closely the documentation and the code match a question (best similarity score of each; -1 " +
      "when nothing readable matched). Use it when unsure whether to transfer to the docs or the dev agent.",
    parameters: z.object({ question: z.string().min(1).describe("the user's question") }),
    execute: async ({ question }, ctx) =>
      recorded(ctx, deps, async () => {
        const { principal, book } = caller(ctx, deps);
        const q = question.trim();
        const { decision, results } = await route(
          await deps.runtime.retriever(),
          q,
          principal,
          deps.runtime.config.retrieval.topK,
        );
        book.retrievals.set(`docs|${q}`, results.docs);
        book.retrievals.set(`dev|${q}`, results.dev);
        book.route = decision;
        return { docs_score: decision.scores.docs, dev_score: decision.scores.dev, closer: decision.agent };
      }),
  });
}

/** Root's project-discovery skill: the catalog GET /v1/projects serves, as the caller. */
export function findProjectsTool(
  deps: ToolDeps,
): FunctionTool<z.ZodObject<{ query: z.ZodOptional<z.ZodString> }>> {
  return new FunctionTool({
    name: TOOL_NAMES.projects,
    description:
      "List the company's projects (from catalog-info.yaml, else README and CODEOWNERS): name, description, " +
      "owners, repository path and docs. `query`: words that must all match; omit to list all.",
    parameters: z.object({ query: z.string().optional().describe("words to filter projects by") }),
    execute: async ({ query }, ctx) =>
      recorded(ctx, deps, async () => {
        const { principal, book } = caller(ctx, deps);
        const projects = await discoverProjects(await deps.runtime.store(), principal, query);
        book.projects = true;
        return {
          projects: projects.slice(0, MAX_PROJECTS_SHOWN).map((p) => ({
            name: p.name,
            source: p.source,
            path: p.path,
            description: p.description ?? "",
            owners: p.owners,
            docs: p.docs.slice(0, 5),
          })),
          total: projects.length,
        };
      }),
  });
}

/** A leaf's retrieval for a model that writes the answer itself: numbered sources to cite as [n]. */
export function searchTool(
  leaf: LeafAgentId,
  deps: ToolDeps,
): FunctionTool<z.ZodObject<{ query: z.ZodString }>> {
  const what = leaf === "docs" ? "documentation (Markdown and text)" : "source code and configuration files";
  return new FunctionTool({
    name: TOOL_NAMES.search[leaf],
    description: `Search the company's ${what} the user may read. Returns numbered sources; cite them as [n].`,
    parameters: z.object({ query: z.string().min(1).describe("search query") }),
    execute: async ({ query }, ctx) =>
      recorded(ctx, deps, async () => {
        const { principal, book } = caller(ctx, deps);
        const result = await retrieveFor(deps, book, { leaf, query: query.trim(), principal });
        book.answeredBy ??= leaf;
        const minScore = deps.runtime.config.retrieval.abstainMinScore;
        if (result.hits.length === 0 || result.bestDenseScore < minScore) {
          return { sources: [], note: "Nothing the user may read matches closely enough." };
        }
        const hits = result.hits.slice(0, deps.runtime.config.retrieval.topK);
        const numbered = addHits(book, hits);
        return {
          sources: numbered.map((s, i) => ({
            n: s.n,
            path: s.citation.path,
            lines: `${s.citation.startLine}-${s.citation.endLine}`,
            title: s.citation.title,
            text: (hits[i]?.chunk.text ?? "").slice(0, SOURCE_CHARS),
          })),
        };
      }),
  });
}

/**
 * A leaf's whole answer as one tool: the answerer (configured mode) over this run's retrieval, or the remote
 * agent for this leaf. Used where no language model writes the answer (score routing, remote delegation).
 */
export function answerTool(
  leaf: LeafAgentId,
  deps: ToolDeps,
): FunctionTool<z.ZodObject<{ question: z.ZodString }>> {
  const what = leaf === "docs" ? "documentation" : "code and configuration";
  return new FunctionTool({
    name: TOOL_NAMES.answer[leaf],
    description: `Answer a question from the company's ${what}, with numbered citations.`,
    parameters: z.object({ question: z.string().min(1).describe("the user's question") }),
    execute: async ({ question }, ctx) =>
      recorded(ctx, deps, async () => {
        const { principal, book } = caller(ctx, deps);
        const q = question.trim();
        const base = {
          principal,
          ...(book.signal ? { signal: book.signal } : {}),
          ...(book.onToken ? { onToken: book.onToken } : {}),
        };
        const remote = deps.delegates[leaf];
        if (remote) {
          const credential = credentialOf(ctx);
          book.answer = await remote.answer(q, { ...base, ...(credential ? { credential } : {}) });
        } else {
          const result = await retrieveFor(deps, book, { leaf, query: q, principal });
          // The run's retrieval, plus small-to-big around its hits (as /v1/ask answers): a how-to's steps can be
          // quoted when only its introduction was retrieved. Neighbours are read with the caller's principal.
          const retriever = await deps.runtime.retriever();
          const answerer = await deps.answererFor({
            retrieve: async () => result,
            neighbours: (chunk, opts) => retriever.neighbours(chunk, opts),
          });
          book.answer = { result: await answerer.answer(q, base), answeredBy: leaf };
        }
        return { answer: book.answer.result.answer, abstained: book.answer.result.abstained };
      }),
  });
}
