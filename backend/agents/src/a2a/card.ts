// Agent cards (A2A v1.0 shape, as @a2a-js/sdk 1.3 types them): one JSON-RPC interface per agent, declared for
// protocol 1.0 and 0.3 (the SDK's legacyCompat serves v0.3 clients on the same URL), streaming, bearer auth.
import type { AgentCard, AgentSkill } from "@a2a-js/sdk";
import type { AgentId, AgentSpec } from "./agents.js";

/** The agent card's `version`: this package's. */
export const AGENT_VERSION = "0.1.0";

export const BEARER_SCHEME = "bearer";

const TEXT = "text/plain";
const JSON_MEDIA = "application/json";

export function agentCard(spec: AgentSpec, url: string): AgentCard {
  const skills: AgentSkill[] = spec.skills.map((s) => ({
    id: s.id,
    name: s.name,
    description: s.description,
    tags: [...s.tags],
    examples: [...s.examples],
    inputModes: [TEXT],
    outputModes: [TEXT, JSON_MEDIA],
    securityRequirements: [],
  }));
  return {
    name: spec.name,
    description: spec.description,
    supportedInterfaces: [
      { url, protocolBinding: "JSONRPC", tenant: "", protocolVersion: "1.0" },
      { url, protocolBinding: "JSONRPC", tenant: "", protocolVersion: "0.3" },
    ],
    provider: { organization: "innersource-assistant", url: "https://github.com/innersource-assistant" },
    version: AGENT_VERSION,
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: {
      [BEARER_SCHEME]: {
        scheme: {
          $case: "httpAuthSecurityScheme",
          value: {
            description:
              "A static API token (ISA_TOKENS_FILE) or an OIDC JWT; retrieval is filtered by the caller's groups.",
            scheme: "Bearer",
            bearerFormat: "",
          },
        },
      },
    },
    securityRequirements: [{ schemes: { [BEARER_SCHEME]: { list: [] } } }],
    defaultInputModes: [TEXT],
    defaultOutputModes: [TEXT, JSON_MEDIA],
    skills,
    signatures: [],
  };
}

/**
 * The same card in the v0.3 shape (top-level `url`, `preferredTransport`, `protocolVersion`, OpenAPI-style security
 * schemes), for a client that asks for `A2A-Version: 0.3` by name. Built from the spec, like the v1.0 card, so the
 * two cannot disagree on skills or modes.
 */
export function legacyAgentCard(spec: AgentSpec, url: string): Record<string, unknown> {
  const v1 = agentCard(spec, url);
  return {
    protocolVersion: "0.3.0",
    name: v1.name,
    description: v1.description,
    url,
    preferredTransport: "JSONRPC",
    additionalInterfaces: [{ url, transport: "JSONRPC" }],
    provider: v1.provider,
    version: v1.version,
    capabilities: { streaming: true, pushNotifications: false, stateTransitionHistory: false },
    securitySchemes: {
      [BEARER_SCHEME]: {
        type: "http",
        scheme: "bearer",
        description:
          "A static API token (ISA_TOKENS_FILE) or an OIDC JWT; retrieval is filtered by the caller's groups.",
      },
    },
    security: [{ [BEARER_SCHEME]: [] }],
    defaultInputModes: v1.defaultInputModes,
    defaultOutputModes: v1.defaultOutputModes,
    skills: v1.skills.map((k) => ({
      id: k.id,
      name: k.name,
      description: k.description,
      tags: k.tags,
      examples: k.examples,
      inputModes: k.inputModes,
      outputModes: k.outputModes,
    })),
  };
}

/** Where every agent serves its card (A2A v0.3 and v1.0 alike), relative to the agent's base URL. */
export const AGENT_CARD_PATH = "/.well-known/agent-card.json";

/** Each agent's path on the server that hosts it. */
export function agentPath(id: AgentId): string {
  return `/agents/${id}`;
}
