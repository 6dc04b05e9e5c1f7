// Earlier turns of a conversation as context. Retrieval: a follow-up that may not stand alone ("how do I rotate
// it?") is also searched together with the previous question, which names what "it" is, and that search wins only
// when it is clearly more confident (FOLLOW_UP_MARGIN) than the question alone, so a change of topic is not
// dragged back to the old one. Generation: the last few turns go into the chat as user/assistant messages, bounded
// so they cannot crowd the sources out of the window. Single-turn asks (no history) take none of these paths.
import type { ChatMessage } from "@isa/core";
import type { HistoryTurn } from "./types.js";

/** Turns given to the model; older ones matter little and cost sources. */
export const HISTORY_TURNS = 4;
/** Characters kept of each earlier question and answer in the prompt. */
export const HISTORY_QUESTION_CHARS = 300;
export const HISTORY_ANSWER_CHARS = 600;
/**
 * How much higher the best dense cosine of "previous question + follow-up" must be than the follow-up's own for
 * the expanded search to be used. npm-docs eval (bench/conversation-followup.mjs, 55 questions): always expanding
 * took recall@5 from 0.891 to 0.727 when the user changed topic; margin 0.1 → 0.836, 0.15 → 0.855, 0.2 → 0.891
 * (no loss), while context-free follow-ups kept 0.873 (0.091 alone). 0.25 started losing follow-ups.
 */
export const FOLLOW_UP_MARGIN = 0.2;

/** Use the search with the previous question instead of the follow-up's own? */
export function preferExpanded(expandedBestDense: number, aloneBestDense: number): boolean {
  return expandedBestDense > aloneBestDense + FOLLOW_UP_MARGIN;
}

/** A follow-up this short rarely names its subject. */
const SHORT_FOLLOW_UP_WORDS = 8;

/** Words that point back at something said earlier. */
const REFERRING =
  /\b(it|its|it's|that|this|these|those|they|them|their|there|he|she|him|her|his|one|ones|same|above|former|latter)\b/i;

/** Does this question lean on the previous one (short, or it refers back)? */
export function isFollowUp(question: string): boolean {
  const words = question.trim().split(/\s+/).filter(Boolean);
  return words.length <= SHORT_FOLLOW_UP_WORDS || REFERRING.test(question);
}

/** The text to retrieve with: the question itself, or the previous question and it for a follow-up. */
export function retrievalQuery(question: string, history: readonly HistoryTurn[] = []): string {
  const previous = history.at(-1)?.question.trim();
  if (!previous || !isFollowUp(question)) return question;
  return `${previous}\n${question}`;
}

function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/**
 * The last HISTORY_TURNS turns as alternating user/assistant messages. Citation markers are dropped from earlier
 * answers: their numbers referred to that turn's sources, and the model would read them as this turn's.
 */
export function historyMessages(history: readonly HistoryTurn[] = []): ChatMessage[] {
  return history.slice(-HISTORY_TURNS).flatMap((t): ChatMessage[] => [
    { role: "user", content: clip(t.question, HISTORY_QUESTION_CHARS) },
    {
      role: "assistant",
      content: clip(t.answer.replace(/\s*\[\d+\]/g, ""), HISTORY_ANSWER_CHARS),
    },
  ]);
}
