// NOT a language model: a fixed, deterministic policy in BaseLlm's shape, so the same ADK Runner and agent tree run
// when no model is loaded (the embedded default answers extractively, which measured better than SmolLM2-135M
// generating) or when root routes by retrieval scores (ISA_AGENT_ROUTER=scores). What it does, step by step:
//   root:  call compare_sources(question) → transfer_to_agent(the agent with the closer evidence; ties → docs)
//   leaf:  call answer_from_docs|answer_from_code(question) → reply with that tool's answer verbatim
// The answer tool runs our answerer (extractive quotes, or the local model generating, per ISA_ANSWER_MODE) or the
// remote agent, so every word of the reply comes from a tool, never from this class.
import { randomUUID } from "node:crypto";
import type { BaseLlmConnection, LlmRequest, LlmResponse } from "@google/adk";
import { BaseLlm } from "@google/adk";
import type { Content, FunctionResponse } from "@google/genai";
import { AppError } from "@isa/core";
import { requestTools } from "./portLlm.js";
import { TOOL_NAMES } from "./tools.js";

export const TRANSFER_TOOL = "transfer_to_agent";

/** The user's question: the first user turn's text (later user turns are ADK's "For context:" notes). */
export function questionOfRequest(req: LlmRequest): string {
  const first = req.contents.find((c) => c.role === "user" && (c.parts ?? []).some((p) => p.text));
  return (first?.parts ?? [])
    .map((p) => p.text ?? "")
    .join("")
    .trim();
}

/** The function responses of the latest turn (what the previous step's tool calls returned). */
export function latestResponses(req: LlmRequest): FunctionResponse[] {
  const last: Content | undefined = req.contents.at(-1);
  return (last?.parts ?? []).flatMap((p) => (p.functionResponse ? [p.functionResponse] : []));
}

export function callResponse(name: string, args: Record<string, unknown>): LlmResponse {
  return {
    content: { role: "model", parts: [{ functionCall: { id: `isa-${randomUUID()}`, name, args } }] },
    turnComplete: true,
  };
}

export function textResponse(text: string): LlmResponse {
  return { content: { role: "model", parts: [{ text }] }, turnComplete: true };
}

export class ScorePolicyLlm extends BaseLlm {
  constructor() {
    super({ model: "isa-score-policy" });
  }

  async *generateContentAsync(req: LlmRequest): AsyncGenerator<LlmResponse, void> {
    const question = questionOfRequest(req);
    const offered = new Set(requestTools(req).map((t) => t.name));
    for (const r of latestResponses(req)) {
      const response = (r.response ?? {}) as Record<string, unknown>;
      if (r.name === TOOL_NAMES.compare && typeof response.closer === "string") {
        yield callResponse(TRANSFER_TOOL, { agentName: response.closer });
        return;
      }
      if (r.name === TOOL_NAMES.answer.docs || r.name === TOOL_NAMES.answer.dev) {
        if (typeof response.answer === "string") {
          yield textResponse(response.answer);
          return;
        }
        // ADK reports a throwing tool as {error: message}; surface it instead of answering.
        throw new AppError("INTERNAL", `The ${r.name} tool failed: ${String(response.error ?? "no answer")}`);
      }
    }
    if (offered.has(TOOL_NAMES.compare)) {
      yield callResponse(TOOL_NAMES.compare, { question });
      return;
    }
    for (const name of [TOOL_NAMES.answer.docs, TOOL_NAMES.answer.dev]) {
      if (offered.has(name)) {
        yield callResponse(name, { question });
        return;
      }
    }
    throw new AppError("INTERNAL", "The score policy has no tool to call in this agent.");
  }

  connect(): Promise<BaseLlmConnection> {
    throw new AppError("CONFIG_INVALID", "Live (bidirectional) connections are not supported.");
  }
}
