// POST /v1/feedback: one JSON line per rating in <dataDir>/feedback.jsonl (who, which answer, up/down, comment).
// Appends are chained so concurrent requests never interleave within a line.
import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../context.js";
import { principalOf } from "../context.js";
import { parseWith } from "../errors.js";
import { ROUTES } from "../routeTable.js";
import { feedbackBodySchema } from "../schemas.js";
import { appTracing } from "../tracking.js";

export function registerFeedback(app: FastifyInstance, ctx: ApiContext): void {
  const spec = ROUTES.feedback;
  const tracing = appTracing(app, ctx);
  const file = path.join(ctx.config.dataDir, "feedback.jsonl");
  let chain: Promise<unknown> = Promise.resolve();
  const append = (line: string): Promise<void> => {
    const next = chain.then(async () => {
      await mkdir(path.dirname(file), { recursive: true });
      await appendFile(file, line, "utf8");
    });
    chain = next.catch(() => {});
    return next;
  };
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => {
      const body = parseWith(feedbackBodySchema, request.body, "body");
      const principal = principalOf(request);
      const record = {
        ts: new Date().toISOString(),
        traceId: body.traceId,
        rating: body.rating,
        ...(body.comment === undefined ? {} : { comment: body.comment }),
        principal: principal.id,
        requestId: request.id,
      };
      await append(`${JSON.stringify(record)}\n`);
      // Also an assessment on the answer's MLflow trace (queued; never awaited, never fails the request).
      (await tracing.tracer())?.feedback({
        traceId: body.traceId,
        principalId: principal.id,
        rating: body.rating,
        ...(body.comment === undefined ? {} : { comment: body.comment }),
      });
      request.log.info({ traceId: body.traceId, rating: body.rating }, "feedback recorded");
      return reply.code(spec.ok.status).send({ recorded: true });
    },
  });
}
