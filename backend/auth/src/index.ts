// Identity: bearer credentials (static API tokens or OIDC JWTs) in, a Principal `{id, groups}` out.
export type { Authenticator, AuthenticatorOptions } from "./authenticator.js";
export { authenticatorFromConfig, bearerToken, createAuthenticator } from "./authenticator.js";
export type { OidcOptions, OidcVerifier } from "./oidc.js";
export { createOidcVerifier } from "./oidc.js";
export { withPublicGroup } from "./principal.js";
export type { TokenEntry } from "./tokensFile.js";
export { hashToken, loadTokensFile, matchToken, parseTokensFile, tokensFileSchema } from "./tokensFile.js";
export type { TokensLogger, TokensReloader, TokensReloaderOptions } from "./tokensReloader.js";
export { createTokensReloader, TOKENS_CHECK_INTERVAL_MS } from "./tokensReloader.js";
