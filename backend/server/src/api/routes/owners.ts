// GET /v1/owners?path=…[&source=…] | ?project=…: ownership from the CODEOWNERS and catalog-info.yaml files the
// caller may read (backend/src/owners; the permission rules are described there).

import { findOwners } from "@isa/engine";
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../context.js";
import { principalOf } from "../context.js";
import { parseWith } from "../errors.js";
import { ROUTES } from "../routeTable.js";
import type { OwnersResponse } from "../schemas.js";
import { ownersQuerySchema } from "../schemas.js";

export function registerOwners(app: FastifyInstance, ctx: ApiContext): void {
  const spec = ROUTES.owners;
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request): Promise<OwnersResponse> => {
      const q = parseWith(ownersQuerySchema, request.query, "query");
      const store = await ctx.runtime.store();
      const query =
        q.project !== undefined ? { project: q.project } : { path: q.path ?? "", source: q.source };
      return findOwners(store, principalOf(request), query);
    },
  });
}
