// The three A2A agents behind one interface: docs (markdown/text chunks), dev (code/config chunks) and root, which
// routes each question to one of them. All answer in process through the same answerer the API uses, with the
// caller's Principal for retrieval. Routing heuristic (root): retrieve the question with each agent's kinds and
// pick the agent whose best dense cosine (the signal abstention uses) is higher; ties and empty results go to docs.
// Root can delegate the answer to remote docs/dev agents (remote.ts: the A2A client, forwarding the caller's bearer
// token); routing and the executor above stay the same.
import type { Answer, DocumentKind, Principal } from "@isa/core";
import type { AnswerOptions, AnswerRetriever } from "../answer/index.js";
import { createAnswerer } from "../answer/index.js";
import type { RetrievalResult, Retriever } from "../retrieval/index.js";
import type { Runtime } from "../runtime.js";

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
  /** The agent whose retrieval produced the answer. */
  readonly answeredBy: LeafAgentId;
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
      "Entry point: routes each question to the docs agent or the dev agent (whichever finds closer evidence) " +
      "and returns its cited answer.",
    skills: [
      {
        id: "ask",
        name: "Ask anything about our docs and code",
        description:
          "Routes to documentation or code retrieval by the best match score, then answers with citations.",
        tags: ["router", "docs", "code", "citations"],
        examples: ["How does the deploy pipeline promote staging?", "Where is the HTTP client configured?"],
      },
    ],
  },
};

/** Retrieve with one agent's kinds. */
function scopedRetriever(retriever: Retriever, kinds: readonly DocumentKind[]): AnswerRetriever {
  return { retrieve: (q, o) => retriever.retrieve(q, { principal: o.principal, k: o.k, kinds }) };
}

/** A retriever that hands back an already computed result (root: no second retrieval after routing). */
function fixedResult(result: RetrievalResult): AnswerRetriever {
  return { retrieve: async () => result };
}

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

/**
 * The backends of the three agents over one runtime. With `delegates`, root still routes on this runtime's index
 * but the chosen agent answers remotely (the A2A client); without, everything answers in process.
 */
export function createInProcessAgents(
  runtime: Runtime,
  delegates: Partial<Record<LeafAgentId, AgentBackend>> = {},
): Record<AgentId, AgentBackend> {
  const config = runtime.config;
  const answerWith = async (retriever: AnswerRetriever, question: string, opts: AnswerOptions) => {
    const llm = await runtime.llm();
    return createAnswerer({ llm, retriever, config }).answer(question, opts);
  };
  const leaf = (id: LeafAgentId): AgentBackend => ({
    async answer(question, opts) {
      const retriever = scopedRetriever(await runtime.retriever(), AGENT_KINDS[id]);
      return { result: await answerWith(retriever, question, opts), answeredBy: id };
    },
  });
  return {
    docs: leaf("docs"),
    dev: leaf("dev"),
    root: {
      async answer(question, opts) {
        const q = question.trim();
        const retriever = await runtime.retriever();
        // An empty question is refused by the answerer; do not retrieve for it.
        if (q === "")
          return { result: await answerWith(fixedResult(emptyResult()), q, opts), answeredBy: "docs" };
        const { decision, results } = await route(retriever, q, opts.principal, config.retrieval.topK);
        opts.signal?.throwIfAborted();
        const remote = delegates[decision.agent];
        if (remote) return { ...(await remote.answer(q, opts)), route: decision };
        const result = await answerWith(fixedResult(results[decision.agent]), q, opts);
        return { result, answeredBy: decision.agent, route: decision };
      },
    },
  };
}

function emptyResult(): RetrievalResult {
  return { hits: [], bestDenseScore: -1, timings: { embedMs: 0, denseMs: 0, lexicalMs: 0, fuseMs: 0 } };
}
