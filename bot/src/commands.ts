// `/project` and `/assistant-help`: acknowledged at once, answered ephemerally (read by the asker alone, so the
// project lookup runs with the asker's access).
import type { ApiClient, Project } from "@isa/core";
import { toAppError } from "@isa/core";
import type { App, types } from "@slack/bolt";
import type { Audience } from "./audience.js";
import { errorText, escapeMrkdwn } from "./blocks.js";

export const HELP_TEXT = [
  "*I answer questions from our docs and code, with sources.*",
  "• Mention me in a channel: `@assistant how do I rotate the staging db password?` — I answer in the thread,",
  "  using only documents everyone in the channel may read. Follow-ups in the thread keep the context.",
  "• DM me to ask with your own access.",
  "• `/ask <question>` — a private answer, only you see it.",
  "• `/project <name or topic>` — owners, repo and docs of a project.",
  "• 👍/👎 under an answer tell us how it did; when I can't answer, I offer to ask the owning team.",
  "• *Continue in VS Code* under an answer picks the conversation up in the editor.",
].join("\n");

const MAX_PROJECTS = 5;

export function projectBlocks(projects: readonly Project[], query: string): types.KnownBlock[] {
  if (projects.length === 0) {
    return [
      {
        type: "section",
        text: { type: "mrkdwn", text: `No project I can see matches _${escapeMrkdwn(query)}_.` },
      },
    ];
  }
  return projects.slice(0, MAX_PROJECTS).map((p) => {
    const where = escapeMrkdwn(p.path ? `${p.source}/${p.path}` : p.source);
    const owners = p.owners.length > 0 ? p.owners.map(escapeMrkdwn).join(", ") : "_unknown_";
    const docs = p.docs.slice(0, 5).map((d) => `\`${escapeMrkdwn(d)}\``);
    const lines = [
      `*${escapeMrkdwn(p.name)}*${p.description ? ` — ${escapeMrkdwn(p.description)}` : ""}`,
      `Owners: ${owners}`,
      `Repo: \`${where}\``,
      ...(docs.length > 0 ? [`Docs: ${docs.join(", ")}`] : []),
    ];
    return { type: "section", text: { type: "mrkdwn", text: lines.join("\n").slice(0, 3000) } };
  });
}

export function registerCommands(
  app: App,
  opts: {
    userAudienceOf: (user: string) => Promise<Audience>;
    apiClientFor: (audience: Audience) => ApiClient;
  },
): void {
  app.command("/assistant-help", async ({ ack }) => {
    await ack({ response_type: "ephemeral", text: HELP_TEXT });
  });

  app.command("/project", async ({ command, ack, respond, logger }) => {
    const query = command.text.trim();
    if (!query) {
      await ack({ response_type: "ephemeral", text: "Usage: `/project <name or topic>`" });
      return;
    }
    await ack();
    try {
      const projects = await opts.apiClientFor(await opts.userAudienceOf(command.user_id)).projects(query);
      await respond({
        response_type: "ephemeral",
        text: projects.length > 0 ? `Projects matching ${query}` : `No project matches ${query}`,
        blocks: projectBlocks(projects, query),
      });
    } catch (err) {
      const e = toAppError(err);
      logger.error(`/project failed: ${e.code} ${e.message}`);
      await respond({ response_type: "ephemeral", text: errorText(e) });
    }
  });
}
