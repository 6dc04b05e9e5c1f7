// The A2A agents' AgentBackend over ADK's Runner. Each question is one run in a fresh session whose state holds
// the caller (Principal and bearer credential, from the transport that verified them); tools read it from there.
// Which models fill the tree (tree.ts):
//   - a model that calls tools (LLM_BASE_URL: vLLM & co. through PortLlm) writes root's decisions and the answers;
//   - otherwise the leaves are the deterministic ScorePolicyLlm over our answerer (extractive by default, the local
//     model generating when ISA_ANSWER_MODE says so), and root routes by retrieval scores (ScorePolicyLlm) or, with
//     ISA_AGENT_ROUTER=llm, by the local model's JSON-schema-constrained choice (JsonRouterLlm);
//   - a leaf with a remote agent (ISA_AGENT_URLS) is always the policy shape: its answer tool calls the remote agent
//     with the caller's token — the same code path, another transport.
import type { BaseLlm, Event } from "@google/adk";
import { InMemorySessionService, LogLevel, Runner, StreamingMode, setLogger } from "@google/adk";
import type { Citation, Llm } from "@isa/core";
import { AppError } from "@isa/core";
import type { AnswerRetriever, Runtime } from "@isa/engine";
import { citedNumbers, createAnswerer, saysNoAnswer } from "@isa/engine";
import type { Logger } from "pino";
import type { AgentAnswer, AgentBackend, AgentId, LeafAgentId } from "../a2a/agents.js";
import { AGENT_IDS } from "../a2a/agents.js";
import { JsonRouterLlm } from "./jsonRouterLlm.js";
import { ScorePolicyLlm } from "./policyLlm.js";
import { PortLlm } from "./portLlm.js";
import type { RunBook } from "./runContext.js";
import { RunBooks, STATE_CREDENTIAL, STATE_PRINCIPAL } from "./runContext.js";
import type { LeafShape } from "./tree.js";
import { buildAgent } from "./tree.js";

const APP_NAME = "innersource-assistant";
/** Documents listed when a model-written answer abstains (as the answerer does). */
const CLOSEST_COUNT = 3;

export interface AdkAgentsOptions {
  /** Remote docs/dev agents (ISA_AGENT_URLS). */
  readonly delegates?: Partial<Record<LeafAgentId, AgentBackend>>;
  readonly logger?: Logger;
  /** Every ADK event of every run, as it happens (tracing, tests). */
  readonly onEvent?: (agent: AgentId, event: Event) => void;
}

/** How the tree is filled for this runtime (exported for tests and the README's description). */
export interface TreeModels {
  readonly root: BaseLlm;
  readonly leaves: Readonly<Record<LeafAgentId, { model: BaseLlm; shape: LeafShape }>>;
}

export async function chooseModels(
  runtime: Runtime,
  delegates: Partial<Record<LeafAgentId, AgentBackend>>,
): Promise<TreeModels> {
  const { config } = runtime;
  const extractive = config.llm.answerMode === "extractive";
  const router = config.agents.router;
  // Extractive answers load no model; neither does score routing. Only ask the runtime for one when used.
  const needModel = !extractive || router === "llm";
  const llm: Llm | undefined = needModel ? await runtime.llm() : undefined;
  const tools = llm?.supports?.tools === true;
  const policy = new ScorePolicyLlm();
  const port = llm && tools ? new PortLlm({ llm, maxTokens: config.llm.maxTokens }) : undefined;
  let root: BaseLlm = policy;
  if (llm && router !== "scores") {
    if (port) root = port;
    else if (router === "llm") root = new JsonRouterLlm(llm);
  }
  const leaf = (id: LeafAgentId) =>
    port && !extractive && !delegates[id]
      ? { model: port as BaseLlm, shape: "model" as const }
      : { model: policy as BaseLlm, shape: "policy" as const };
  return { root, leaves: { docs: leaf("docs"), dev: leaf("dev") } };
}

/** The answer text of an event (model text parts, thoughts excluded). */
function eventText(e: Event): string {
  return (e.content?.parts ?? [])
    .filter((p) => typeof p.text === "string" && !p.thought)
    .map((p) => p.text)
    .join("");
}

/** A model-written answer with its `[n]` mapped to the run's numbered sources. */
function modelAnswer(text: string, book: RunBook, lastAuthor: string | undefined): AgentAnswer {
  const byN = new Map(book.sources.map((s) => [s.n, s.citation]));
  const citations = [...new Set(citedNumbers(text))]
    .map((n) => byN.get(n))
    .filter((c): c is Citation => c !== undefined);
  const answeredBy: AgentId =
    lastAuthor === "docs" || lastAuthor === "dev" ? lastAuthor : (book.answeredBy ?? "root");
  // The catalog answers without chunk sources; anything else with no source, or saying so, abstains.
  const abstained = saysNoAnswer(text) || (book.sources.length === 0 && !book.projects);
  return {
    result: {
      answer: text,
      citations,
      abstained,
      ...(abstained ? { closest: book.sources.slice(0, CLOSEST_COUNT).map((s) => s.citation) } : {}),
    },
    answeredBy,
    ...(book.route ? { route: book.route } : {}),
  };
}

/**
 * ADK logs through one process-wide logger (console by default); send it to ours. Its MCP client reports every
 * closed session's aborted SSE stream as an error: that is the normal end of a call, so it is logged at debug.
 */
export function routeAdkLogs(logger: Logger): void {
  const log = logger.child({ component: "adk" });
  const text = (args: unknown[]) => args.map((a) => (typeof a === "string" ? a : String(a))).join(" ");
  const at = (level: LogLevel, args: unknown[]) => {
    const msg = text(args);
    if (level >= LogLevel.ERROR && !/aborted/i.test(msg)) log.error(msg);
    else if (level >= LogLevel.WARN) log.warn(msg);
    else if (level >= LogLevel.INFO) log.info(msg);
    else log.debug(msg);
  };
  setLogger({
    log: (level, ...args) => at(level, args),
    debug: (...args) => at(LogLevel.DEBUG, args),
    info: (...args) => at(LogLevel.INFO, args),
    warn: (...args) => at(LogLevel.WARN, args),
    error: (...args) => at(LogLevel.ERROR, args),
    setLogLevel: () => {},
  });
}

export function createAdkAgents(
  runtime: Runtime,
  opts: AdkAgentsOptions = {},
): Record<AgentId, AgentBackend> {
  if (opts.logger) routeAdkLogs(opts.logger);
  const delegates = opts.delegates ?? {};
  const books = new RunBooks();
  const sessions = new InMemorySessionService();
  const config = runtime.config;
  // Extractive answers never call the model: a stand-in that would load it only if asked (as runtime.ts does).
  const answerLlm = async (): Promise<Llm> =>
    config.llm.answerMode === "extractive"
      ? {
          modelId: "extractive",
          async *stream(req) {
            yield* (await runtime.llm()).stream(req);
          },
          close: async () => {},
        }
      : runtime.llm();
  const deps = {
    runtime,
    books,
    delegates,
    answererFor: async (retriever: AnswerRetriever) =>
      createAnswerer({
        llm: await answerLlm(),
        retriever,
        config,
        index: await runtime.store(),
      }),
  };
  let models: Promise<TreeModels> | undefined;
  const runners = new Map<AgentId, Promise<Runner>>();
  const runnerFor = (id: AgentId): Promise<Runner> => {
    let r = runners.get(id);
    if (!r) {
      models ??= chooseModels(runtime, delegates).catch((err: unknown) => {
        models = undefined;
        throw err;
      });
      r = models.then(
        (m) =>
          new Runner({
            appName: APP_NAME,
            sessionService: sessions,
            agent: buildAgent(id, {
              deps,
              rootModel: m.root,
              leaf: (leaf) => m.leaves[leaf],
              mcp: { filesUrl: config.agents.mcpFilesUrl, gitUrl: config.agents.mcpGitUrl },
              logger: opts.logger,
            }),
          }),
      );
      r.catch(() => runners.delete(id));
      runners.set(id, r);
    }
    return r;
  };

  const backend = (id: AgentId): AgentBackend => ({
    async answer(question, callOpts) {
      const q = question.trim();
      if (q === "") throw new AppError("INPUT_INVALID", "The question is empty.");
      callOpts.signal?.throwIfAborted();
      const runner = await runnerFor(id);
      const { principal } = callOpts;
      const session = await sessions.createSession({
        appName: APP_NAME,
        userId: principal.id,
        state: {
          [STATE_PRINCIPAL]: { id: principal.id, groups: [...principal.groups] },
          ...(callOpts.credential ? { [STATE_CREDENTIAL]: callOpts.credential } : {}),
        },
      });
      const book = books.open(session.id, {
        ...(callOpts.signal ? { signal: callOpts.signal } : {}),
        ...(callOpts.onToken ? { onToken: callOpts.onToken } : {}),
      });
      let streamed = "";
      let finalText = "";
      let lastAuthor: string | undefined;
      try {
        for await (const e of runner.runAsync({
          userId: principal.id,
          sessionId: session.id,
          newMessage: { role: "user", parts: [{ text: q }] },
          runConfig: { streamingMode: StreamingMode.SSE },
          ...(callOpts.signal ? { abortSignal: callOpts.signal } : {}),
        })) {
          callOpts.signal?.throwIfAborted();
          opts.onEvent?.(id, e);
          if (e.errorCode || e.errorMessage) {
            throw (
              book.error ??
              new AppError("LLM_BAD_RESPONSE", `The agent run failed: ${e.errorMessage ?? e.errorCode}`)
            );
          }
          const text = eventText(e);
          if (text === "" || e.author === "user") continue;
          // Model text streams as it is generated (partial events); an answer tool streams through the book.
          if (e.partial) {
            streamed += text;
            callOpts.onToken?.(text);
          } else {
            finalText = text;
            lastAuthor = e.author;
          }
        }
      } catch (err) {
        if (callOpts.signal?.aborted) throw callOpts.signal.reason ?? err;
        throw book.error ?? err;
      } finally {
        books.close(session.id);
        await sessions
          .deleteSession({ appName: APP_NAME, userId: principal.id, sessionId: session.id })
          .catch(() => undefined);
      }
      if (book.error !== undefined) throw book.error;
      if (book.answer) {
        return { ...book.answer, ...(book.route && id === "root" ? { route: book.route } : {}) };
      }
      // Everything the caller saw is the answer: the streamed pieces, or the final text sent now in one piece.
      if (streamed === "" && finalText !== "") callOpts.onToken?.(finalText);
      return modelAnswer(streamed !== "" ? streamed : finalText, book, lastAuthor);
    },
  });

  return Object.fromEntries(AGENT_IDS.map((id) => [id, backend(id)])) as Record<AgentId, AgentBackend>;
}
