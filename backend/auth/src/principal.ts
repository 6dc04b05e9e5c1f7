// Principal helpers: every caller is implicitly in the `public` group, so public documents need no group grant.
import { PUBLIC_GROUP } from "@isa/core";

/** Groups, de-duplicated, always including `public`. */
export function withPublicGroup(groups: readonly string[]): readonly string[] {
  return Object.freeze([...new Set([PUBLIC_GROUP, ...groups.filter((g) => g !== "")])]);
}
