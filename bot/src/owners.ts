// "Ask the owners": when an answer falls short (it abstained, or someone clicked 👎), the owners of its top cited
// (or closest) document are looked up through the API's GET /v1/owners — the Backstage catalog owner of the
// document's project first, else its CODEOWNERS rule — and the asker is offered a button that tags the owning team in
// the thread. Catalog owners (e.g. `group:team-billing`) map to Slack user groups through the config's `owners`.
import type { AnswerPayload, ApiClient, OwnersResponse } from "@isa/core";
import type { types } from "@slack/bolt";
import { escapeMrkdwn } from "./blocks.js";

export const ACTION_ASK_OWNERS = "isa_ask_owners";

/** Who to ask, and what to call the thing they own. */
export interface OwnersOffer {
  /** The catalog project's name, else the indexed source's. */
  readonly name: string;
  readonly owners: readonly string[];
}

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

/** The document an answer rests on: its first citation, or when it abstained, the closest document. */
export function topDocument(answer: AnswerPayload): { source: string; path: string } | undefined {
  const top = answer.citations[0] ?? answer.closest[0];
  return top ? { source: top.source, path: top.path } : undefined;
}

export function createAnswerMemory(max = 5000): AnswerMemory {
  const byTrace = new Map<string, RememberedAnswer>();
  return {
    remember(answer, ctx) {
      byTrace.set(answer.traceId, {
        question: ctx.question,
        top: topDocument(answer),
        threadTs: ctx.threadTs,
      });
      if (byTrace.size > max) byTrace.delete(byTrace.keys().next().value as string);
    },
    get: (traceId) => byTrace.get(traceId),
  };
}

const MAX_OWNERS = 5;

/** Catalog owners when the catalog names any (the team that owns the project), else the CODEOWNERS rule's. */
export function ownersOffer(
  res: OwnersResponse,
  doc: { source: string; path: string },
): OwnersOffer | undefined {
  const catalog = res.owners.filter((o) => o.source === "catalog").map((o) => o.owner);
  const codeowners = res.owners.filter((o) => o.source === "codeowners").map((o) => o.owner);
  const owners = [...new Set(catalog.length > 0 ? catalog : codeowners)].slice(0, MAX_OWNERS);
  if (owners.length === 0) return undefined;
  return { name: res.project?.name ?? doc.source, owners };
}

/** Asked with the same audience as the answer, so only ownership files everyone there may read are used. */
export async function lookupOwners(
  api: ApiClient,
  doc: { source: string; path: string },
): Promise<OwnersOffer | undefined> {
  return ownersOffer(await api.owners({ path: doc.path, source: doc.source }), doc);
}

/** `group:default/team-billing` → `team-billing`; `@acme/billing` stays as is. */
function bareOwner(o: string): string {
  return o.replace(/^(group|user):/i, "").replace(/^default\//, "");
}

/** Slack user-group mentions for mapped owners (as written, or without the `group:` / namespace prefix). */
export function ownerMentions(owners: readonly string[], mapping: Readonly<Record<string, string>>): string {
  return owners
    .map((o) => {
      const group = mapping[o] ?? mapping[bareOwner(o)];
      return group ? `<!subteam^${group}>` : `*${escapeMrkdwn(o)}*`;
    })
    .join(", ");
}

export interface AskOwnersValue {
  readonly q: string;
  readonly p: string;
  readonly o: readonly string[];
  /** The thread to tag them in (an ephemeral offer's container does not always carry it). */
  readonly t?: string;
}

export function offerOwnersBlocks(
  offer: OwnersOffer,
  question: string,
  opts: { intro?: string; threadTs?: string | undefined } = {},
): types.KnownBlock[] {
  const value: AskOwnersValue = {
    q: question.slice(0, 1200),
    p: offer.name,
    o: offer.owners.slice(0, MAX_OWNERS),
    ...(opts.threadTs ? { t: opts.threadTs } : {}),
  };
  const intro = opts.intro ?? "Thanks — noted.";
  return [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: `${intro} *${escapeMrkdwn(offer.name)}* is owned by ${offer.owners.map(escapeMrkdwn).join(", ")}. Ask them?`,
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

export const ABSTAINED_INTRO = "I couldn't answer this from the documents I may use here.";

export function decodeAskOwners(s: string | undefined): AskOwnersValue | undefined {
  try {
    const v = JSON.parse(s ?? "") as Partial<AskOwnersValue>;
    if (typeof v.q !== "string" || typeof v.p !== "string" || !Array.isArray(v.o)) return undefined;
    return {
      q: v.q,
      p: v.p,
      o: v.o.filter((x): x is string => typeof x === "string"),
      ...(typeof v.t === "string" && /^\d+\.\d+$/.test(v.t) ? { t: v.t } : {}),
    };
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
