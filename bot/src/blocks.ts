// Block Kit for answers, progress and failures. Pure functions of their input, so tests can compare exact blocks.
import type { AnswerPayload, AppError, WireCitation } from "@isa/core";
import { answerLabel } from "@isa/core";
import type { types } from "@slack/bolt";

type KnownBlock = types.KnownBlock;

export const ACTION_FEEDBACK_UP = "isa_feedback_up";
export const ACTION_FEEDBACK_DOWN = "isa_feedback_down";
export const ACTION_RETRY = "isa_retry";
export const ACTION_SHARE = "isa_share";
/** A link button: Slack opens the URL itself and still sends a block action, which only needs an ack. */
export const ACTION_OPEN_VSCODE = "isa_open_vscode";

/** The message metadata event that carries an answer's ids (read back from the thread on follow-ups). */
export const ANSWER_EVENT = "isa_answer";

/** The VS Code extension's URI handler (publisher.name) and path; the scheme picks the VS Code flavour. */
export const VSCODE_EXTENSION_ID = "innersource.innersource-assistant";

export function continueInVsCodeUrl(conversationId: string, scheme = "vscode"): string {
  return `${scheme}://${VSCODE_EXTENSION_ID}/continue?conversation=${encodeURIComponent(conversationId)}`;
}

/** Slack message metadata for an answer: stateless memory of the thread's conversation id. */
export function answerMetadata(a: AnswerPayload): {
  event_type: string;
  event_payload: Record<string, string>;
} {
  return {
    event_type: ANSWER_EVENT,
    event_payload: {
      trace_id: a.traceId,
      ...(a.conversationId ? { conversation_id: a.conversationId } : {}),
    },
  };
}

/** Slack caps a section's text at 3000 characters and a button value at 2000. */
const SECTION_MAX = 3000;
const VALUE_MAX = 2000;

export const THINKING_TEXT = "Thinking… :hourglass_flowing_sand:";
export const ERROR_PREFIX = ":warning:";

/** mrkdwn treats &, < and > as control characters. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Fills `{source}`, `{path}`, `{startLine}`, `{endLine}` (path segments URL-encoded, slashes kept). */
export function sourceUrl(template: string, c: WireCitation): string {
  const enc = (s: string) => s.split("/").map(encodeURIComponent).join("/");
  return template
    .replaceAll("{source}", enc(c.source))
    .replaceAll("{path}", enc(c.path))
    .replaceAll("{startLine}", String(c.startLine))
    .replaceAll("{endLine}", String(c.endLine));
}

function sourceLine(c: WireCitation, template: string | undefined): string {
  const label = escapeMrkdwn(`${c.path} L${c.startLine}–${c.endLine}`).replace(/\|/g, "¦");
  const title = c.title && c.title !== c.path ? ` — ${escapeMrkdwn(c.title)}` : "";
  return template ? `${c.n}. <${sourceUrl(template, c)}|${label}>${title}` : `${c.n}. \`${label}\`${title}`;
}

export interface AnswerBlockOptions {
  readonly sourceUrlTemplate?: string | undefined;
  /** URI scheme of the "Continue in VS Code" link (`vscode`, `vscode-insiders`, …). */
  readonly vscodeUriScheme?: string | undefined;
}

export function answerBlocks(a: AnswerPayload, opts: AnswerBlockOptions): KnownBlock[] {
  const blocks: KnownBlock[] = [
    {
      type: "section",
      text: { type: "mrkdwn", text: clip(escapeMrkdwn(a.answer) || "_(empty answer)_", SECTION_MAX) },
    },
  ];
  const listed = a.abstained ? a.closest : a.citations;
  if (listed.length > 0) {
    // "Quoted from 3 sources" / "Generated from 2 sources" / "Partial answer: …": the reader knows what they get.
    const heading = a.abstained
      ? "*Closest documents I could use here*"
      : `*${answerLabel(a, new Set(listed.map((c) => c.path)).size)}*`;
    const lines = listed.map((c, i) =>
      sourceLine(a.abstained ? { ...c, n: i + 1 } : c, opts.sourceUrlTemplate),
    );
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: clip(`${heading}\n${lines.join("\n")}`, SECTION_MAX) },
    });
  }
  blocks.push(
    {
      type: "actions",
      block_id: "isa_feedback",
      elements: [
        {
          type: "button",
          action_id: ACTION_FEEDBACK_UP,
          text: { type: "plain_text", text: "👍 Helpful", emoji: true },
          value: a.traceId,
        },
        {
          type: "button",
          action_id: ACTION_FEEDBACK_DOWN,
          text: { type: "plain_text", text: "👎 Not helpful", emoji: true },
          value: a.traceId,
        },
        ...(a.conversationId
          ? [
              {
                type: "button" as const,
                action_id: ACTION_OPEN_VSCODE,
                text: { type: "plain_text" as const, text: "Continue in VS Code", emoji: true },
                url: continueInVsCodeUrl(a.conversationId, opts.vscodeUriScheme),
              },
            ]
          : []),
      ],
    },
    { type: "context", elements: [{ type: "mrkdwn", text: `trace \`${a.traceId}\`` }] },
  );
  return blocks;
}

/**
 * An ephemeral (/ask) answer with a "Share to channel" button. Sharing re-asks with the channel's audience and
 * posts that answer; the private answer itself is never shown to the channel.
 */
export function ephemeralAnswerBlocks(
  a: AnswerPayload,
  opts: AnswerBlockOptions & { question: string },
): KnownBlock[] {
  return [
    ...answerBlocks(a, opts),
    {
      type: "actions",
      block_id: "isa_share",
      elements: [
        {
          type: "button",
          action_id: ACTION_SHARE,
          text: { type: "plain_text", text: "Ask in the channel", emoji: true },
          value: encodeRetry({ q: opts.question }),
        },
      ],
    },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: "Only you can see this answer. _Ask in the channel_ asks again with what everyone there may read.",
        },
      ],
    },
  ];
}

/** What the retry button carries: enough to ask again from the same place. */
export interface RetryValue {
  readonly q: string;
  /** Thread to answer in; absent for ephemeral (slash command) answers. */
  readonly t?: string;
  /** The asking message's ts: thread turns before it are the retry's history. */
  readonly m?: string;
}

export function encodeRetry(v: RetryValue): string {
  let q = v.q;
  let s = JSON.stringify({ ...v, q });
  while (s.length > VALUE_MAX) {
    q = q.slice(0, q.length - (s.length - VALUE_MAX) - 1);
    s = JSON.stringify({ ...v, q });
  }
  return s;
}

export function decodeRetry(s: string | undefined): RetryValue | undefined {
  try {
    const v = JSON.parse(s ?? "") as { q?: unknown; t?: unknown; m?: unknown };
    if (typeof v.q !== "string" || v.q.trim() === "") return undefined;
    return {
      q: v.q,
      ...(typeof v.t === "string" ? { t: v.t } : {}),
      ...(typeof v.m === "string" ? { m: v.m } : {}),
    };
  } catch {
    return undefined;
  }
}

/** A friendly sentence per failure; the code and trace go in a context line for whoever reports it. */
export function friendlyError(e: AppError): string {
  switch (e.code) {
    case "BACKEND_UNAVAILABLE":
    case "SHUTTING_DOWN":
    case "LLM_UNAVAILABLE":
    case "MODEL_NOT_READY":
    case "STORE_UNAVAILABLE":
      return "I can't reach the knowledge service right now.";
    case "LLM_TIMEOUT":
      return "The answer took too long to generate.";
    case "RATE_LIMITED":
      return "Lots of questions right now — please try again in a minute.";
    case "INPUT_INVALID":
    case "PAYLOAD_TOO_LARGE":
      return "I couldn't read that question (is it very long?).";
    case "UNAUTHENTICATED":
    case "FORBIDDEN":
    case "CONFIG_INVALID":
      return "I'm not set up correctly to ask the knowledge service; an admin should check my configuration.";
    default:
      return "Something went wrong while answering.";
  }
}

export function errorText(e: AppError): string {
  return `${ERROR_PREFIX} ${friendlyError(e)}`;
}

export function errorBlocks(e: AppError, retry: RetryValue): KnownBlock[] {
  return [
    { type: "section", text: { type: "mrkdwn", text: errorText(e) } },
    {
      type: "actions",
      block_id: "isa_retry",
      elements: [
        {
          type: "button",
          action_id: ACTION_RETRY,
          text: { type: "plain_text", text: "Try again", emoji: true },
          value: encodeRetry(retry),
        },
      ],
    },
    { type: "context", elements: [{ type: "mrkdwn", text: `error \`${e.code}\`` }] },
  ];
}
