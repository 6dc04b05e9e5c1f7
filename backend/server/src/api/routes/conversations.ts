// GET /v1/conversations/:id: a conversation's turns, for a caller whose groups cover its audience. Not visible is
// 404 exactly like missing. A malformed id is INPUT_INVALID: the format is public (the API issues the ids), so
// saying so tells a prober nothing.
import { AppError, citationJson } from "@isa/core";
import type { FastifyInstance } from "fastify";
import { mayContinue } from "../../persistence/index.js";
import type { ApiContext } from "../context.js";
import { principalOf } from "../context.js";
import { parseWith } from "../errors.js";
import { ROUTES } from "../routeTable.js";
import type { ConversationResponse } from "../schemas.js";
import { conversationParamsSchema } from "../schemas.js";

export function registerConversations(app: FastifyInstance, ctx: ApiContext): void {
  const spec = ROUTES.conversation;
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request): Promise<ConversationResponse> => {
      const { id } = parseWith(conversationParamsSchema, request.params, "path");
      const principal = principalOf(request);
      const c = await ctx.conversations.get(id);
      if (!c || !mayContinue(principal.groups, c.audience)) {
        throw new AppError("NOT_FOUND", "The conversation does not exist or is not visible to the caller.");
      }
      return {
        id: c.id,
        createdAt: c.createdAt,
        turns: c.turns.map((t) => ({
          question: t.question,
          answer: t.answer,
          citations: t.citations.map(citationJson),
          abstained: t.abstained,
          traceId: t.traceId,
          at: t.at,
        })),
      };
    },
  });
}
