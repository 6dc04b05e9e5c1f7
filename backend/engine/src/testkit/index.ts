// Test doubles for the engine (tests only; not built): a scripted Llm, a scripted OpenAI-compatible HTTP server,
// and the small GGUF model the model tests load.
export type { ScriptedLlm } from "./fakes.js";
export { scriptedLlm } from "./fakes.js";
export type { ScriptedOpenAi, ScriptedTurn, WireRequest } from "./scriptedOpenAi.js";
export { startScriptedOpenAi } from "./scriptedOpenAi.js";
export { findTestGguf, NO_GGUF_MESSAGE } from "./testGguf.js";
