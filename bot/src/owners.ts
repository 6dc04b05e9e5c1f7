// "Ask the owners": when an answer falls short (👎), the project owning its top source is found through the API's
// project discovery, and the asker is offered a button that tags the owning team in the thread. Catalog owners
// (e.g. `group:team-billing`) map to Slack user groups through the config file's `owners` table.
import type { AnswerPayload, Project } from "@isa/core";
import type { types } from "@slack/bolt";
import { escapeMrkdwn } from "./blocks.js";

export const ACTION_ASK_OWNERS = "isa_ask_owners";

export interface RememberedAnswer {
  readonly question: string;
  readonly top?: { readonly source: string; readonly path: string } | undefined;
  /** Thread the answer was posted in, when it was posted in one. */
  readonly threadTs?: string | undefined;
}

/** What the bot answered recently, by trace id (in memory; after a restart 👎 just records feedback). */
export interface AnswerMemory {
  remember(answer: AnswerPayload, ctx: { question: string; threadTs?: string | undefined }): void;
  get(traceId: string): RememberedAnswer | undefined;
}

export function createAnswerMemory(max = 5000): AnswerMemory {
  const byTrace = new Map<string, RememberedAnswer>();
  return {
    remember(answer, ctx) {
      const top = answer.citations[0] ?? answer.closest[0];
      byTrace.set(answer.traceId, {
        question: ctx.question,
        top: top ? { source: top.source, path: top.path } : undefined,
        threadTs: ctx.threadTs,
      });
      if (byTrace.size > max) byTrace.delete(byTrace.keys().next().value as string);
    },
    get: (traceId) => byTrace.get(traceId),
  };
}

/** The project whose folder holds the document (the deepest such folder). */
export function owningProject(
  projects: readonly Project[],
  doc: { source: string; path: string },
): Project | undefined {
  let best: Project | undefined;
  for (const p of projects) {
    if (p.source !== doc.source || p.owners.length === 0) continue;
    const inside = p.path === "" || doc.path === p.path || doc.path.startsWith(`${p.path}/`);
    if (inside && (!best || p.path.length > best.path.length)) best = p;
  }
  return best;
}

/** Slack user-group mentions for mapped owners, their plain names otherwise. */
export function ownerMentions(owners: readonly string[], mapping: Readonly<Record<string, string>>): string {
  return owners.map((o) => (mapping[o] ? `<!subteam^${mapping[o]}>` : `*${escapeMrkdwn(o)}*`)).join(", ");
}

export interface AskOwnersValue {
  readonly q: string;
  readonly p: string;
  readonly o: readonly string[];
}

export function offerOwnersBlocks(project: Project, question: string): types.KnownBlock[] {
  const value: AskOwnersValue = {
    q: question.slice(0, 1200),
    p: project.name,
    o: project.owners.slice(0, 5),
  };
  return [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: `Thanks — noted. *${escapeMrkdwn(project.name)}* is owned by ${project.owners.map(escapeMrkdwn).join(", ")}. Ask them?`,
      },
    },
    {
      type: "actions",
      block_id: "isa_owners",
      elements: [
        {
          type: "button",
          action_id: ACTION_ASK_OWNERS,
          text: { type: "plain_text", text: "Ask the owners in the thread", emoji: true },
          value: JSON.stringify(value),
        },
      ],
    },
  ];
}

export function decodeAskOwners(s: string | undefined): AskOwnersValue | undefined {
  try {
    const v = JSON.parse(s ?? "") as Partial<AskOwnersValue>;
    if (typeof v.q !== "string" || typeof v.p !== "string" || !Array.isArray(v.o)) return undefined;
    return { q: v.q, p: v.p, o: v.o.filter((x): x is string => typeof x === "string") };
  } catch {
    return undefined;
  }
}

export function askOwnersText(
  v: AskOwnersValue,
  asker: string,
  mapping: Readonly<Record<string, string>>,
): string {
  return (
    `${ownerMentions(v.o, mapping)} — <@${asker}> asked: “${escapeMrkdwn(v.q)}”. ` +
    `The assistant's answer fell short (it looked in *${escapeMrkdwn(v.p)}*). Could you help?`
  );
}
