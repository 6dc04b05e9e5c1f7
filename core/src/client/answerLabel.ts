// How front ends label an answer's sources, from its state and mode: one wording in the CLI, Slack and VS Code.
import type { AnswerOrigin, AnswerStatus } from "../domain.js";

/**
 * "Quoted from 3 sources", "Generated from 2 sources", "Partial answer: closest passages from 1 source", or
 * "Closest documents". An answer from a server that predates `state`/`mode` reads as answered/abstained, quoted.
 */
export function answerLabel(
  a: {
    readonly abstained: boolean;
    readonly state?: AnswerStatus | undefined;
    readonly mode?: AnswerOrigin | undefined;
  },
  count: number,
): string {
  const state = a.state ?? (a.abstained ? "abstained" : "answered");
  const n = `${count} source${count === 1 ? "" : "s"}`;
  switch (state) {
    case "abstained":
      return "Closest documents";
    case "partial":
      return `Partial answer: closest passages from ${n}`;
    case "answered":
      return a.mode === "generated"
        ? `Generated from ${n}`
        : a.mode === "quoted"
          ? `Quoted from ${n}`
          : "Sources";
    default: {
      const never: never = state;
      return never;
    }
  }
}
