// GET /v1/documents/:id: a document the caller may read, as its chunks joined in line order. A document the caller
// may not read is 404 exactly like a missing one, so ids cannot be probed for existence.
import { AppError } from "@isa/core";
import { joinChunks } from "@isa/engine";
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../context.js";
import { principalOf } from "../context.js";
import { ROUTES } from "../routeTable.js";
import type { DocumentResponse } from "../schemas.js";
import { documentParamsSchema } from "../schemas.js";

export function registerDocuments(app: FastifyInstance, ctx: ApiContext): void {
  const spec = ROUTES.document;
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request): Promise<DocumentResponse> => {
      // A malformed id is "no such document" too: a 400 would tell a prober which ids are well-formed.
      const parsed = documentParamsSchema.safeParse(request.params);
      if (!parsed.success) throw new AppError("NOT_FOUND");
      const { id } = parsed.data;
      const store = await ctx.runtime.store();
      const chunks = [...(await store.getDocumentChunks(id, principalOf(request)))].sort(
        (a, b) => a.startLine - b.startLine || a.endLine - b.endLine,
      );
      const first = chunks[0];
      if (!first) throw new AppError("NOT_FOUND");
      return {
        id,
        source: first.source,
        path: first.path,
        title: first.title,
        kind: first.kind,
        ...(first.language ? { language: first.language } : {}),
        startLine: first.startLine,
        endLine: Math.max(...chunks.map((c) => c.endLine)),
        chunks: chunks.map((c) => ({
          id: c.id,
          startLine: c.startLine,
          endLine: c.endLine,
          headingPath: [...c.headingPath],
        })),
        text: joinChunks(chunks),
      };
    },
  });
}
