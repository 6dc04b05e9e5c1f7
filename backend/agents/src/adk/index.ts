// @isa/agents/adk: the ADK agent tree itself. Importing it loads @google/adk (seconds), so the package root does not:
// the in-process agents import it on their first question (a2a/inProcess.ts).
export { createAdkAgents } from "./adkBackend.js";
export type { Route } from "./jsonRouterLlm.js";
export { JsonRouterLlm, ROUTES } from "./jsonRouterLlm.js";
