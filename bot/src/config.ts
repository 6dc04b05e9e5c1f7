// The bot's configuration: secrets from the environment, the audience mapping (channels → groups, Slack users →
// groups, one API service token per group set) from a YAML file. Parsed once by one zod schema, then frozen.
import { readFileSync } from "node:fs";
import { AppError, PUBLIC_GROUP } from "@isa/core";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

const groupList = z.array(z.string().min(1).max(200)).max(100);

/** The file named by ISA_BOT_CONFIG. Tokens are named by environment variable, never written in the file. */
export const botFileSchema = z.strictObject({
  channels: z.record(z.string().regex(/^[A-Z0-9]+$/, "is not a Slack channel id"), groupList).default({}),
  users: z
    .record(
      z.string().regex(/^([A-Z0-9]+|[^@\s]+@[^@\s]+)$/, "is not a Slack user id or an email"),
      groupList,
    )
    .default({}),
  /** Catalog owner (as in catalog-info.yaml / CODEOWNERS) → Slack user group id, for "ask the owners". */
  owners: z
    .record(z.string().min(1), z.string().regex(/^S[A-Z0-9]+$/, "is not a Slack user group id"))
    .default({}),
  audiences: z
    .array(z.strictObject({ groups: groupList, tokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/) }))
    .min(1, "needs at least the public audience's token"),
});

export interface AudienceToken {
  readonly groups: readonly string[];
  readonly token: string;
}

export interface BotConfig {
  /** Verifies HTTP requests; "" in Socket Mode. */
  readonly signingSecret: string;
  /** Set → Socket Mode (no public URL needed); unset → HTTP on `port`. */
  readonly appToken?: string | undefined;
  readonly botToken: string;
  readonly apiUrl: string;
  readonly apiTimeoutMs: number;
  /** e.g. `https://git.example.com/{source}/blob/main/{path}#L{startLine}-L{endLine}`; unset → plain paths. */
  readonly sourceUrlTemplate?: string | undefined;
  /** Slack channel id → groups its audience may read (unlisted channels: public only). */
  readonly channels: Readonly<Record<string, readonly string[]>>;
  /** Slack user id or email → that person's groups, used in DMs and ephemeral answers (unlisted: public only). */
  readonly users: Readonly<Record<string, readonly string[]>>;
  readonly audiences: readonly AudienceToken[];
  /** Catalog owner → Slack user group id (unmapped owners are named, not tagged). */
  readonly owners?: Readonly<Record<string, string>> | undefined;
  /** Least time between two streamed `chat.update`s (Slack allows about one per second per message). */
  readonly updateIntervalMs: number;
  /** `update`: a "Thinking…" message edited by `chat.update`; `chat-stream`: Slack's streaming messages. */
  readonly streaming?: "update" | "chat-stream" | undefined;
  /** Scheme of the "Continue in VS Code" link: `vscode` (default), `vscode-insiders`, `cursor`, … */
  readonly vscodeUriScheme?: string | undefined;
  readonly port: number;
}

const envSchema = z.object({
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, "must be an app-level token (xapp-…)")
    .optional(),
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, "must be a bot token (xoxb-…)"),
  ISA_API_URL: z.url().default("http://127.0.0.1:8080"),
  ISA_API_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  ISA_BOT_CONFIG: z.string().min(1),
  SOURCE_URL_TEMPLATE: z.string().optional(),
  ISA_BOT_UPDATE_MS: z.coerce.number().int().min(0).default(1000),
  ISA_BOT_STREAMING: z.enum(["update", "chat-stream"]).default("update"),
  ISA_BOT_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  VSCODE_URI_SCHEME: z
    .string()
    .regex(/^[a-z][a-z0-9+.-]{0,31}$/, "must be a URI scheme such as vscode or vscode-insiders")
    .default("vscode"),
});

/** Sorted, de-duplicated, always including `public` (every principal is in it). */
export function normalizeGroups(groups: readonly string[]): string[] {
  return [...new Set([PUBLIC_GROUP, ...groups])].sort();
}

function invalid(name: string, message: string): AppError {
  return new AppError("CONFIG_INVALID", `${name}: ${message}`, { details: { variable: name } });
}

/** Reads the environment and the mapping file; a bad value fails naming it. */
export function loadBotConfig(
  env: Record<string, string | undefined>,
  readFile: (path: string) => string = (p) => readFileSync(p, "utf8"),
): BotConfig {
  const e = envSchema.safeParse(env);
  if (!e.success) {
    const issue = e.error.issues[0];
    throw invalid(String(issue?.path[0] ?? "env"), issue?.message ?? "invalid");
  }
  if (!e.data.SLACK_APP_TOKEN && !e.data.SLACK_SIGNING_SECRET) {
    throw invalid("SLACK_SIGNING_SECRET", "is required (or set SLACK_APP_TOKEN for Socket Mode)");
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFile(e.data.ISA_BOT_CONFIG));
  } catch (err) {
    throw invalid("ISA_BOT_CONFIG", err instanceof Error ? err.message : "unreadable");
  }
  const f = botFileSchema.safeParse(raw);
  if (!f.success) {
    const issue = f.error.issues[0];
    throw invalid("ISA_BOT_CONFIG", `${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid"}`);
  }
  const audiences = f.data.audiences.map((a) => {
    const token = env[a.tokenEnv];
    if (!token) throw invalid(a.tokenEnv, "is not set (named in ISA_BOT_CONFIG audiences)");
    return { groups: normalizeGroups(a.groups), token };
  });
  const users = Object.fromEntries(
    Object.entries(f.data.users).map(([k, v]) => [k.includes("@") ? k.toLowerCase() : k, v]),
  );
  return Object.freeze({
    signingSecret: e.data.SLACK_SIGNING_SECRET ?? "",
    appToken: e.data.SLACK_APP_TOKEN,
    botToken: e.data.SLACK_BOT_TOKEN,
    apiUrl: e.data.ISA_API_URL,
    apiTimeoutMs: e.data.ISA_API_TIMEOUT_MS,
    sourceUrlTemplate: e.data.SOURCE_URL_TEMPLATE,
    channels: f.data.channels,
    users,
    audiences,
    owners: f.data.owners,
    updateIntervalMs: e.data.ISA_BOT_UPDATE_MS,
    streaming: e.data.ISA_BOT_STREAMING,
    vscodeUriScheme: e.data.VSCODE_URI_SCHEME,
    port: e.data.ISA_BOT_PORT,
  });
}
