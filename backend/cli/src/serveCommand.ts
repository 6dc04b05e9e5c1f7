// `isa serve`: the HTTP API over the index `isa ingest` built, in one process (embedded defaults). Models load in
// the background so /healthz answers at once and /readyz turns 200 when they are in; SIGINT/SIGTERM shut down
// gracefully.

import { authenticatorFromConfig } from "@isa/auth";
import { loadConfig } from "@isa/core";
import { createRuntime } from "@isa/engine";
import { defaultLogger, startServer } from "@isa/server";
import { intOption, parse } from "./args.js";

/** In-flight answers get this long to finish after SIGTERM (Kubernetes' default grace period is 30 s). */
const SHUTDOWN_DEADLINE_MS = 20_000;

export async function serveCommand(argv: readonly string[]): Promise<void> {
  const { values } = parse(argv, { port: { type: "string" }, host: { type: "string" } });
  const config = loadConfig();
  const port = intOption(values.port, "port", 0, 65535) ?? config.server.port;
  const host = values.host ?? config.server.host;
  const logger = defaultLogger(config);
  const authenticator = authenticatorFromConfig(config);
  if (!config.auth.tokensFile && !config.auth.oidc) {
    logger.warn("neither ISA_TOKENS_FILE nor ISA_OIDC_* is set: every /v1 request will be refused (401)");
  }
  const runtime = createRuntime(config);
  const server = await startServer(config, { runtime, authenticator, logger }, { host, port });
  logger.info({ url: server.url }, "isa API listening");
  // Warm up: the first question should not pay for model loading. Failures surface in /readyz and on use.
  void Promise.all([runtime.store(), runtime.answerer()]).then(
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
