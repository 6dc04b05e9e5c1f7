// The ADK agent tree. root (subAgents docs + dev; tools: compare_sources, find_projects) decides between answering
// itself, transferring to docs or dev, and the project catalog. docs and dev each come in two shapes:
//   "model":  a language model that calls search_docs|search_code (dev: also the files/git MCP tools) and writes
//             the answer itself, citing the numbered sources;
//   "policy": the deterministic ScorePolicyLlm calling answer_from_docs|answer_from_code, i.e. our answerer in the
//             configured mode (or the remote agent under ISA_AGENT_URLS).
// ADK agents have one parent each, so root's sub-agents are separate instances from the standalone docs/dev
// agents that the A2A docs and dev endpoints run.
import type { BaseLlm, ToolUnion } from "@google/adk";
import { LlmAgent } from "@google/adk";
import { NO_ANSWER_SENTENCE } from "@isa/engine";
import type { Logger } from "pino";
import type { AgentId, LeafAgentId } from "../a2a/agents.js";
import { AGENT_SPECS } from "../a2a/agents.js";
import { CallerMcpToolset, citeMcpReads } from "./mcpTools.js";
import type { ToolDeps } from "./tools.js";
import { answerTool, compareSourcesTool, findProjectsTool, searchTool, TOOL_NAMES } from "./tools.js";

export type LeafShape = "model" | "policy";

export interface TreeOptions {
  readonly deps: ToolDeps;
  /** Root's model (PortLlm, JsonRouterLlm or ScorePolicyLlm). */
  readonly rootModel: BaseLlm;
  /** Each leaf's model and shape. */
  readonly leaf: (id: LeafAgentId) => { readonly model: BaseLlm; readonly shape: LeafShape };
  readonly mcp: { readonly filesUrl?: string | undefined; readonly gitUrl?: string | undefined };
  readonly logger?: Logger | undefined;
}

const CITE_RULES =
  "Answer only from the sources the tools return. Cite every claim with the source number in brackets, e.g. [1]. " +
  `If the sources do not contain the answer, say exactly: "${NO_ANSWER_SENTENCE}"`;

const LEAF_INSTRUCTIONS: Readonly<Record<LeafAgentId, string>> = {
  docs: `You answer questions from the company's documentation. First call ${TOOL_NAMES.search.docs} with a search query. ${CITE_RULES}`,
  dev:
    `You answer questions about the company's source code and configuration. First call ${TOOL_NAMES.search.dev} ` +
    "with a search query. When file tools are offered you may read a file with read_file (cite it with the " +
    `cite_as number it returns) or look at its history with the git tools. ${CITE_RULES}`,
};

const ROOT_INSTRUCTION =
  "You are the entry point of the company's assistant. For documentation, policy and how-to questions transfer " +
  "to the docs agent; for source code and configuration questions transfer to the dev agent; when unsure which, " +
  `call ${TOOL_NAMES.compare} first. For questions about which projects exist or who owns them call ` +
  `${TOOL_NAMES.projects} and answer from its result. Answer directly only greetings and questions about yourself.`;

function leafAgent(id: LeafAgentId, opts: TreeOptions): LlmAgent {
  const { model, shape } = opts.leaf(id);
  const tools: ToolUnion[] = [];
  if (shape === "policy") {
    tools.push(answerTool(id, opts.deps));
  } else {
    tools.push(searchTool(id, opts.deps));
    if (id === "dev") {
      for (const url of [opts.mcp.filesUrl, opts.mcp.gitUrl]) {
        if (url) tools.push(new CallerMcpToolset({ url, ...(opts.logger ? { logger: opts.logger } : {}) }));
      }
    }
  }
  return new LlmAgent({
    name: id,
    description: AGENT_SPECS[id].description,
    model,
    instruction: shape === "policy" ? "" : LEAF_INSTRUCTIONS[id],
    tools,
    disallowTransferToParent: true,
    disallowTransferToPeers: true,
    ...(shape === "model" && id === "dev" ? { afterToolCallback: citeMcpReads(opts.deps.books) } : {}),
  });
}

/** The agent an A2A endpoint runs: a standalone leaf, or root over fresh leaves. */
export function buildAgent(id: AgentId, opts: TreeOptions): LlmAgent {
  if (id !== "root") return leafAgent(id, opts);
  return new LlmAgent({
    name: "root",
    description: AGENT_SPECS.root.description,
    model: opts.rootModel,
    instruction: ROOT_INSTRUCTION,
    tools: [compareSourcesTool(opts.deps), findProjectsTool(opts.deps)],
    subAgents: [leafAgent("docs", opts), leafAgent("dev", opts)],
  });
}
