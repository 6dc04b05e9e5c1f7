// The route table: method, path, auth and the zod schemas of each route, in one place. Handlers are registered
// from it and /openapi.json is generated from it, so documentation cannot drift from what the server accepts.
import type { z } from "zod";
import {
  answerSchema,
  askBodySchema,
  conversationParamsSchema,
  conversationResponseSchema,
  documentParamsSchema,
  documentResponseSchema,
  errorResponseSchema,
  feedbackBodySchema,
  feedbackResponseSchema,
  healthResponseSchema,
  lookupBodySchema,
  lookupResponseSchema,
  ownersQuerySchema,
  ownersResponseSchema,
  projectsQuerySchema,
  projectsResponseSchema,
  readyResponseSchema,
  searchBodySchema,
  searchResponseSchema,
  tokenEventSchema,
} from "./schemas.js";

export interface RouteSpec {
  readonly method: "GET" | "POST";
  /** Fastify path syntax (`:id`); the OpenAPI document rewrites it to `{id}`. */
  readonly url: string;
  readonly summary: string;
  readonly description?: string;
  /** false: no credentials, not rate-limited (probes, metrics scraping, the API description). */
  readonly auth: boolean;
  readonly body?: z.ZodType;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  /** The 2xx response: a JSON schema, or raw text of a content type. */
  readonly ok: { readonly status: number; readonly schema?: z.ZodType; readonly contentType?: string };
  /** Also answers as an SSE stream: event name → data schema. */
  readonly sse?: Readonly<Record<string, z.ZodType>>;
  /** Error statuses worth listing besides the ones every authenticated route has. */
  readonly errors?: readonly number[];
}

export const ROUTES = {
  ask: {
    method: "POST",
    url: "/v1/ask",
    summary: "Answer a question from the documents the caller may read, with citations.",
    description:
      "Streams Server-Sent Events by default: `token` events `{text}` whose texts concatenate to the answer, then " +
      "one `answer` event (or one `error` event `{error: {code, message}}`). With `Accept: application/json` " +
      "the answer is returned as one JSON object. Closing the connection stops generation. Every answer carries " +
      "a `conversationId`; sending it back continues that conversation (404 when it does not exist or is not " +
      "visible to the caller, 409 CONVERSATION_FULL past its turn limit).",
    auth: true,
    body: askBodySchema,
    ok: { status: 200, schema: answerSchema },
    sse: { token: tokenEventSchema, answer: answerSchema, error: errorResponseSchema },
    errors: [404, 409, 503],
  },
  conversation: {
    method: "GET",
    url: "/v1/conversations/:id",
    summary: "A conversation's turns (question, answer, citations), oldest first.",
    description:
      "A conversation's audience is the union of the groups of everyone who added a turn; a caller may read or " +
      "continue it only if its groups include all of them. 404 both when it does not exist and when it is not " +
      "visible to the caller.",
    auth: true,
    params: conversationParamsSchema,
    ok: { status: 200, schema: conversationResponseSchema },
    errors: [404, 503],
  },
  search: {
    method: "POST",
    url: "/v1/search",
    summary: "Hybrid (BM25 + dense) search over the chunks the caller may read.",
    auth: true,
    body: searchBodySchema,
    ok: { status: 200, schema: searchResponseSchema },
  },
  document: {
    method: "GET",
    url: "/v1/documents/:id",
    summary: "One document's text (its chunks in line order) and metadata.",
    description: "404 both when the document does not exist and when the caller may not read it.",
    auth: true,
    params: documentParamsSchema,
    ok: { status: 200, schema: documentResponseSchema },
    errors: [404],
  },
  projects: {
    method: "GET",
    url: "/v1/projects",
    summary:
      "Discover projects: Backstage catalog-info.yaml entities, else each source's README and CODEOWNERS.",
    auth: true,
    query: projectsQuerySchema,
    ok: { status: 200, schema: projectsResponseSchema },
  },
  lookup: {
    method: "POST",
    url: "/v1/lookup",
    summary: "Batch lookup for editor lenses: per term, the readable documents that mention it.",
    description:
      "Each term is searched lexically (no embedding, no generation) and kept only where a chunk contains it " +
      "verbatim (case-insensitive), so the count means 'documents mentioning this'. Cheap enough to call per file.",
    auth: true,
    body: lookupBodySchema,
    ok: { status: 200, schema: lookupResponseSchema },
  },
  owners: {
    method: "GET",
    url: "/v1/owners",
    summary: "Who owns a path (CODEOWNERS, last matching rule; catalog-info.yaml) or a project.",
    description:
      "Only ownership files the caller may read count. A path is matched as a string, never looked up, so the " +
      "answer does not reveal whether it exists. 404 for a project the caller cannot see.",
    auth: true,
    query: ownersQuerySchema,
    ok: { status: 200, schema: ownersResponseSchema },
    errors: [404],
  },
  feedback: {
    method: "POST",
    url: "/v1/feedback",
    summary: "Rate an answer by its traceId.",
    auth: true,
    body: feedbackBodySchema,
    ok: { status: 201, schema: feedbackResponseSchema },
  },
  healthz: {
    method: "GET",
    url: "/healthz",
    summary: "Liveness: the process serves HTTP.",
    auth: false,
    ok: { status: 200, schema: healthResponseSchema },
  },
  readyz: {
    method: "GET",
    url: "/readyz",
    summary: "Readiness: store opened, embedding model and LLM loaded (or the LLM server reachable).",
    auth: false,
    ok: { status: 200, schema: readyResponseSchema },
    errors: [503],
  },
  metrics: {
    method: "GET",
    url: "/metrics",
    summary: "Prometheus metrics.",
    auth: false,
    ok: { status: 200, contentType: "text/plain; version=0.0.4" },
  },
  openapi: {
    method: "GET",
    url: "/openapi.json",
    summary: "This API's OpenAPI 3.1 description.",
    auth: false,
    ok: { status: 200, contentType: "application/json" },
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;
