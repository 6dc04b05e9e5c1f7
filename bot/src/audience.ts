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

/** DM channel ids start with D; a DM's reader is its asker. */
export function audienceFor(
  config: Pick<BotConfig, "channels" | "users">,
  where: { channel: string; user: string; channelType?: string | undefined },
): Audience {
  const dm = where.channelType === "im" || where.channel.startsWith("D");
  return dm ? userAudience(config, where.user) : channelAudience(config, where.channel);
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
