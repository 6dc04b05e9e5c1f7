// A typed, fetch-based client of the HTTP API (backend/README.md "Service API"), shared by every front end (Slack
// bot, VS Code extension). It owns the wire details: bearer auth, the /v1/ask SSE stream, timeouts, and turning every
// failure into an AppError from the catalog, so front ends only decide how to show one.
import type { z } from "zod";
import type { DocumentKind } from "../domain.js";
import { AppError, ERROR_CATALOG, type ErrorCode } from "../errors.js";
import { readSse } from "./sse.js";
import {
  type AnswerPayload,
  type ConversationPayload,
  type LookupResult,
  type OwnersResponse,
  type Project,
  type SearchResponse,
  wireAnswerSchema,
  wireConversationSchema,
  wireErrorSchema,
  wireFeedbackResponseSchema,
  wireLookupResponseSchema,
  wireOwnersResponseSchema,
  wireProjectsResponseSchema,
  wireSearchResponseSchema,
  wireTokenEventSchema,
} from "./wire.js";

export interface ApiClientOptions {
  /** e.g. `http://isa.internal:8080` (a path prefix is kept). */
  readonly baseUrl: string;
  /** Bearer credential: a static API token or an OIDC JWT. */
  readonly token: string;
  /** Defaults to the global fetch (Node ≥ 20). */
  readonly fetch?: typeof fetch;
  /** Whole-request limit for JSON calls, and the idle limit (no byte received) for the ask stream. */
  readonly timeoutMs: number;
}

export interface ConversationTurn {
  readonly role: "user" | "assistant";
  readonly text: string;
}

export interface AskOptions {
  /**
   * Continue this server-side conversation (an earlier answer's `conversationId`): the API gives the model its
   * earlier turns. Unknown or not visible to the caller → NOT_FOUND; past its turn cap → CONVERSATION_FULL.
   */
  readonly conversationId?: string;
  /**
   * Earlier turns kept by the caller, oldest first, folded into the question text. For servers without
   * conversations; with `conversationId` the server already has them.
   */
  readonly history?: readonly ConversationTurn[];
  readonly signal?: AbortSignal;
  /** Called with each generated text fragment as it arrives. */
  readonly onToken?: (text: string) => void;
}

export interface SearchOptions {
  readonly k?: number;
  readonly mode?: "hybrid" | "dense" | "lexical";
  readonly signal?: AbortSignal;
}

export interface FeedbackInput {
  readonly traceId: string;
  readonly rating: "up" | "down";
  readonly comment?: string;
}

/** Owners of a path (within one indexed source, or wherever the caller may read it) or of a project by name. */
export type OwnersQuery =
  | { readonly path: string; readonly source?: string | undefined }
  | { readonly project: string };

export interface ApiClient {
  ask(question: string, opts?: AskOptions): Promise<AnswerPayload>;
  search(query: string, opts?: SearchOptions): Promise<SearchResponse>;
  feedback(input: FeedbackInput, opts?: { signal?: AbortSignal }): Promise<void>;
  projects(q?: string, opts?: { signal?: AbortSignal }): Promise<Project[]>;
  /** GET /v1/conversations/:id: the turns, oldest first (NOT_FOUND when missing or not visible). */
  getConversation(id: string, opts?: { signal?: AbortSignal }): Promise<ConversationPayload>;
  /** GET /v1/owners: CODEOWNERS (last matching rule) and catalog-info.yaml owners. */
  owners(query: OwnersQuery, opts?: { signal?: AbortSignal }): Promise<OwnersResponse>;
  /** POST /v1/lookup: documents mentioning each term (at most MAX_LOOKUP_TERMS), for CodeLens and hovers. */
  lookup(
    terms: readonly string[],
    opts?: { signal?: AbortSignal; kinds?: readonly DocumentKind[] },
  ): Promise<LookupResult[]>;
}

/** The API caps one lookup at 50 terms (backend lookupBodySchema). */
export const MAX_LOOKUP_TERMS = 50;

/** The API caps a question at 4000 characters (backend askBodySchema). */
export const MAX_QUESTION_CHARS = 4000;

/**
 * The API takes one question, no history field, so earlier turns are folded into the question text (newest kept
 * first when the cap bites); the current question is always sent whole.
 */
export function composeQuestion(question: string, history: readonly ConversationTurn[] = []): string {
  if (history.length === 0) return question;
  const tail = `\n\nCurrent question: ${question}`;
  let budget = MAX_QUESTION_CHARS - tail.length - "Earlier in this conversation:\n".length;
  const kept: string[] = [];
  for (let i = history.length - 1; i >= 0 && budget > 0; i--) {
    const turn = history[i]!;
    const line = `${turn.role === "user" ? "User" : "Assistant"}: ${turn.text.replace(/\s+/g, " ").trim()}`;
    const cut = line.length > budget ? `${line.slice(0, Math.max(0, budget - 1))}…` : line;
    if (cut.length < 20) break;
    kept.unshift(cut);
    budget -= cut.length + 1;
  }
  return kept.length === 0 ? question : `Earlier in this conversation:\n${kept.join("\n")}${tail}`;
}

function isCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, code);
}

/** A wire error `{code, message, details?}` (HTTP body or SSE `error` event) as an AppError. */
function fromWire(body: unknown, status: number): AppError {
  const parsed = wireErrorSchema.safeParse(body);
  if (!parsed.success) {
    return status >= 500 || status === 0
      ? new AppError("BACKEND_UNAVAILABLE", undefined, { details: { status } })
      : new AppError("INTERNAL", `The API answered HTTP ${status}.`, { details: { status } });
  }
  const { code, message, details } = parsed.data.error;
  return isCode(code)
    ? new AppError(code, message, details ? { details } : {})
    : new AppError("INTERNAL", message, { details: { ...details, code } });
}

function badResponse(what: string, cause?: unknown): AppError {
  return new AppError("BACKEND_UNAVAILABLE", `The API sent an unreadable ${what}.`, { cause });
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, "");

  /** One request with a timeout; network failures and timeouts become BACKEND_UNAVAILABLE, HTTP errors their code. */
  async function request(
    path: string,
    init: { method: string; body?: unknown; accept: string; signal?: AbortSignal | undefined },
    idle: { controller: AbortController; timer?: NodeJS.Timeout },
  ): Promise<Response> {
    const signal = init.signal
      ? AbortSignal.any([init.signal, idle.controller.signal])
      : idle.controller.signal;
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method: init.method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: init.accept,
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal,
      });
    } catch (err) {
      throw abortOrDown(err, init.signal, idle.controller.signal);
    }
    if (!res.ok) {
      const body = await res.json().catch(() => undefined);
      const e = fromWire(body, res.status);
      const retryAfter = res.headers.get("retry-after");
      if (retryAfter && e.details === undefined) {
        throw new AppError(e.code, e.message, { details: { retryAfterSeconds: Number(retryAfter) } });
      }
      throw e;
    }
    return res;
  }

  function abortOrDown(err: unknown, caller: AbortSignal | undefined, timeout: AbortSignal): AppError {
    if (err instanceof AppError) return err;
    if (caller?.aborted) return new AppError("INTERNAL", "The request was cancelled.", { cause: err });
    if (timeout.aborted) {
      return new AppError("BACKEND_UNAVAILABLE", `The API did not answer within ${options.timeoutMs} ms.`, {
        cause: err,
        details: { timeoutMs: options.timeoutMs },
      });
    }
    return new AppError("BACKEND_UNAVAILABLE", undefined, { cause: err });
  }

  async function json<S extends z.ZodType>(
    schema: S,
    path: string,
    init: { method: string; body?: unknown; signal?: AbortSignal | undefined },
  ): Promise<z.infer<S>> {
    const idle = { controller: new AbortController() } as {
      controller: AbortController;
      timer?: NodeJS.Timeout;
    };
    idle.timer = setTimeout(() => idle.controller.abort(), options.timeoutMs);
    try {
      const res = await request(path, { ...init, accept: "application/json" }, idle);
      let body: unknown;
      try {
        body = await res.json();
      } catch (err) {
        throw abortOrDown(err, init.signal, idle.controller.signal);
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw badResponse("response", parsed.error);
      return parsed.data;
    } finally {
      clearTimeout(idle.timer);
    }
  }

  return {
    async ask(question, opts = {}) {
      const idle = { controller: new AbortController() } as {
        controller: AbortController;
        timer?: NodeJS.Timeout;
      };
      const touch = () => {
        clearTimeout(idle.timer);
        idle.timer = setTimeout(() => idle.controller.abort(), options.timeoutMs);
      };
      touch();
      try {
        const res = await request(
          "/v1/ask",
          {
            method: "POST",
            body: {
              question: composeQuestion(question, opts.history),
              ...(opts.conversationId === undefined ? {} : { conversationId: opts.conversationId }),
            },
            accept: "text/event-stream",
            signal: opts.signal,
          },
          idle,
        );
        if (!res.body) throw badResponse("stream");
        const chunks = (async function* () {
          for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
            touch();
            yield chunk;
          }
        })();
        for await (const ev of readSse(chunks)) {
          let data: unknown;
          try {
            data = JSON.parse(ev.data);
          } catch (err) {
            throw badResponse(`${ev.event} event`, err);
          }
          if (ev.event === "token") {
            const t = wireTokenEventSchema.safeParse(data);
            if (t.success) opts.onToken?.(t.data.text);
          } else if (ev.event === "answer") {
            const a = wireAnswerSchema.safeParse(data);
            if (!a.success) throw badResponse("answer", a.error);
            return a.data;
          } else if (ev.event === "error") {
            throw fromWire({ error: data }, 0);
          }
        }
        throw new AppError("BACKEND_UNAVAILABLE", "The API's answer stream ended without an answer.");
      } catch (err) {
        throw abortOrDown(err, opts.signal, idle.controller.signal);
      } finally {
        clearTimeout(idle.timer);
      }
    },

    search(query, opts = {}) {
      const body = {
        query,
        ...(opts.k === undefined ? {} : { k: opts.k }),
        ...(opts.mode ? { mode: opts.mode } : {}),
      };
      return json(wireSearchResponseSchema, "/v1/search", { method: "POST", body, signal: opts.signal });
    },

    async feedback(input, opts = {}) {
      await json(wireFeedbackResponseSchema, "/v1/feedback", {
        method: "POST",
        body: input,
        signal: opts.signal,
      });
    },

    getConversation(id, opts = {}) {
      return json(wireConversationSchema, `/v1/conversations/${encodeURIComponent(id)}`, {
        method: "GET",
        signal: opts.signal,
      });
    },

    async projects(q, opts = {}) {
      const qs = q ? `?q=${encodeURIComponent(q)}` : "";
      const res = await json(wireProjectsResponseSchema, `/v1/projects${qs}`, {
        method: "GET",
        signal: opts.signal,
      });
      return res.projects;
    },

    owners(query, opts = {}) {
      const qs = new URLSearchParams(
        "project" in query
          ? { project: query.project }
          : { path: query.path, ...(query.source ? { source: query.source } : {}) },
      );
      return json(wireOwnersResponseSchema, `/v1/owners?${qs}`, { method: "GET", signal: opts.signal });
    },

    async lookup(terms, opts = {}) {
      const res = await json(wireLookupResponseSchema, "/v1/lookup", {
        method: "POST",
        body: { terms: [...terms], ...(opts.kinds ? { kinds: [...opts.kinds] } : {}) },
        signal: opts.signal,
      });
      return res.results;
    },
  };
}
