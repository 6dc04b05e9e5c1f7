// The A2A agents answered in this process: the ADK agent tree over one runtime (../agents/adkBackend.ts). With
// `delegates`, root still decides here but the chosen docs/dev agent answers remotely (remote.ts, the A2A client).
// ADK is imported on the first question, not at start: it costs about a second of module loading that CLI
// commands which never run an agent (`isa search`, `isa ingest`, `isa mcp …`) should not pay.

import type { Runtime } from "@isa/engine";
import type { AdkAgentsOptions } from "../adk/adkBackend.js";
import type { AgentBackend, AgentId, LeafAgentId } from "./agents.js";
import { AGENT_IDS } from "./agents.js";

export function createInProcessAgents(
  runtime: Runtime,
  delegates: Partial<Record<LeafAgentId, AgentBackend>> = {},
  opts: Omit<AdkAgentsOptions, "delegates"> = {},
): Record<AgentId, AgentBackend> {
  let agents: Promise<Record<AgentId, AgentBackend>> | undefined;
  const load = () =>
    (agents ??= import("../adk/adkBackend.js").then((m) =>
      m.createAdkAgents(runtime, { ...opts, delegates }),
    ));
  return Object.fromEntries(
    AGENT_IDS.map((id) => [
      id,
      {
        answer: async (question, callOpts) => (await load())[id].answer(question, callOpts),
      } satisfies AgentBackend,
    ]),
  ) as Record<AgentId, AgentBackend>;
}
