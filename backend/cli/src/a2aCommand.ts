// `isa serve-a2a`: the A2A servers of the docs, dev and root agents (JSON-RPC over HTTP, @a2a-js/sdk on express)
// under /agents/{docs,dev,root}, over the index `isa ingest` built. Same identity as `isa serve`: every JSON-RPC
// request needs a bearer token (ISA_TOKENS_FILE / ISA_OIDC_*). ISA_AGENT_URLS (`docs=URL,dev=URL`, checked at
// start) makes root delegate its answers to those remote agents with the caller's token. SIGINT/SIGTERM close the
// listener and exit.

import type { AgentBackend, LeafAgentId } from "@isa/agents";
import {
  AGENT_CARD_PATH,
  AGENT_IDS,
  agentPath,
  createInProcessAgents,
  createRemoteAgent,
  parseAgentUrls,
} from "@isa/agents";
import { authenticatorFromConfig } from "@isa/auth";
import { loadConfig } from "@isa/core";
import { createRuntime } from "@isa/engine";
import { defaultLogger, startA2aServer } from "@isa/server";
import { intOption, parse } from "./args.js";

/** Default port: next to the HTTP API's 8080. */
const DEFAULT_A2A_PORT = 8090;

export async function a2aCommand(argv: readonly string[]): Promise<void> {
  const { values } = parse(argv, {
    port: { type: "string" },
    host: { type: "string" },
    "public-url": { type: "string" },
  });
  const config = loadConfig();
  const remoteUrls = parseAgentUrls(config.agents.urls);
  const port = intOption(values.port, "port", 0, 65535) ?? DEFAULT_A2A_PORT;
  const host = values.host ?? config.server.host;
  const logger = defaultLogger(config);
  const authenticator = authenticatorFromConfig(config);
  if (!config.auth.tokensFile && !config.auth.oidc) {
    logger.warn("neither ISA_TOKENS_FILE nor ISA_OIDC_* is set: every A2A request will be refused (401)");
  }
  const runtime = createRuntime(config);
  const delegates: Partial<Record<LeafAgentId, AgentBackend>> = {};
  for (const [id, url] of Object.entries(remoteUrls) as [LeafAgentId, string][]) {
    delegates[id] = createRemoteAgent(id, url);
    logger.info({ agent: id, url }, "root delegates to a remote agent");
  }
  const backends = createInProcessAgents(runtime, delegates, { logger });
  const server = await startA2aServer(
    config,
    { runtime, authenticator, logger, backends },
    { host, port, ...(values["public-url"] ? { publicUrl: values["public-url"] } : {}) },
  );
  for (const id of AGENT_IDS) {
    logger.info(
      { agent: id, card: `${server.url}${agentPath(id)}${AGENT_CARD_PATH}` },
      "A2A agent listening",
    );
  }
  // The model is warmed only where it answers: extractive answers with score routing never load one.
  const usesModel = config.llm.answerMode !== "extractive" || config.agents.router === "llm";
  void Promise.all([
    runtime.store(),
    runtime.retriever(),
    ...(usesModel ? [runtime.llm()] : []),
    // The agents load ADK on their first question; load it now so that question does not wait for it.
    import("@isa/agents"),
  ]).then(
    () => logger.info("models loaded; ready"),
    (err: unknown) => logger.error({ err }, "warm-up failed"),
  );
  await new Promise<void>((resolve) => {
    let signals = 0;
    // Handlers stay installed (as in `isa serve`): node-llama-cpp's signal-exit re-raises a signal once it sees
    // only its own listeners left. A second signal exits at once.
    const onSignal = (signal: string) => {
      signals++;
      if (signals > 1) process.exit(1);
      logger.info({ signal }, "shutting down");
      resolve();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  await server.close();
  await runtime.close();
  logger.info("stopped");
}
