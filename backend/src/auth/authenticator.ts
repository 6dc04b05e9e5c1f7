// Resolves an `Authorization` header to a Principal: a static API token (ISA_TOKENS_FILE) or an OIDC JWT. No or
// bad credentials → UNAUTHENTICATED; the message never says which check failed beyond "invalid".
import type { Config, Principal } from "@isa/core";
import { AppError } from "@isa/core";
import type { OidcOptions, OidcVerifier } from "./oidc.js";
import { createOidcVerifier } from "./oidc.js";
import type { TokenEntry } from "./tokensFile.js";
import { loadTokensFile, matchToken } from "./tokensFile.js";

export interface AuthenticatorOptions {
  /** Path to a tokens YAML file (read once, at creation). */
  readonly tokensFile?: string;
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

/** Throws CONFIG_INVALID at once when the tokens file is unreadable or malformed. */
export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const tokens: readonly TokenEntry[] = [
    ...(opts.tokens ?? []),
    ...(opts.tokensFile ? loadTokensFile(opts.tokensFile) : []),
  ];
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
      const byToken = tokens.length > 0 ? matchToken(tokens, credential) : undefined;
      if (byToken) return byToken;
      if (oidc && JWT_SHAPE.test(credential)) return oidc.verify(credential);
      throw new AppError("UNAUTHENTICATED", "The bearer token is invalid or expired.");
    },
  };
}

/** The authenticator the Config describes (ISA_TOKENS_FILE and/or ISA_OIDC_*); with neither, every call is 401. */
export function authenticatorFromConfig(config: Pick<Config, "auth">): Authenticator {
  return createAuthenticator({
    ...(config.auth.tokensFile ? { tokensFile: config.auth.tokensFile } : {}),
    ...(config.auth.oidc ? { oidc: config.auth.oidc } : {}),
  });
}
