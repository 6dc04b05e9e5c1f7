// The error catalog: every code is defined once here and documented in docs/errors.md (a test checks both agree).

export const ERROR_CATALOG = {
  CONFIG_INVALID: { httpStatus: 500, message: "A configuration value is invalid." },
  INPUT_INVALID: { httpStatus: 400, message: "The request or argument is malformed." },
  UNAUTHENTICATED: { httpStatus: 401, message: "No valid credentials were presented." },
  FORBIDDEN: { httpStatus: 403, message: "The caller may not perform this action." },
  NOT_FOUND: { httpStatus: 404, message: "The resource does not exist or is not visible to the caller." },
  PATH_INVALID: { httpStatus: 400, message: "A path is missing, unreadable or outside an allowed root." },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, message: "The request body is larger than the server accepts." },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, message: "The request body's content type is not accepted." },
  RATE_LIMITED: { httpStatus: 429, message: "Too many requests; retry later." },
  MODEL_FETCH_FAILED: {
    httpStatus: 503,
    message: "A model could not be fetched from any configured mirror.",
  },
  MODEL_CHECKSUM_MISMATCH: { httpStatus: 500, message: "A model file does not match its expected sha256." },
  MODEL_NOT_READY: { httpStatus: 503, message: "A model is not installed; run `isa setup`." },
  EMBEDDING_FAILED: { httpStatus: 500, message: "The embedding model failed on an input." },
  STORE_UNAVAILABLE: { httpStatus: 503, message: "The vector store cannot be opened or queried." },
  INDEX_MODEL_MISMATCH: { httpStatus: 409, message: "The index was built with another embedding model." },
  LLM_UNAVAILABLE: { httpStatus: 503, message: "The language model server cannot be reached." },
  LLM_TIMEOUT: { httpStatus: 504, message: "The language model did not answer in time." },
  LLM_BAD_RESPONSE: {
    httpStatus: 502,
    message: "The language model server answered with an invalid response.",
  },
  BACKEND_UNAVAILABLE: {
    httpStatus: 503,
    message: "The assistant's API cannot be reached or answered with an invalid response.",
  },
  CONVERSATION_FULL: {
    httpStatus: 409,
    message: "The conversation has reached its turn limit; start a new one.",
  },
  DATABASE_UNAVAILABLE: { httpStatus: 503, message: "The database cannot be reached or queried." },
  BUS_UNAVAILABLE: {
    httpStatus: 503,
    message: "The message bus (Kafka) cannot be reached or refused a request.",
  },
  TRACKING_UNAVAILABLE: {
    httpStatus: 503,
    message: "The tracking server (MLflow) cannot be reached or refused a request.",
  },
  SHUTTING_DOWN: { httpStatus: 503, message: "The server is shutting down; retry shortly." },
  INTERNAL: { httpStatus: 500, message: "An unexpected internal error occurred." },
} as const satisfies Record<string, { httpStatus: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface AppErrorOptions {
  readonly cause?: unknown;
  /** Safe, structured details for the client (never secrets or stacks). */
  readonly details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, opts: AppErrorOptions = {}) {
    super(
      message ?? ERROR_CATALOG[code].message,
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
    this.name = "AppError";
    this.code = code;
    this.httpStatus = ERROR_CATALOG[code].httpStatus;
    this.details = opts.details;
  }

  /** Wire form: code and message, never a stack. */
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Convert anything thrown into an AppError at a boundary; unknown errors become INTERNAL. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError("INTERNAL", undefined, { cause: err });
}
