// The HTTP API's response shapes, defined once: the backend's routes and /openapi.json use them (re-exported by
// backend/src/api/schemas.ts, which keeps the request schemas) and the API client parses responses with them. Plain
// z.object, not strictObject, so a server that adds a field does not break older clients.
import { z } from "zod";

/** W3C trace-id form: 32 lowercase hex digits, not all zero. Feedback must name one the API handed out. */
export const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;

export const wireCitationSchema = z.object({
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

export const wireAnswerSchema = z.object({
  answer: z.string(),
  citations: z.array(wireCitationSchema),
  abstained: z.boolean(),
  closest: z
    .array(wireCitationSchema)
    .describe("When abstaining: the closest documents the caller may read."),
  traceId: z.string().regex(TRACE_ID),
});

export const wireTokenEventSchema = z.object({ text: z.string() });

export const wireSearchHitSchema = z.object({
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

export const wireSearchResponseSchema = z.object({
  hits: z.array(wireSearchHitSchema),
  traceId: z.string().regex(TRACE_ID),
});

export const wireProjectSchema = z.object({
  name: z.string(),
  source: z.string(),
  path: z.string().describe('Folder within the source ("" = its root).'),
  description: z.string().optional(),
  owners: z.array(z.string()),
  docs: z.array(z.string()),
  from: z.enum(["catalog-info", "readme"]),
});

export const wireProjectsResponseSchema = z.object({ projects: z.array(wireProjectSchema) });

export const wireFeedbackResponseSchema = z.object({ recorded: z.literal(true) });

export const wireErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export type WireCitation = z.infer<typeof wireCitationSchema>;
export type AnswerPayload = z.infer<typeof wireAnswerSchema>;
export type SearchHit = z.infer<typeof wireSearchHitSchema>;
export type SearchResponse = z.infer<typeof wireSearchResponseSchema>;
export type Project = z.infer<typeof wireProjectSchema>;
export type ProjectsResponse = z.infer<typeof wireProjectsResponseSchema>;
