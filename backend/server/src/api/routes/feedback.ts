// POST /v1/feedback: one rating (who, which answer, up/down, comment) in the feedback store: PostgreSQL with
// ISA_DATABASE_URL (shared by replicas, same retention as conversations), else <dataDir>/feedback.jsonl.
import type { FastifyInstance } from "fastify";
import { defaultFeedbackStore } from "../../persistence/index.js";
import type { ApiContext } from "../context.js";
import { principalOf } from "../context.js";
import { parseWith } from "../errors.js";
import { ROUTES } from "../routeTable.js";
import { feedbackBodySchema } from "../schemas.js";
import { appTracing } from "../tracking.js";

export function registerFeedback(app: FastifyInstance, ctx: ApiContext): void {
  const spec = ROUTES.feedback;
  const tracing = appTracing(app, ctx);
  const store = defaultFeedbackStore(ctx.config, app.log as never);
  app.addHook("onClose", () => store.close());
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
      await store.record(record);
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
