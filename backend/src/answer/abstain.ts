// Abstention: the answer when retrieval found nothing good enough, and detection of a model saying it cannot
// answer from the sources, so both paths report `abstained` and list the closest documents.
import type { Citation } from "@isa/core";

/** Said for the model when it produced no text at all. */
export const NO_ANSWER_SENTENCE = "I could not find the answer in the sources.";

const NO_ANSWER_PATTERNS: readonly RegExp[] = [
  /\b(?:sources?|documents?|context|documentation|passages?|provided (?:text|information))\b[^.\n]{0,60}?\b(?:do(?:es)?\s*n[o']t|did\s*n[o']t|doesn['’]t|don['’]t)\s+(?:contain|mention|include|provide|say|cover|specify|describe|have|answer)/i,
  /\b(?:i\s+(?:do\s+not|don['’]t)\s+know)\b/i,
  /\b(?:can\s*not|can['’]t|could\s*n[o']t|could\s+not|unable\s+to|not\s+able\s+to)\s+(?:find|determine|locate|answer|tell|see)\b/i,
  /\b(?:there\s+is\s+)?no\s+(?:information|mention|details?|data)\s+(?:about|on|regarding|in|of)\b/i,
  /\b(?:is|are|was|were)\s+not\s+(?:mentioned|specified|provided|stated|covered|found|included|described)\b/i,
];

/** Does the opening of a model answer say that the sources do not answer the question? */
export function saysNoAnswer(text: string): boolean {
  // Only the opening counts: "X is not mentioned, but [2] says Y" later in an answer is still an answer.
  const opening = text.trim().split(/(?<=[.!?])\s+|\n/)[0] ?? "";
  return NO_ANSWER_PATTERNS.some((re) => re.test(opening.slice(0, 300)));
}

/** A readable list of the closest documents, for abstentions. */
export function renderClosest(closest: readonly Citation[]): string {
  if (closest.length === 0) return "";
  const lines = closest.map((c) => {
    const where = `${c.path}, lines ${c.startLine}–${c.endLine}`;
    const section = c.headingPath.length > 0 ? ` › ${c.headingPath.join(" › ")}` : "";
    return `- ${c.title}${section} (${where})`;
  });
  return `Closest documents:\n${lines.join("\n")}`;
}

/** The whole answer when retrieval found nothing close enough: no LLM is asked. */
export function retrievalAbstention(closest: readonly Citation[]): string {
  if (closest.length === 0) return "No indexed source you can access matches this question.";
  return `The indexed sources do not seem to cover this question.\n\n${renderClosest(closest)}`;
}
