// OIDC bearer JWTs verified against a remote JWKS (jose caches keys and refetches on an unknown `kid`). Issuer,
// audience and the groups claim are configurable; `sub` becomes the principal id.
import type { Principal } from "@isa/core";
import { AppError } from "@isa/core";
import type { JWTPayload } from "jose";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from "jose";
import { withPublicGroup } from "./principal.js";

export interface OidcOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  /** Claim holding groups: a string array, or one string split on commas/spaces. Dotted paths reach nested claims. */
  readonly groupsClaim: string;
  /** Allowed clock skew in seconds (default 30). */
  readonly clockToleranceSec?: number;
}

export interface OidcVerifier {
  verify(jwt: string): Promise<Principal>;
}

/** Asymmetric algorithms only: an HMAC `alg` with a public key as secret is the classic JWT confusion attack. */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

function claimAt(payload: JWTPayload, claim: string): unknown {
  if (claim in payload) return payload[claim];
  let v: unknown = payload;
  for (const part of claim.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string");
  if (typeof value === "string") return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

export function createOidcVerifier(opts: OidcOptions): OidcVerifier {
  const jwks = createRemoteJWKSet(new URL(opts.jwksUrl));
  return {
    async verify(jwt) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(jwt, jwks, {
          issuer: opts.issuer,
          audience: opts.audience,
          algorithms: ALGORITHMS,
          clockTolerance: opts.clockToleranceSec ?? 30,
          requiredClaims: ["sub", "exp"],
        }));
      } catch (err) {
        // An unreachable JWKS is our outage, not the caller's bad token.
        if (err instanceof joseErrors.JWKSTimeout || isFetchFailure(err)) {
          throw new AppError("UNAUTHENTICATED", "The token could not be verified (key set unavailable).", {
            cause: err,
          });
        }
        throw new AppError("UNAUTHENTICATED", "The bearer token is invalid or expired.", { cause: err });
      }
      const sub = payload.sub;
      if (typeof sub !== "string" || sub === "") {
        throw new AppError("UNAUTHENTICATED", "The bearer token has no subject.");
      }
      return { id: sub, groups: withPublicGroup(groupsOf(claimAt(payload, opts.groupsClaim))) };
    },
  };
}

function isFetchFailure(err: unknown): boolean {
  return err instanceof TypeError && /fetch/i.test(err.message);
}
