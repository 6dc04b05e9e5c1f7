// Listening and graceful shutdown. Shutdown stops taking requests, lets in-flight answers finish until a deadline,
// then aborts the rest (their streams end with an `error` event SHUTTING_DOWN) and closes what is left.
import type { Config } from "@isa/core";
import { AppError } from "@isa/core";
import type { FastifyInstance } from "fastify";
import type { AppDeps } from "./app.js";
import { apiContextOf, buildApp } from "./app.js";

export interface ShutdownOptions {
  /** How long in-flight answers may keep going (default 10 s). */
  readonly deadlineMs?: number;
  /** After aborting, how long streams get to send their last event before sockets are cut (default 1 s). */
  readonly graceMs?: number;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  /** `http://host:port` actually bound (port 0 → the chosen port). */
  readonly url: string;
  close(opts?: ShutdownOptions): Promise<void>;
}

const sleep = (ms: number) =>
  new Promise<"timeout">((resolve) => {
    setTimeout(() => resolve("timeout"), ms).unref();
  });

/** Gracefully close an app built by buildApp (it does not close the runtime: its owner does). */
export async function shutdown(app: FastifyInstance, opts: ShutdownOptions = {}): Promise<void> {
  const ctx = apiContextOf(app);
  ctx.closing = true;
  const closed = app.close();
  // close() only drops connections idle at that moment. A keep-alive connection whose stream ends later, or one a
  // client opened and never used, would hold shutdown open until a socket timeout: once no request is in
  // progress, every remaining connection is idle by definition and is closed.
  const sweeper = setInterval(() => {
    if (ctx.activeRequests === 0) app.server.closeAllConnections();
    else app.server.closeIdleConnections();
  }, 50);
  try {
    await drain(app, closed, opts);
  } finally {
    clearInterval(sweeper);
  }
}

async function drain(app: FastifyInstance, closed: Promise<undefined>, opts: ShutdownOptions): Promise<void> {
  const ctx = apiContextOf(app);
  if (
    (await Promise.race([closed.then(() => "closed" as const), sleep(opts.deadlineMs ?? 10_000)])) ===
    "closed"
  )
    return;
  app.log.warn({ inflight: ctx.inflight.size }, "shutdown deadline reached; aborting in-flight answers");
  for (const c of ctx.inflight) c.abort(new AppError("SHUTTING_DOWN"));
  if ((await Promise.race([closed.then(() => "closed" as const), sleep(opts.graceMs ?? 1000)])) === "closed")
    return;
  app.server.closeAllConnections();
  await closed;
}

export interface StartOptions {
  readonly host?: string;
  readonly port?: number;
}

/** Build the app and listen on `host:port` (default from config.server). */
export async function startServer(
  config: Config,
  deps: AppDeps,
  opts: StartOptions = {},
): Promise<RunningServer> {
  const app = buildApp(config, deps);
  const address = await app.listen({
    host: opts.host ?? config.server.host,
    port: opts.port ?? config.server.port,
  });
  apiContextOf(app).baseUrl = address;
  return { app, url: address, close: (o) => shutdown(app, o) };
}
