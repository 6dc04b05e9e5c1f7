// Who will read an answer decides what it may cite. A channel answer is read by the whole channel, so it is asked
// with the channel's configured groups (default: public only); a DM or an ephemeral reply is read by the asker
// alone, so it is asked with the asker's groups. The bot holds one API service token per group set and picks,
// for an audience, the token with the most groups that are all within the audience's: never more access than
// the audience has, at worst less.
import { type ApiClient, AppError, createApiClient } from "@isa/core";
import { type BotConfig, normalizeGroups } from "./config.js";

export interface Audience {
  readonly kind: "channel" | "user";
  /** Channel id or Slack user id. */
  readonly id: string;
  /** Normalized: sorted, unique, with `public`. */
  readonly groups: readonly string[];
}

export function channelAudience(config: Pick<BotConfig, "channels">, channel: string): Audience {
  return { kind: "channel", id: channel, groups: normalizeGroups(config.channels[channel] ?? []) };
}

export function userAudience(config: Pick<BotConfig, "users">, user: string): Audience {
  return { kind: "user", id: user, groups: normalizeGroups(config.users[user] ?? []) };
}

/** Resolves a Slack user's groups. */
export type UserGroups = (user: string) => Promise<readonly string[]>;

/**
 * Groups of a Slack user: `users` keyed by Slack user id first, else by the user's email (looked up through
 * `users.info`, which needs the `users:read.email` scope), else none (public only). Lookups are cached for an hour;
 * a failed lookup counts as none, so it can only narrow access.
 */
export function userDirectory(
  config: Pick<BotConfig, "users">,
  emailOf?: (user: string) => Promise<string | undefined>,
  opts: { ttlMs?: number; now?: () => number } = {},
): UserGroups {
  const ttl = opts.ttlMs ?? 60 * 60_000;
  const now = opts.now ?? Date.now;
  const byEmail = Object.entries(config.users).some(([k]) => k.includes("@"));
  const cache = new Map<string, { at: number; groups: readonly string[] }>();
  return async (user) => {
    const direct = config.users[user];
    if (direct) return direct;
    if (!byEmail || !emailOf) return [];
    const hit = cache.get(user);
    if (hit && now() - hit.at < ttl) return hit.groups;
    const email = await emailOf(user).catch(() => undefined);
    const groups = (email && config.users[email.toLowerCase()]) || [];
    cache.set(user, { at: now(), groups });
    return groups;
  };
}

/** Where a message was read: a DM (channel ids start with D) is read by its asker alone. */
export function isDirect(where: { channel: string; channelType?: string | undefined }): boolean {
  return where.channelType === "im" || where.channel.startsWith("D");
}

/** The audience of an answer posted where the question was asked, with users resolved through `groupsOf`. */
export async function resolveAudience(
  config: Pick<BotConfig, "channels">,
  groupsOf: UserGroups,
  where: { channel: string; user: string; channelType?: string | undefined },
): Promise<Audience> {
  return isDirect(where)
    ? { kind: "user", id: where.user, groups: normalizeGroups(await groupsOf(where.user)) }
    : channelAudience(config, where.channel);
}

/** DM channel ids start with D; a DM's reader is its asker. (Slack user ids only; see resolveAudience.) */
export function audienceFor(
  config: Pick<BotConfig, "channels" | "users">,
  where: { channel: string; user: string; channelType?: string | undefined },
): Audience {
  return isDirect(where) ? userAudience(config, where.user) : channelAudience(config, where.channel);
}

/** The service token whose groups are the largest subset of the audience's groups. */
export function tokenFor(config: Pick<BotConfig, "audiences">, audience: Audience): string {
  const allowed = new Set(audience.groups);
  let best: { token: string; size: number } | undefined;
  for (const a of config.audiences) {
    if (a.groups.every((g) => allowed.has(g)) && (!best || a.groups.length > best.size)) {
      best = { token: a.token, size: a.groups.length };
    }
  }
  if (!best) {
    throw new AppError(
      "CONFIG_INVALID",
      "No API token fits this audience (is the public audience configured?).",
      {
        details: { groups: audience.groups },
      },
    );
  }
  return best.token;
}

/** The default `apiClientFor`: one client per token, built on first use. */
export function apiClientsFromConfig(
  config: Pick<BotConfig, "audiences" | "apiUrl" | "apiTimeoutMs">,
  fetchImpl?: typeof fetch,
): (audience: Audience) => ApiClient {
  const clients = new Map<string, ApiClient>();
  return (audience) => {
    const token = tokenFor(config, audience);
    let c = clients.get(token);
    if (!c) {
      c = createApiClient({
        baseUrl: config.apiUrl,
        token,
        timeoutMs: config.apiTimeoutMs,
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
      clients.set(token, c);
    }
    return c;
  };
}
