// GET /v1/projects?q=: project discovery over the catalog files and READMEs the caller may read.

import { discoverProjects } from "@isa/engine";
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../context.js";
import { principalOf } from "../context.js";
import { parseWith } from "../errors.js";
import { ROUTES } from "../routeTable.js";
import type { ProjectsResponse } from "../schemas.js";
import { projectsQuerySchema } from "../schemas.js";

export function registerProjects(app: FastifyInstance, ctx: ApiContext): void {
  const spec = ROUTES.projects;
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request): Promise<ProjectsResponse> => {
      const { q } = parseWith(projectsQuerySchema, request.query, "query");
      const store = await ctx.runtime.store();
      const projects = await discoverProjects(store, principalOf(request), q);
      return { projects: projects.map((p) => ({ ...p, owners: [...p.owners], docs: [...p.docs] })) };
    },
  });
}
