// The API's wire shapes, one zod schema each: request bodies are parsed by these, response types are inferred from
// them, and /openapi.json is generated from them, so the three cannot drift apart. The response shapes the API
// client also reads are defined once in @isa/core (core/src/client/wire.ts) and re-exported here under their names.
import {
  CONVERSATION_ID,
  TRACE_ID,
  wireAnswerModeSchema,
  wireAnswerSchema,
  wireAnswerStateSchema,
  wireCitationSchema,
  wireConversationSchema,
  wireErrorSchema,
  wireFeedbackResponseSchema,
  wireLookupResponseSchema,
  wireOwnersResponseSchema,
  wireProjectSchema,
  wireProjectsResponseSchema,
  wireSearchHitSchema,
  wireSearchResponseSchema,
  wireTokenEventSchema,
} from "@isa/core";
import { z } from "zod";

export { CONVERSATION_ID, TRACE_ID };
export const citationSchema = wireCitationSchema;
// The client's schema keeps conversationId optional (older servers); this server always sends it.
export const answerSchema = wireAnswerSchema.extend({
  state: wireAnswerStateSchema,
  mode: wireAnswerModeSchema,
  conversationId: z
    .string()
    .regex(CONVERSATION_ID)
    .describe(
      "The conversation this answer was added to (a new one when the request named none); send it back as " +
        "`conversationId` to continue.",
    ),
});
export const conversationResponseSchema = wireConversationSchema;
export const tokenEventSchema = wireTokenEventSchema;
export const searchHitSchema = wireSearchHitSchema;
export const searchResponseSchema = wireSearchResponseSchema;
export const projectSchema = wireProjectSchema;
export const projectsResponseSchema = wireProjectsResponseSchema;
export const feedbackResponseSchema = wireFeedbackResponseSchema;
export const ownersResponseSchema = wireOwnersResponseSchema;
export const lookupResponseSchema = wireLookupResponseSchema;
export const errorResponseSchema = wireErrorSchema;

/** Non-blank text with a length cap (the cap bounds the cost of one request). */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => s.trim() !== "", "must not be blank");

const conversationId = z
  .string()
  .regex(CONVERSATION_ID, "must be a conversation id the API issued (c_ and 22 base64url characters)");

export const askBodySchema = z.strictObject({
  question: text(4000).describe("The question, in natural language."),
  conversationId: conversationId
    .optional()
    .describe(
      "Continue this conversation (from an earlier answer's `conversationId`): its last turns are context for " +
        "this one. Omitted: a new conversation is started.",
    ),
});

export const conversationParamsSchema = z.strictObject({ id: conversationId });

export const searchBodySchema = z.strictObject({
  query: text(8000),
  k: z.number().int().min(1).max(50).optional().describe("Hits to return (default ISA_TOP_K)."),
  mode: z.enum(["hybrid", "dense", "lexical"]).optional().describe("Ranking (default ISA_RETRIEVAL_MODE)."),
});

export const lookupBodySchema = z.strictObject({
  terms: z
    .array(text(200))
    .min(1)
    .max(50)
    .describe("Identifiers, package names or config keys; each is looked up on its own."),
  kinds: z
    .array(z.enum(["markdown", "text", "code", "config"]))
    .min(1)
    .max(4)
    .optional()
    .describe(
      "Count only chunks of these kinds (e.g. markdown and text for documentation). Default: every kind.",
    ),
});

export const feedbackBodySchema = z.strictObject({
  traceId: z.string().regex(TRACE_ID, "must be the 32-hex-digit traceId of an answer"),
  rating: z.enum(["up", "down"]),
  comment: z.string().max(4000).optional(),
});

export const documentParamsSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.:-]+$/, "is not a document id"),
});

export const documentResponseSchema = z.object({
  id: z.string(),
  source: z.string(),
  path: z.string(),
  title: z.string(),
  kind: z.string(),
  language: z.string().optional(),
  startLine: z.number().int(),
  endLine: z.number().int(),
  chunks: z.array(
    z.object({
      id: z.string(),
      startLine: z.number().int(),
      endLine: z.number().int(),
      headingPath: z.array(z.string()),
    }),
  ),
  text: z.string().describe("The document's chunks joined in line order."),
});

export const projectsQuerySchema = z.strictObject({
  q: z
    .string()
    .max(200)
    .optional()
    .describe("Words that must all appear in a project's name, description or owners."),
});

export const ownersQuerySchema = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .max(1024)
      .optional()
      .describe(
        "A repository-relative path; its owners are the last matching CODEOWNERS rule and the catalog.",
      ),
    source: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe("The indexed source the path is in (default: any)."),
    project: z.string().min(1).max(200).optional().describe("A project (catalog entity or source) by name."),
  })
  .refine((q) => (q.path === undefined) !== (q.project === undefined), {
    message: "give exactly one of path or project",
  });

export const healthResponseSchema = z.object({ status: z.literal("ok") });

export const readyResponseSchema = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.string()),
  /** Present when something needs an operator's eye without making the server unready. */
  details: z
    .object({
      catalogProblems: z.array(z.object({ path: z.string(), reason: z.string(), at: z.string() })),
    })
    .optional(),
});

export type AskBody = z.infer<typeof askBodySchema>;
export type SearchBody = z.infer<typeof searchBodySchema>;
export type FeedbackBody = z.infer<typeof feedbackBodySchema>;
export type AnswerPayload = z.infer<typeof answerSchema>;
export type ConversationResponse = z.infer<typeof conversationResponseSchema>;
export type SearchResponse = z.infer<typeof searchResponseSchema>;
export type DocumentResponse = z.infer<typeof documentResponseSchema>;
export type ProjectsResponse = z.infer<typeof projectsResponseSchema>;
export type OwnersResponse = z.infer<typeof ownersResponseSchema>;
export type LookupResponse = z.infer<typeof lookupResponseSchema>;
