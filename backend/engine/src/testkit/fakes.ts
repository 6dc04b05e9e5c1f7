// Test doubles of our own ports for the answerer: a scripted Llm, a fixed retriever, and chunk builders.
import type { ChatDelta, ChatRequest, Chunk, Llm } from "@isa/core";
import type { AnswererConfig, AnswerRetriever, RetrievalHit } from "../answer/types.js";

export interface ScriptedLlm extends Llm {
  readonly requests: ChatRequest[];
}

/** Streams the given pieces as tokens (or pieces computed from the request), then one done. */
export function scriptedLlm(
  script: readonly string[] | ((req: ChatRequest) => readonly string[]),
): ScriptedLlm {
  const requests: ChatRequest[] = [];
  return {
    modelId: "scripted",
    requests,
    async *stream(req: ChatRequest): AsyncGenerator<ChatDelta> {
      requests.push(req);
      const pieces = typeof script === "function" ? script(req) : script;
      for (const text of pieces) {
        req.signal?.throwIfAborted();
        yield { type: "token", text };
      }
      yield {
        type: "done",
        finishReason: "stop",
        usage: { promptTokens: 100, completionTokens: pieces.length },
      };
    },
    async close() {},
  };
}

export function chunk(over: Partial<Chunk> & Pick<Chunk, "path" | "text">): Chunk {
  return {
    id: `c-${over.path}-${over.startLine ?? 1}`,
    docId: `d-${over.path}`,
    source: "docs",
    title: over.path.replace(/^.*\//, "").replace(/\.\w+$/, ""),
    headingPath: [],
    kind: "markdown",
    startLine: 1,
    endLine: over.text.split("\n").length,
    acl: ["public"],
    ...over,
  };
}

export function hit(c: Chunk, score = 0.5): RetrievalHit {
  return { chunk: c, score, denseScore: score };
}

export function fixedRetriever(
  hits: readonly RetrievalHit[],
  bestDenseScore = 0.6,
): AnswerRetriever & { calls: number } {
  const r = {
    calls: 0,
    async retrieve() {
      r.calls++;
      return { hits, bestDenseScore };
    },
  };
  return r;
}

export function config(
  over: { answerMode?: AnswererConfig["llm"]["answerMode"]; contextTokens?: number; maxTokens?: number } = {},
): AnswererConfig {
  return {
    retrieval: { topK: 6, abstainMinScore: 0.3 },
    llm: {
      answerMode: over.answerMode ?? "generate",
      maxTokens: over.maxTokens ?? 256,
      contextTokens: over.contextTokens ?? 4096,
    },
  };
}

export const principal = { id: "u1", groups: ["public"] } as const;
