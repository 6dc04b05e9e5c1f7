// POST /v1/lookup: the editor's batch question "which documents mention these identifiers?", asked once per file
// for CodeLens and hovers. Each term is one lexical (BM25) query filtered by the caller's groups inside the store,
// with no embedding and no generation, so a 50-term call stays cheap; a hit counts only when its chunk contains the
// term verbatim (case-insensitive), because BM25 alone would match `billing-client` on any chunk saying "billing".
import type { DocumentKind, Principal, ScoredChunk, VectorStore } from "@isa/core";
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "./context.js";
import { chargeExtra, principalOf } from "./context.js";
import { parseWith } from "./errors.js";
import { ROUTES } from "./routeTable.js";
import type { LookupResponse } from "./schemas.js";
import { lookupBodySchema } from "./schemas.js";

/** Lexical candidates read per term: the count is "documents mentioning it" up to about this many chunks. */
const CANDIDATES = 40;
const TOP_DOCS = 3;
const SNIPPET_LINES = 3;
const SNIPPET_CHARS = 400;

type LookupResult = LookupResponse["results"][number];

/** The lines around the term's first mention, trimmed to SNIPPET_CHARS. */
export function snippetAround(text: string, term: string): string {
  const lines = text.split("\n");
  const needle = term.toLowerCase();
  const at = Math.max(
    0,
    lines.findIndex((l) => l.toLowerCase().includes(needle)),
  );
  const from = Math.max(0, at - 1);
  const out = lines
    .slice(from, from + SNIPPET_LINES)
    .join("\n")
    .trim();
  return out.length > SNIPPET_CHARS ? `${out.slice(0, SNIPPET_CHARS - 1)}…` : out;
}

/** One term: chunks that mention it, grouped by document, best document first. */
export function summarise(term: string, hits: readonly ScoredChunk[]): LookupResult {
  const needle = term.toLowerCase();
  const byDoc = new Map<string, ScoredChunk>();
  for (const h of hits) {
    if (!h.chunk.text.toLowerCase().includes(needle)) continue;
    const seen = byDoc.get(h.chunk.docId);
    if (!seen || h.score > seen.score) byDoc.set(h.chunk.docId, h);
  }
  const ranked = [...byDoc.values()].sort((a, b) => b.score - a.score);
  return {
    term,
    count: ranked.length,
    top: ranked.slice(0, TOP_DOCS).map(({ chunk, score }) => ({
      docId: chunk.docId,
      source: chunk.source,
      path: chunk.path,
      title: chunk.title,
      startLine: chunk.startLine,
      endLine: chunk.endLine,
      snippet: snippetAround(chunk.text, term),
      score,
    })),
  };
}

/** Searches a lookup runs: one per distinct trimmed term (what lookupTerms queries). */
export function lookupCost(terms: readonly string[]): number {
  return new Set(terms.map((t) => t.trim())).size;
}

export async function lookupTerms(
  store: VectorStore,
  principal: Principal,
  terms: readonly string[],
  kinds?: readonly DocumentKind[],
): Promise<LookupResult[]> {
  // Duplicates cost nothing twice; the answer keeps the caller's order and length.
  const unique = [...new Set(terms.map((t) => t.trim()))];
  const results = new Map<string, LookupResult>();
  await Promise.all(
    unique.map(async (term) => {
      const hits = await store.searchLexical(term, { k: CANDIDATES, principal, ...(kinds ? { kinds } : {}) });
      results.set(term, summarise(term, hits));
    }),
  );
  return terms.map((t) => ({ ...(results.get(t.trim()) ?? { count: 0, top: [] }), term: t }));
}

export function registerLookup(app: FastifyInstance, ctx: ApiContext): void {
  const spec = ROUTES.lookup;
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply): Promise<LookupResponse> => {
      const { terms, kinds } = parseWith(lookupBodySchema, request.body, "body");
      // Weighted by the searches it runs: one unit per distinct term (the request itself paid the first).
      await chargeExtra(ctx, request, reply, lookupCost(terms) - 1);
      const store = await ctx.runtime.store();
      return { results: await lookupTerms(store, principalOf(request), terms, kinds) };
    },
  });
}
