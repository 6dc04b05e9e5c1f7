// The three A2A agents behind one interface: docs (markdown/text chunks), dev (code/config chunks) and root, which
// decides between them (and the project catalog). They run as an ADK agent tree (../agents/, createInProcessAgents
// in inProcess.ts), with the caller's Principal in the session state for every tool. The score routing heuristic
// lives here: retrieve the question with each agent's kinds and pick the agent whose best dense cosine (the signal
// abstention uses) is higher; ties and empty results go to docs. Root can delegate the answer to remote docs/dev
// agents (remote.ts: the A2A client, forwarding the caller's bearer token) under the same code path.
import type { Answer, DocumentKind, Principal } from "@isa/core";
import type { AnswerOptions, RetrievalResult, Retriever } from "@isa/engine";

export type AgentId = "docs" | "dev" | "root";
/** The agents that answer themselves (root delegates to one of them). */
export type LeafAgentId = Exclude<AgentId, "root">;

export const AGENT_IDS: readonly AgentId[] = ["docs", "dev", "root"];

export const AGENT_KINDS: Readonly<Record<LeafAgentId, readonly DocumentKind[]>> = {
  docs: ["markdown", "text"],
  dev: ["code", "config"],
};

export interface RouteDecision {
  readonly agent: LeafAgentId;
  /** Best dense cosine per agent (-1 when that agent's kinds had no candidate the caller may read). */
  readonly scores: Readonly<Record<LeafAgentId, number>>;
}

export interface AgentAnswer {
  readonly result: Answer;
  /** The agent whose retrieval produced the answer (root: answered itself, e.g. from the project catalog). */
  readonly answeredBy: AgentId;
  /** Set when the root agent routed the question. */
  readonly route?: RouteDecision;
}

export interface AgentCallOptions extends AnswerOptions {
  /** The caller's bearer credential, for a backend that calls another agent on the caller's behalf. */
  readonly credential?: string;
}

/** What an A2A executor calls: one question, as one principal, abortable. */
export interface AgentBackend {
  answer(question: string, opts: AgentCallOptions): Promise<AgentAnswer>;
}

export interface AgentSkillSpec {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly examples: readonly string[];
}

export interface AgentSpec {
  readonly id: AgentId;
  readonly name: string;
  readonly description: string;
  readonly skills: readonly AgentSkillSpec[];
}

export const AGENT_SPECS: Readonly<Record<AgentId, AgentSpec>> = {
  docs: {
    id: "docs",
    name: "innersource-assistant docs agent",
    description:
      "Answers questions from the company's documentation (Markdown and text), with citations (path and line range). " +
      "Only documents the caller's groups may read are used.",
    skills: [
      {
        id: "docs-qa",
        name: "Documentation Q&A",
        description:
          "Retrieval-augmented, cited answers over Markdown and text documents; abstains when unsure.",
        tags: ["docs", "rag", "citations"],
        examples: ["How do I rotate the staging database password?", "What is the vacation policy?"],
      },
    ],
  },
  dev: {
    id: "dev",
    name: "innersource-assistant dev agent",
    description:
      "Answers questions about the company's code and configuration, citing files and line ranges. " +
      "Only sources the caller's groups may read are used.",
    skills: [
      {
        id: "code-qa",
        name: "Code Q&A",
        description: "Retrieval-augmented, cited answers over source code and config files (YAML, JSON, …).",
        tags: ["code", "config", "rag", "citations"],
        examples: ["Where is the retry policy for the billing client?", "Which port does the API listen on?"],
      },
    ],
  },
  root: {
    id: "root",
    name: "innersource-assistant",
    description:
      "Entry point: hands each question to the docs agent or the dev agent (whichever finds closer evidence, or " +
      "the model's choice when one is configured) and returns its cited answer; lists projects and their owners " +
      "from the catalog.",
    skills: [
      {
        id: "ask",
        name: "Ask anything about our docs and code",
        description:
          "Routes to documentation or code retrieval by the best match score, then answers with citations.",
        tags: ["router", "docs", "code", "citations"],
        examples: ["How does the deploy pipeline promote staging?", "Where is the HTTP client configured?"],
      },
      {
        id: "projects",
        name: "Project discovery",
        description:
          "Which projects exist, what they do and who owns them (catalog-info.yaml, else README and CODEOWNERS).",
        tags: ["projects", "owners", "catalog"],
        examples: ["Which projects do we have?", "Who owns the billing service?"],
      },
    ],
  },
};

/** Root's routing decision from both agents' retrievals for the same question and principal. */
export function decideRoute(docs: RetrievalResult, dev: RetrievalResult): RouteDecision {
  const score = (r: RetrievalResult) => (r.hits.length === 0 ? -1 : r.bestDenseScore);
  const scores = { docs: score(docs), dev: score(dev) };
  return { agent: scores.dev > scores.docs ? "dev" : "docs", scores };
}

export async function route(
  retriever: Retriever,
  question: string,
  principal: Principal,
  k: number,
): Promise<{ decision: RouteDecision; results: Record<LeafAgentId, RetrievalResult> }> {
  const [docs, dev] = await Promise.all([
    retriever.retrieve(question, { principal, k, kinds: AGENT_KINDS.docs }),
    retriever.retrieve(question, { principal, k, kinds: AGENT_KINDS.dev }),
  ]);
  return { decision: decideRoute(docs, dev), results: { docs, dev } };
}
