// A2A servers for the docs, dev and root agents (@a2a-js/sdk over express); see backend/README.md, "A2A".
export type {
  AgentAnswer,
  AgentBackend,
  AgentCallOptions,
  AgentId,
  AgentSpec,
  LeafAgentId,
  RouteDecision,
} from "./agents.js";
export { AGENT_IDS, AGENT_KINDS, AGENT_SPECS, decideRoute, route } from "./agents.js";
export { agentCard } from "./card.js";
export { answerData, createAgentExecutor, PrincipalUser, questionOf } from "./executor.js";
export { createInProcessAgents } from "./inProcess.js";
export type { RemoteAgentOptions } from "./remote.js";
export { answerOfTask, createRemoteAgent, parseAgentUrls } from "./remote.js";
export type { A2aAppOptions, A2aDeps, A2aStartOptions, RunningA2aServer } from "./server.js";
export { AGENT_CARD_PATH, agentPath, buildA2aApp, startA2aServer } from "./server.js";
