// `isa serve`: the HTTP API and the A2A agents (docs, dev, root under /agents/*) on one fastify app and one port,
// over the index `isa ingest` built. `--role api|a2a` serves only one of them (to scale the agents apart from the
// API); `isa serve-a2a` is `isa serve --role a2a` on port 8090. ISA_AGENT_URLS (`docs=URL,dev=URL`, checked at start)
// makes root delegate its answers to remote agents with the caller's token. Models load in the background so
// /healthz answers at once and /readyz turns 200 when they are in; SIGINT/SIGTERM shut down gracefully.
import type { AgentBackend, AgentId, LeafAgentId } from "@isa/agents";
import { authenticatorFromConfig } from "@isa/auth";
import { AppError, loadConfig } from "@isa/core";
import { createRuntime } from "@isa/engine";
import { defaultLogger, startServer } from "@isa/server";
import { intOption, parse } from "./args.js";

/** In-flight answers get this long to finish after SIGTERM (Kubernetes' default grace period is 30 s). */
const SHUTDOWN_DEADLINE_MS = 20_000;
/** `isa serve-a2a`'s default port: next to the API's 8080. */
const DEFAULT_A2A_PORT = 8090;

const ROLES = {
  all: { api: true, a2a: true },
  api: { api: true, a2a: false },
  a2a: { api: false, a2a: true },
} as const;

export async function serveCommand(argv: readonly string[], defaults: { role?: keyof typeof ROLES } = {}) {
  const { values } = parse(argv, {
    port: { type: "string" },
    host: { type: "string" },
    role: { type: "string" },
    "public-url": { type: "string" },
  });
  const roleName = values.role ?? defaults.role ?? "all";
  if (!(roleName in ROLES))
    throw new AppError("INPUT_INVALID", `--role must be all, api or a2a, got "${roleName}".`);
  const roles = ROLES[roleName as keyof typeof ROLES];
  const config = loadConfig();
  const port =
    intOption(values.port, "port", 0, 65535) ??
    (defaults.role === "a2a" && !values.role ? DEFAULT_A2A_PORT : config.server.port);
  const host = values.host ?? config.server.host;
  const logger = defaultLogger(config);
  const authenticator = authenticatorFromConfig(config);
  if (!config.auth.tokensFile && !config.auth.oidc) {
    logger.warn("neither ISA_TOKENS_FILE nor ISA_OIDC_* is set: every request will be refused (401)");
  }
  const runtime = createRuntime(config);
  // The agents package (not ADK: that loads on the first question, or during warm-up below) only when serving A2A.
  let backends: Readonly<Record<AgentId, AgentBackend>> | undefined;
  if (roles.a2a) {
    const { createInProcessAgents, createRemoteAgent, parseAgentUrls } = await import("@isa/agents");
    const delegates: Partial<Record<LeafAgentId, AgentBackend>> = {};
    for (const [id, url] of Object.entries(parseAgentUrls(config.agents.urls)) as [LeafAgentId, string][]) {
      delegates[id] = createRemoteAgent(id, url);
      logger.info({ agent: id, url }, "root delegates to a remote agent");
    }
    backends = createInProcessAgents(runtime, delegates, { logger });
  }
  const server = await startServer(
    config,
    {
      runtime,
      authenticator,
      logger,
      roles,
      a2a: {
        ...(backends ? { backends } : {}),
        ...(values["public-url"] ? { publicUrl: values["public-url"].replace(/\/+$/, "") } : {}),
      },
    },
    { host, port },
  );
  logger.info({ url: server.url, role: roleName }, "isa listening");
  if (roles.a2a) {
    const base = values["public-url"]?.replace(/\/+$/, "") ?? server.url;
    for (const id of ["docs", "dev", "root"])
      logger.info({ agent: id, card: `${base}/agents/${id}/.well-known/agent-card.json` }, "A2A agent");
  }
  // Warm up: the first question should not pay for model loading. Failures surface in /readyz and on use. The LLM
  // is warmed only where it answers (extractive answers with score routing never load one).
  const usesModel = config.llm.answerMode !== "extractive" || (roles.a2a && config.agents.router === "llm");
  void Promise.all([
    runtime.store(),
    runtime.answerer(),
    ...(usesModel ? [runtime.llm()] : []),
    ...(roles.a2a ? [import("@isa/agents/adk")] : []),
  ]).then(
    () => logger.info("models loaded; ready"),
    (err: unknown) => logger.error({ err }, "warm-up failed; /readyz reports the failing part"),
  );
  await new Promise<void>((resolve) => {
    let signals = 0;
    // The handlers stay installed until the process exits: node-llama-cpp's dependencies use signal-exit, which
    // re-raises a signal (killing the process mid-shutdown) once it sees only its own listeners left.
    const onSignal = (signal: string) => {
      signals++;
      if (signals === 1) {
        logger.info(
          { signal },
          "shutting down; in-flight answers may finish (send the signal again to force)",
        );
        resolve();
        return;
      }
      logger.warn({ signal }, "forced exit");
      process.exit(1);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  await server.close({ deadlineMs: SHUTDOWN_DEADLINE_MS });
  await runtime.close();
  logger.info("stopped");
}
