// Who is calling a tool. Stdio servers run as the local user (groups from ISA_MCP_GROUPS, default `public`);
// HTTP servers attach the authenticated Principal to each request's authInfo, and tools read it from there.
import type { Principal } from "@isa/core";
import { AppError, PUBLIC_GROUP } from "@isa/core";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";

/** The part of the SDK's RequestHandlerExtra that identity needs. */
export interface CallContext {
  readonly authInfo?: AuthInfo | undefined;
}

/** Resolves the caller of one request. Throws UNAUTHENTICATED when there is none (fail closed). */
export type PrincipalOf = (ctx: CallContext) => Principal;

/** Every request is this principal (stdio: the local user's own process). */
export function fixedPrincipal(principal: Principal): PrincipalOf {
  const frozen: Principal = Object.freeze({ id: principal.id, groups: Object.freeze([...principal.groups]) });
  return () => frozen;
}

function isPrincipal(v: unknown): v is Principal {
  if (!v || typeof v !== "object") return false;
  const p = v as { id?: unknown; groups?: unknown };
  return typeof p.id === "string" && Array.isArray(p.groups) && p.groups.every((g) => typeof g === "string");
}

/** The principal the HTTP layer attached to `authInfo.extra.principal`. */
export const principalFromAuth: PrincipalOf = (ctx) => {
  const p = ctx.authInfo?.extra?.principal;
  if (!isPrincipal(p))
    throw new AppError("UNAUTHENTICATED", "The request carries no authenticated principal.");
  return p;
};

/** Build the AuthInfo the HTTP layer attaches for a principal. */
export function authInfoFor(principal: Principal, token: string): AuthInfo {
  return { token, clientId: principal.id, scopes: [], extra: { principal } };
}

/** The stdio principal from a comma list of groups (`public` is always included, as for every principal). */
export function localPrincipal(groupsCsv: string | undefined, id = "local"): Principal {
  const groups = (groupsCsv ?? "")
    .split(",")
    .map((g) => g.trim())
    .filter(Boolean);
  return { id, groups: [...new Set([PUBLIC_GROUP, ...groups])] };
}
