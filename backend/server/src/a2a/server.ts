// An A2A-only server: the API's fastify app with only the A2A role (same auth, rate limit, errors, logs and
// shutdown as `isa serve`), for tests and for scaling the agents apart from the API (`isa serve --role a2a`).
import type { Authenticator } from "@isa/auth";
import type { Config } from "@isa/core";
import type { Runtime } from "@isa/engine";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { pino } from "pino";
import type { A2aOptions } from "../api/app.js";
import { startServer } from "../api/server.js";

export interface A2aDeps extends A2aOptions {
  readonly runtime: Runtime;
  readonly authenticator: Authenticator;
  readonly logger?: Logger;
}

export interface RunningA2aServer {
  /** The address it listens on, e.g. `http://127.0.0.1:8090`. */
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export interface A2aStartOptions {
  readonly host: string;
  readonly port: number;
  /** Advertised base URL (behind a proxy); default `http://<host>:<bound port>`. */
  readonly publicUrl?: string;
}

export async function startA2aServer(
  config: Config,
  deps: A2aDeps,
  opts: A2aStartOptions,
): Promise<RunningA2aServer> {
  const { runtime, authenticator, logger, publicUrl: _ignored, ...a2a } = deps;
  const running = await startServer(
    config,
    {
      runtime,
      authenticator,
      // No logger given: silent, as the A2A server was before it shared the API's stack (tests start dozens).
      logger: logger ?? pino({ level: "silent" }),
      roles: { api: false, a2a: true },
      a2a: { ...a2a, ...(opts.publicUrl ? { publicUrl: opts.publicUrl.replace(/\/+$/, "") } : {}) },
    },
    { host: opts.host, port: opts.port },
  );
  return { url: running.url, app: running.app, close: () => running.close({ deadlineMs: 2_000 }) };
}
