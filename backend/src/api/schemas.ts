// The API's wire shapes, one zod schema each: request bodies are parsed by these, response types are inferred from
// them, and /openapi.json is generated from them, so the three cannot drift apart. The response shapes the API
// client also reads are defined once in @isa/core (core/src/client/wire.ts) and re-exported here under their names.
import {
  TRACE_ID,
  wireAnswerSchema,
  wireCitationSchema,
  wireErrorSchema,
  wireFeedbackResponseSchema,
  wireProjectSchema,
  wireProjectsResponseSchema,
  wireSearchHitSchema,
  wireSearchResponseSchema,
  wireTokenEventSchema,
} from "@isa/core";
import { z } from "zod";

export { TRACE_ID };
export const citationSchema = wireCitationSchema;
export const answerSchema = wireAnswerSchema;
export const tokenEventSchema = wireTokenEventSchema;
export const searchHitSchema = wireSearchHitSchema;
export const searchResponseSchema = wireSearchResponseSchema;
export const projectSchema = wireProjectSchema;
export const projectsResponseSchema = wireProjectsResponseSchema;
export const feedbackResponseSchema = wireFeedbackResponseSchema;
export const errorResponseSchema = wireErrorSchema;

/** Non-blank text with a length cap (the cap bounds the cost of one request). */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => s.trim() !== "", "must not be blank");

export const askBodySchema = z.strictObject({
  question: text(4000).describe("The question, in natural language."),
});

export const searchBodySchema = z.strictObject({
  query: text(8000),
  k: z.number().int().min(1).max(50).optional().describe("Hits to return (default ISA_TOP_K)."),
  mode: z.enum(["hybrid", "dense", "lexical"]).optional().describe("Ranking (default ISA_RETRIEVAL_MODE)."),
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

export const healthResponseSchema = z.object({ status: z.literal("ok") });

export const readyResponseSchema = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.string()),
});

export type AskBody = z.infer<typeof askBodySchema>;
export type SearchBody = z.infer<typeof searchBodySchema>;
export type FeedbackBody = z.infer<typeof feedbackBodySchema>;
export type AnswerPayload = z.infer<typeof answerSchema>;
export type SearchResponse = z.infer<typeof searchResponseSchema>;
export type DocumentResponse = z.infer<typeof documentResponseSchema>;
export type ProjectsResponse = z.infer<typeof projectsResponseSchema>;
