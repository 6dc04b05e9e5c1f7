// The API's wire shapes, one zod schema each: request bodies are parsed by these, response types are inferred from
// them, and /openapi.json is generated from them, so the three cannot drift apart.
import { z } from "zod";

/** W3C trace-id form: 32 lowercase hex digits, not all zero. Feedback must name one the API handed out. */
export const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;

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

export const citationSchema = z.object({
  n: z.number().int(),
  chunkId: z.string(),
  docId: z.string(),
  source: z.string(),
  path: z.string(),
  title: z.string(),
  headingPath: z.array(z.string()),
  startLine: z.number().int(),
  endLine: z.number().int(),
  score: z.number(),
});

export const answerSchema = z.object({
  answer: z.string(),
  citations: z.array(citationSchema),
  abstained: z.boolean(),
  closest: z.array(citationSchema).describe("When abstaining: the closest documents the caller may read."),
  traceId: z.string().regex(TRACE_ID),
});

export const tokenEventSchema = z.object({ text: z.string() });

export const searchHitSchema = z.object({
  rank: z.number().int(),
  chunkId: z.string(),
  docId: z.string(),
  source: z.string(),
  path: z.string(),
  title: z.string(),
  headingPath: z.array(z.string()),
  kind: z.string(),
  startLine: z.number().int(),
  endLine: z.number().int(),
  score: z.number(),
  denseScore: z.number().optional(),
  text: z.string(),
});

export const searchResponseSchema = z.object({
  hits: z.array(searchHitSchema),
  traceId: z.string().regex(TRACE_ID),
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

export const projectSchema = z.object({
  name: z.string(),
  source: z.string(),
  path: z.string().describe('Folder within the source ("" = its root).'),
  description: z.string().optional(),
  owners: z.array(z.string()),
  docs: z.array(z.string()),
  from: z.enum(["catalog-info", "readme"]),
});

export const projectsResponseSchema = z.object({ projects: z.array(projectSchema) });

export const feedbackResponseSchema = z.object({ recorded: z.literal(true) });

export const healthResponseSchema = z.object({ status: z.literal("ok") });

export const readyResponseSchema = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.string()),
});

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export type AskBody = z.infer<typeof askBodySchema>;
export type SearchBody = z.infer<typeof searchBodySchema>;
export type FeedbackBody = z.infer<typeof feedbackBodySchema>;
export type AnswerPayload = z.infer<typeof answerSchema>;
export type SearchResponse = z.infer<typeof searchResponseSchema>;
export type DocumentResponse = z.infer<typeof documentResponseSchema>;
export type ProjectsResponse = z.infer<typeof projectsResponseSchema>;
