// The HTTP API's response shapes, defined once: the backend's routes and /openapi.json use them (re-exported by
// backend/src/api/schemas.ts, which keeps the request schemas) and the API client parses responses with them. Plain
// z.object, not strictObject, so a server that adds a field does not break older clients.
import { z } from "zod";
import type { Citation } from "../domain.js";

/** W3C trace-id form: 32 lowercase hex digits, not all zero. Feedback must name one the API handed out. */
export const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;

/** A conversation id as the API issues them: `c_` and 22 base64url characters (128 random bits). */
export const CONVERSATION_ID = /^c_[A-Za-z0-9_-]{22}$/;

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

/** How an answer was made: quoted evidence, or text a model generated from the sources. */
export const wireAnswerModeSchema = z
  .enum(["quoted", "generated"])
  .describe(
    "`quoted`: evidence quoted verbatim from the sources; `generated`: written by a model from them.",
  );
export const wireAnswerStateSchema = z
  .enum(["answered", "partial", "abstained"])
  .describe(
    "`answered`; `partial`: the closest sources cover something next to what was asked (the answer says what is " +
      "not covered and cites the closest passages); `abstained`: nothing relevant enough was found.",
  );

export const wireAnswerSchema = z.object({
  answer: z.string(),
  citations: z.array(wireCitationSchema),
  abstained: z.boolean().describe("True only when `state` is `abstained` (kept for older clients)."),
  // Optional here so a client still reads an answer from a server that predates them; this server always sends
  // both (backend/server/src/api/schemas.ts makes them required).
  state: wireAnswerStateSchema.optional(),
  mode: wireAnswerModeSchema.optional(),
  closest: z
    .array(wireCitationSchema)
    .describe("When abstaining: the closest documents the caller may read."),
  traceId: z.string().regex(TRACE_ID),
  // Optional here so a client still reads an answer from a server without conversations; this server always sends
  // it (backend/src/api/schemas.ts makes it required, and /openapi.json says so).
  conversationId: z
    .string()
    .regex(CONVERSATION_ID)
    .optional()
    .describe("The conversation this answer was added to; send it back as `conversationId` to continue."),
});

/** One question and its answer, as a conversation records it. */
export const wireConversationTurnSchema = z.object({
  question: z.string(),
  answer: z.string(),
  citations: z.array(wireCitationSchema),
  abstained: z.boolean(),
  traceId: z.string().regex(TRACE_ID),
  at: z.string().describe("When the answer was recorded (ISO 8601, UTC)."),
});

export const wireConversationSchema = z.object({
  id: z.string().regex(CONVERSATION_ID),
  createdAt: z.string().describe("ISO 8601, UTC."),
  turns: z.array(wireConversationTurnSchema).describe("Oldest first."),
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

export const wireOwnerSchema = z.object({
  owner: z
    .string()
    .describe("`@user`, `@org/team`, an email, or a catalog owner ref such as `group:team-billing`."),
  source: z.enum(["codeowners", "catalog"]),
  rule: z
    .string()
    .optional()
    .describe("The CODEOWNERS pattern that matched (last match wins), or the catalog entity `kind:name`."),
  file: z
    .string()
    .optional()
    .describe("The CODEOWNERS or catalog-info.yaml file, within its indexed source."),
  repo: z.string().optional().describe("The indexed source holding that file."),
});

export const wireOwnersResponseSchema = z.object({
  owners: z.array(wireOwnerSchema),
  project: z
    .object({ name: z.string(), source: z.string(), path: z.string() })
    .optional()
    .describe("The project asked for, or the catalog project whose folder holds the path."),
});

export const wireFeedbackResponseSchema = z.object({ recorded: z.literal(true) });

/** POST /v1/lookup (CodeLens): per term, how many readable documents mention it and the best few. */
export const wireLookupDocSchema = z.object({
  docId: z.string(),
  source: z.string(),
  path: z.string(),
  title: z.string(),
  startLine: z.number().int(),
  endLine: z.number().int(),
  snippet: z.string().describe("The lines around the term's first mention in the best chunk."),
  score: z.number(),
});

export const wireLookupResultSchema = z.object({
  term: z.string(),
  count: z.number().int().describe("Documents the caller may read that mention the term (capped)."),
  top: z.array(wireLookupDocSchema),
});

export const wireLookupResponseSchema = z.object({ results: z.array(wireLookupResultSchema) });

export const wireErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export type WireCitation = z.infer<typeof wireCitationSchema>;
export type AnswerPayload = z.infer<typeof wireAnswerSchema>;
export type ConversationTurnPayload = z.infer<typeof wireConversationTurnSchema>;
export type ConversationPayload = z.infer<typeof wireConversationSchema>;
export type SearchHit = z.infer<typeof wireSearchHitSchema>;
export type SearchResponse = z.infer<typeof wireSearchResponseSchema>;
export type Project = z.infer<typeof wireProjectSchema>;
export type ProjectsResponse = z.infer<typeof wireProjectsResponseSchema>;
export type Owner = z.infer<typeof wireOwnerSchema>;
export type OwnersResponse = z.infer<typeof wireOwnersResponseSchema>;
export type LookupDoc = z.infer<typeof wireLookupDocSchema>;
export type LookupResult = z.infer<typeof wireLookupResultSchema>;
export type LookupResponse = z.infer<typeof wireLookupResponseSchema>;

/** A domain citation as it travels on the wire (API answers, A2A artifacts, the CLI's JSON). */
export function citationJson(c: Citation): WireCitation {
  return {
    n: c.n,
    chunkId: c.chunkId,
    docId: c.docId,
    source: c.source,
    path: c.path,
    title: c.title,
    headingPath: [...c.headingPath],
    startLine: c.startLine,
    endLine: c.endLine,
    score: c.score,
  };
}
