// LLM adapters implementing core's `Llm` port: embedded llama.cpp (default) and OpenAI-compatible servers.
export type { LlamaCppLlm, LlamaCppOptions } from "./llamaCpp.js";
export { createLlamaCppLlm } from "./llamaCpp.js";
export type { OpenAiCompatibleLlm, OpenAiCompatibleOptions } from "./openaiCompatible.js";
export { createOpenAiCompatibleLlm } from "./openaiCompatible.js";
export type { SseEvent } from "./sse.js";
export { parseSse } from "./sse.js";
