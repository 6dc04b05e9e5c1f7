// POST /v1/search: the retriever's hits for the caller (the store filters by the caller's groups in its query).
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../context.js";
import { newTraceId, principalOf } from "../context.js";
import { parseWith } from "../errors.js";
import { ROUTES } from "../routeTable.js";
import type { SearchResponse } from "../schemas.js";
import { searchBodySchema } from "../schemas.js";

export function registerSearch(app: FastifyInstance, ctx: ApiContext): void {
  const spec = ROUTES.search;
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply): Promise<SearchResponse> => {
      const body = parseWith(searchBodySchema, request.body, "body");
      const principal = principalOf(request);
      const traceId = newTraceId();
      request.log.info({ traceId }, "search");
      const retriever = await ctx.runtime.retriever();
      const res = await retriever.retrieve(body.query, {
        principal,
        k: body.k ?? ctx.config.retrieval.topK,
        ...(body.mode ? { mode: body.mode } : {}),
      });
      ctx.metrics.observeStage(
        "retrieve",
        (res.timings.embedMs + res.timings.denseMs + res.timings.lexicalMs) / 1000,
      );
      void reply.header("x-trace-id", traceId);
      return {
        traceId,
        hits: res.hits.map((h) => ({
          rank: h.rank,
          chunkId: h.chunk.id,
          docId: h.chunk.docId,
          source: h.chunk.source,
          path: h.chunk.path,
          title: h.chunk.title,
          headingPath: [...h.chunk.headingPath],
          kind: h.chunk.kind,
          startLine: h.chunk.startLine,
          endLine: h.chunk.endLine,
          score: h.score,
          ...(h.denseScore === undefined ? {} : { denseScore: h.denseScore }),
          text: h.chunk.text,
        })),
      };
    },
  });
}
