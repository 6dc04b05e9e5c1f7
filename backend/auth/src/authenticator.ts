// Resolves an `Authorization` header to a Principal: a static API token (ISA_TOKENS_FILE, re-read when it changes)
// or an OIDC JWT. No or bad credentials → UNAUTHENTICATED; the message never says which check failed beyond
// "invalid".
import type { Config, Principal } from "@isa/core";
import { AppError } from "@isa/core";
import { pino } from "pino";
import type { OidcOptions, OidcVerifier } from "./oidc.js";
import { createOidcVerifier } from "./oidc.js";
import type { TokenEntry } from "./tokensFile.js";
import { matchToken } from "./tokensFile.js";
import type { TokensLogger } from "./tokensReloader.js";
import { createTokensReloader } from "./tokensReloader.js";

export interface AuthenticatorOptions {
  /** Path to a tokens YAML file: read at creation (malformed → throws), then re-read when it changes. */
  readonly tokensFile?: string;
  /** Least time between two checks of the tokens file (default 5,000 ms). */
  readonly tokensCheckIntervalMs?: number;
  /** Clock for those checks, in ms (tests; default Date.now). */
  readonly now?: () => number;
  /** Where a reload (or a rejected new tokens file) is logged. */
  readonly logger?: TokensLogger;
  /** Already-loaded token entries (tests, or a caller that reloads the file itself). */
  readonly tokens?: readonly TokenEntry[];
  readonly oidc?: OidcOptions;
}

export interface Authenticator {
  /** The caller behind this `Authorization` header value; throws AppError UNAUTHENTICATED. */
  authenticate(authorizationHeader: string | undefined): Promise<Principal>;
}

/** A compact JWS is three base64url segments; anything else cannot be a JWT, so it is only tried as a token. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_CREDENTIAL_CHARS = 16_384;

export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}

/** Throws CONFIG_INVALID at once when the tokens file is unreadable or malformed (later changes never throw). */
export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const fixed: readonly TokenEntry[] = opts.tokens ?? [];
  const file = opts.tokensFile
    ? createTokensReloader({
        path: opts.tokensFile,
        ...(opts.tokensCheckIntervalMs !== undefined ? { checkIntervalMs: opts.tokensCheckIntervalMs } : {}),
        ...(opts.now ? { now: opts.now } : {}),
        ...(opts.logger ? { logger: opts.logger } : {}),
      })
    : undefined;
  const tokens = (): readonly TokenEntry[] => (file ? [...fixed, ...file.entries()] : fixed);
  const oidc: OidcVerifier | undefined = opts.oidc ? createOidcVerifier(opts.oidc) : undefined;
  return {
    async authenticate(header) {
      const credential = bearerToken(header);
      if (credential === undefined) {
        throw new AppError("UNAUTHENTICATED", "Send `Authorization: Bearer <token>`.");
      }
      if (credential.length > MAX_CREDENTIAL_CHARS) {
        throw new AppError("UNAUTHENTICATED", "The bearer token is invalid or expired.");
      }
      const current = tokens();
      const byToken = current.length > 0 ? matchToken(current, credential) : undefined;
      if (byToken) return byToken;
      if (oidc && JWT_SHAPE.test(credential)) return oidc.verify(credential);
      throw new AppError("UNAUTHENTICATED", "The bearer token is invalid or expired.");
    },
  };
}

/**
 * The authenticator the Config describes (ISA_TOKENS_FILE and/or ISA_OIDC_*); with neither, every call is 401.
 * Tokens-file reloads are logged to `opts.logger`, by default pino on stderr (stdout may be an MCP stdio channel).
 */
export function authenticatorFromConfig(
  config: Pick<Config, "auth"> & Partial<Pick<Config, "logLevel">>,
  opts: { readonly logger?: TokensLogger } = {},
): Authenticator {
  return createAuthenticator({
    ...(config.auth.tokensFile
      ? {
          tokensFile: config.auth.tokensFile,
          logger: opts.logger ?? pino({ level: config.logLevel ?? "info" }, pino.destination(2)),
        }
      : {}),
    ...(config.auth.oidc ? { oidc: config.auth.oidc } : {}),
  });
}
