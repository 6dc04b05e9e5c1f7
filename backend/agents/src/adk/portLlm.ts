// ADK's BaseLlm over our Llm port: ADK ships Gemini (and Apigee) model classes only, no OpenAI-compatible one
// (google/adk-js#533), so this is the bridge to vLLM / llama-server / OpenAI through createOpenAiCompatibleLlm.
// Request: genai contents → chat messages (function calls and responses → OpenAI tool_calls / tool messages),
// function declarations → JSON Schema tools. Response: partial text LlmResponses as tokens stream, then one
// aggregated response with the text, the functionCall parts, usage and turnComplete.

import type { BaseLlmConnection, LlmRequest, LlmResponse } from "@google/adk";
import { BaseLlm } from "@google/adk";
import type { Content, FunctionCall, Part } from "@google/genai";
import { FinishReason } from "@google/genai";
import type { ChatMessage, Llm, TokenUsage, ToolCall, ToolSpec } from "@isa/core";
import { AppError } from "@isa/core";
import { toToolSpec } from "./schema.js";

/** The system instruction as plain text (ADK builds it from the agent's instruction plus transfer hints). */
export function systemText(req: LlmRequest): string {
  const si = req.config?.systemInstruction;
  if (si === undefined || si === null) return "";
  if (typeof si === "string") return si;
  const parts: unknown[] = Array.isArray(si)
    ? si
    : "parts" in (si as object)
      ? ((si as Content).parts ?? [])
      : [si];
  return parts
    .map((p) => (typeof p === "string" ? p : ((p as Part).text ?? "")))
    .filter((t) => t !== "")
    .join("\n");
}

/** The function declarations offered in this request, as ToolSpecs. */
export function requestTools(req: LlmRequest): ToolSpec[] {
  return (req.config?.tools ?? []).flatMap((t) =>
    "functionDeclarations" in t && t.functionDeclarations ? t.functionDeclarations.map(toToolSpec) : [],
  );
}

/** genai contents as chat messages, in order. */
export function toChatMessages(req: LlmRequest): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const system = systemText(req);
  if (system !== "") messages.push({ role: "system", content: system });
  for (const c of req.contents) {
    const parts = c.parts ?? [];
    const text = parts
      .filter((p) => typeof p.text === "string" && !p.thought)
      .map((p) => p.text)
      .join("");
    if (c.role === "model") {
      const toolCalls = parts.flatMap((p) => (p.functionCall ? [wireCall(p.functionCall)] : []));
      if (text !== "" || toolCalls.length > 0)
        messages.push({ role: "assistant", content: text, ...(toolCalls.length ? { toolCalls } : {}) });
      continue;
    }
    for (const p of parts) {
      if (p.functionResponse) {
        messages.push({
          role: "tool",
          toolCallId: p.functionResponse.id ?? "",
          content: JSON.stringify(p.functionResponse.response ?? {}),
        });
      }
    }
    if (text !== "") messages.push({ role: "user", content: text });
  }
  return messages;
}

function wireCall(fc: FunctionCall): ToolCall {
  return { id: fc.id ?? "", name: fc.name ?? "", arguments: JSON.stringify(fc.args ?? {}) };
}

/** A model tool call as a genai FunctionCall; arguments that are not a JSON object are a bad response. */
export function toFunctionCall(call: ToolCall): FunctionCall {
  let args: unknown;
  try {
    args = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
  } catch {
    args = undefined;
  }
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new AppError(
      "LLM_BAD_RESPONSE",
      `The model called ${call.name} with arguments that are not a JSON object.`,
    );
  }
  return { id: call.id, name: call.name, args: args as Record<string, unknown> };
}

function usageMetadata(u: TokenUsage | undefined): LlmResponse["usageMetadata"] {
  if (!u) return undefined;
  return {
    promptTokenCount: u.promptTokens,
    candidatesTokenCount: u.completionTokens,
    totalTokenCount: u.promptTokens + u.completionTokens,
  };
}

export interface PortLlmOptions {
  readonly llm: Llm;
  readonly maxTokens?: number;
}

/** A language model reached through our Llm port (tool calls need `llm.supports.tools`). */
export class PortLlm extends BaseLlm {
  readonly #llm: Llm;
  readonly #maxTokens: number | undefined;

  constructor(opts: PortLlmOptions) {
    super({ model: opts.llm.modelId });
    this.#llm = opts.llm;
    this.#maxTokens = opts.maxTokens;
  }

  async *generateContentAsync(
    req: LlmRequest,
    stream = false,
    abortSignal?: AbortSignal,
  ): AsyncGenerator<LlmResponse, void> {
    const tools = requestTools(req);
    if (tools.length > 0 && !this.#llm.supports?.tools) {
      throw new AppError("CONFIG_INVALID", `The model ${this.model} cannot call tools.`);
    }
    const maxTokens = req.config?.maxOutputTokens ?? this.#maxTokens;
    let text = "";
    for await (const d of this.#llm.stream({
      messages: toChatMessages(req),
      temperature: req.config?.temperature ?? 0,
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(tools.length > 0 ? { tools } : {}),
      ...(abortSignal ? { signal: abortSignal } : {}),
    })) {
      if (d.type === "token") {
        text += d.text;
        if (stream) yield { content: { role: "model", parts: [{ text: d.text }] }, partial: true };
        continue;
      }
      const parts: Part[] = [];
      if (text !== "") parts.push({ text });
      for (const call of d.toolCalls ?? []) parts.push({ functionCall: toFunctionCall(call) });
      const usage = usageMetadata(d.usage);
      yield {
        content: { role: "model", parts },
        partial: false,
        turnComplete: true,
        finishReason: d.finishReason === "length" ? FinishReason.MAX_TOKENS : FinishReason.STOP,
        ...(usage ? { usageMetadata: usage } : {}),
      };
    }
  }

  connect(): Promise<BaseLlmConnection> {
    throw new AppError("CONFIG_INVALID", "Live (bidirectional) connections are not supported.");
  }
}
