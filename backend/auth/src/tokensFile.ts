// Static API tokens: a YAML list of `{token_sha256, user, groups}`. Only hashes are kept in memory, and a presented
// token is compared by hashing it and using timingSafeEqual against every entry, so neither the file nor timing
// reveals a token.
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Principal } from "@isa/core";
import { AppError } from "@isa/core";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { withPublicGroup } from "./principal.js";

const entrySchema = z.strictObject({
  token_sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex digits (sha256 of the token)")
    .transform((s) => s.toLowerCase()),
  user: z.string().min(1).max(256),
  groups: z.array(z.string().min(1).max(256)).default([]),
});

export const tokensFileSchema = z.array(entrySchema);

export interface TokenEntry {
  /** Raw 32-byte sha256 of the token. */
  readonly hash: Buffer;
  readonly principal: Principal;
}

/** The sha256 (hex) a tokens file stores for `token`: `printf %s "$TOKEN" | sha256sum`. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Parse tokens-file text (YAML). Throws CONFIG_INVALID naming the file and the bad entries. */
export function parseTokensFile(text: string, origin = "tokens file"): TokenEntry[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new AppError("CONFIG_INVALID", `${origin}: not valid YAML`, { cause: err });
  }
  const parsed = tokensFileSchema.safeParse(raw ?? []);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new AppError("CONFIG_INVALID", `${origin}: ${problems.join("; ")}`);
  }
  const seen = new Set<string>();
  return parsed.data.map((e) => {
    // Two users with one token would make the principal depend on file order.
    if (seen.has(e.token_sha256)) {
      throw new AppError("CONFIG_INVALID", `${origin}: a token_sha256 appears twice (user ${e.user})`);
    }
    seen.add(e.token_sha256);
    return {
      hash: Buffer.from(e.token_sha256, "hex"),
      principal: { id: e.user, groups: withPublicGroup(e.groups) },
    };
  });
}

/**
 * Read and parse a tokens file. Synchronous on purpose: it runs at start, like config parsing, and on a reload
 * check (a small file, at most once per interval).
 */
export function loadTokensFile(path: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new AppError("CONFIG_INVALID", `ISA_TOKENS_FILE: cannot read ${path}`, { cause: err });
  }
  return parseTokensFile(text, `ISA_TOKENS_FILE (${path})`);
}

/** The principal whose token hashes to the same sha256, compared in constant time over all entries. */
export function matchToken(entries: readonly TokenEntry[], token: string): Principal | undefined {
  const presented = createHash("sha256").update(token, "utf8").digest();
  let found: Principal | undefined;
  // No early exit: the time taken does not depend on which entry (if any) matched.
  for (const e of entries) {
    if (timingSafeEqual(e.hash, presented) && found === undefined) found = e.principal;
  }
  return found;
}
