// ISA_TOKENS_FILE kept current while the server runs: a request re-reads the file when the last check is older
// than the interval (5 s by default) and swaps in the new set when its content changed. Polling the content, not
// fs.watch: a Kubernetes Secret or ConfigMap mount updates by swapping a `..data` symlink, which an inotify watch on
// the file never sees, and an editor's rename-over breaks a watch too; comparing a hash of what `readFile` returns
// works for every way a file gets replaced. A new file that does not parse keeps the last good set (logged once per
// bad content), so a typo never locks everyone out and never crashes the server.
//
// A file that disappears or cannot be read fails closed: after a grace period (60 s by default) every token of the
// last set is revoked, and stays revoked until the file can be read again. Trade-off: the grace covers a file being
// replaced by delete-then-create (editors, some config tools; a Kubernetes Secret swap is atomic and never misses)
// without a burst of 401s, but a token someone removed by deleting the whole file still works for up to the grace
// period (plus the check interval). Without the grace, one unlucky read during a replace would lock everyone out;
// without revocation at all (the old behaviour), deleting the file revoked nothing, ever. Both steps are logged.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { AppError } from "@isa/core";
import type { TokenEntry } from "./tokensFile.js";
import { parseTokensFile } from "./tokensFile.js";

/** What the reloader logs (a pino Logger fits). */
export interface TokensLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TokensReloaderOptions {
  readonly path: string;
  /** Least time between two reads of the file (default 5,000 ms; 0 = on every request). */
  readonly checkIntervalMs?: number;
  /** Clock in ms (tests inject one; default Date.now). */
  readonly now?: () => number;
  readonly logger?: TokensLogger;
  /** How long the file may stay missing or unreadable before every token is revoked (default 60,000 ms). */
  readonly unreadableGraceMs?: number;
}

export interface TokensReloader {
  /** The current token set, re-read first when the interval has passed. Never throws after creation. */
  entries(): readonly TokenEntry[];
}

export const TOKENS_CHECK_INTERVAL_MS = 5_000;
export const TOKENS_UNREADABLE_GRACE_MS = 60_000;

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new AppError("CONFIG_INVALID", `ISA_TOKENS_FILE: cannot read ${path}`, { cause: err });
  }
}

/** Loads the file now (throws CONFIG_INVALID when it is missing or malformed: fail at start), then keeps it current. */
export function createTokensReloader(opts: TokensReloaderOptions): TokensReloader {
  const origin = `ISA_TOKENS_FILE (${opts.path})`;
  const interval = opts.checkIntervalMs ?? TOKENS_CHECK_INTERVAL_MS;
  const now = opts.now ?? Date.now;
  const first = readText(opts.path);
  let entries: readonly TokenEntry[] = parseTokensFile(first, origin);
  let goodDigest = digest(first);
  // The content (or read failure) last reported as bad, so one broken file is logged once, not every 5 s.
  let reported: string | undefined;
  let lastCheck = now();
  const grace = opts.unreadableGraceMs ?? TOKENS_UNREADABLE_GRACE_MS;
  /** When the file was first found missing or unreadable (undefined while it reads). */
  let unreadableSince: number | undefined;
  let revoked = false;

  const reject = (key: string, err: unknown, why: string) => {
    if (reported === key) return;
    reported = key;
    opts.logger?.error(
      { err, path: opts.path, keptTokens: entries.length },
      `${why}; keeping the previous token set`,
    );
  };

  const reload = () => {
    let text: string;
    try {
      text = readText(opts.path);
    } catch (err) {
      const t = now();
      if (unreadableSince === undefined) {
        unreadableSince = t;
        opts.logger?.error(
          { err, path: opts.path, keptTokens: entries.length, graceMs: grace },
          `ISA_TOKENS_FILE cannot be read; keeping the previous token set for ${Math.round(grace / 1000)} s, then every token is revoked unless it comes back`,
        );
      } else if (!revoked && t - unreadableSince >= grace) {
        revoked = true;
        opts.logger?.error(
          { err, path: opts.path, revokedTokens: entries.length },
          "ISA_TOKENS_FILE still cannot be read; every token is revoked until it can",
        );
        entries = [];
        goodDigest = "";
      }
      return;
    }
    if (unreadableSince !== undefined) {
      opts.logger?.info({ path: opts.path, revoked }, "ISA_TOKENS_FILE can be read again");
      unreadableSince = undefined;
      revoked = false;
    }
    const d = digest(text);
    if (d === goodDigest) {
      reported = undefined;
      return;
    }
    // A file caught between truncate and write (a non-atomic edit) is empty; `[]` is how to revoke every token.
    if (text.trim() === "") {
      reject(d, undefined, "ISA_TOKENS_FILE is empty");
      return;
    }
    try {
      entries = parseTokensFile(text, origin);
    } catch (err) {
      reject(d, err, "ISA_TOKENS_FILE changed but is invalid");
      return;
    }
    goodDigest = d;
    reported = undefined;
    opts.logger?.info({ path: opts.path, tokens: entries.length }, "ISA_TOKENS_FILE reloaded");
  };

  return {
    entries() {
      const t = now();
      if (t - lastCheck >= interval) {
        lastCheck = t;
        reload();
      }
      return entries;
    },
  };
}
