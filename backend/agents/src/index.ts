// Public surface of @isa/agents: the docs, dev and root agents (an ADK tree over the engine) and what serves them
// over A2A: executors, cards, and the remote-agent client. The HTTP server that mounts them is @isa/server.
export type {
  AgentAnswer,
  AgentBackend,
  AgentCallOptions,
  AgentId,
  AgentSpec,
  LeafAgentId,
  RouteDecision,
} from "./a2a/agents.js";
export { AGENT_IDS, AGENT_KINDS, AGENT_SPECS, decideRoute, route } from "./a2a/agents.js";
export { AGENT_CARD_PATH, agentCard, agentPath, legacyAgentCard } from "./a2a/card.js";
export { answerData, createAgentExecutor, PrincipalUser, questionOf } from "./a2a/executor.js";
export { createInProcessAgents } from "./a2a/inProcess.js";
export type { RemoteAgentOptions } from "./a2a/remote.js";
export { answerOfTask, createRemoteAgent, parseAgentUrls } from "./a2a/remote.js";
