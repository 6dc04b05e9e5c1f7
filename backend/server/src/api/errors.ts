// One place where anything thrown in a request becomes `{error: {code, message}}` with the catalog's status. Known
// fastify errors map to catalog codes; anything else is INTERNAL, logged with its stack and never sent.
import type { ErrorCode } from "@isa/core";
import { AppError, ERROR_CATALOG } from "@isa/core";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";

export interface WireError {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly details?: Record<string, unknown>;
  };
}

/** Fastify's own error codes that are the client's fault, and the catalog code each becomes. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_EMPTY_JSON_BODY: "INPUT_INVALID",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "INPUT_INVALID",
  FST_ERR_CTP_EMPTY_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_BAD_URL: "INPUT_INVALID",
  // Only /v1/documents/:id has a path parameter: an id longer than any real one names no document.
  FST_ERR_MAX_PARAM_LENGTH: "NOT_FOUND",
  FST_ERR_ASYNC_CONSTRAINT: "INPUT_INVALID",
};

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && ("statusCode" in err || "code" in err);
}

/** The AppError a thrown value stands for, on the wire. */
export function toWireAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isFastifyError(err)) {
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (mapped) return new AppError(mapped, undefined, { cause: err });
    const status = err.statusCode ?? 500;
    // The JSON body parser throws a SyntaxError carrying statusCode 400 (also for __proto__ poisoning).
    if (status === 400)
      return new AppError("INPUT_INVALID", "The request body is not valid JSON.", { cause: err });
    if (status === 404) return new AppError("NOT_FOUND", undefined, { cause: err });
    if (status === 413) return new AppError("PAYLOAD_TOO_LARGE", undefined, { cause: err });
    if (status === 415) return new AppError("UNSUPPORTED_MEDIA_TYPE", undefined, { cause: err });
    if (status === 429) return new AppError("RATE_LIMITED", undefined, { cause: err });
    if (status > 400 && status < 500) return new AppError("INPUT_INVALID", undefined, { cause: err });
  }
  return new AppError("INTERNAL", undefined, { cause: err });
}

export function wireError(e: AppError): WireError {
  // INTERNAL keeps the catalog's message: a wrapped error's own message may describe internals.
  const message = e.code === "INTERNAL" ? ERROR_CATALOG.INTERNAL.message : e.message;
  return { error: e.details ? { code: e.code, message, details: e.details } : { code: e.code, message } };
}

export interface ErrorHandlerHooks {
  /** Called once per error response (the metrics' error counter). */
  readonly onError?: (code: ErrorCode) => void;
}

export function createErrorHandler(hooks: ErrorHandlerHooks = {}) {
  return (err: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const e = toWireAppError(err);
    hooks.onError?.(e.code);
    // SHUTTING_DOWN is a 503 by design, not a fault worth an error-level line with a stack.
    if (e.httpStatus >= 500 && e.code !== "SHUTTING_DOWN")
      request.log.error({ err, code: e.code }, "request failed");
    else request.log.info({ code: e.code, reason: e.message }, "request rejected");
    if (e.code === "UNAUTHENTICATED") void reply.header("www-authenticate", 'Bearer realm="isa"');
    void reply.code(e.httpStatus).type("application/json; charset=utf-8").send(wireError(e));
  };
}

/** Parse with one schema; INPUT_INVALID lists each problem as `path: message` (never echoing the input). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues
    .slice(0, 20)
    .map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const first = issues[0];
  throw new AppError(
    "INPUT_INVALID",
    first ? `Invalid ${what}: ${first.path || "(root)"} ${first.message}` : `Invalid ${what}.`,
    { details: { issues } },
  );
}
