// A real MLflow tracking server for tests: `mlflow server` from the cached venv of scripts/install-mlflow.sh, on
// 127.0.0.1 with a free port, a SQLite backend store (OTLP trace ingestion needs a SQL store) and proxied
// artifacts in a temp dir. `stop()` kills it (SIGTERM, then SIGKILL) and `start()` brings it back on the same port
// and data, for outage tests. Startup runs the store's migrations: ~15 s on a 2-core machine.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The MLflow version scripts/install-mlflow.sh pins (keep the two in step). */
export const MLFLOW_VERSION = process.env.ISA_MLFLOW_VERSION ?? "3.17.2";

const installScript = fileURLToPath(new URL("../../../../scripts/install-mlflow.sh", import.meta.url));

export interface TestMlflow {
  /** `http://127.0.0.1:<port>` (the MLFLOW_TRACKING_URI value). */
  readonly uri: string;
  readonly port: number;
  readonly dir: string;
  /** Kill the server (an outage); resolves when the port no longer answers. */
  stop(): Promise<void>;
  /** Start it again on the same port and store; resolves when /health answers. */
  start(): Promise<void>;
  /** Stop it and delete its store. */
  destroy(): Promise<void>;
}

/** The `mlflow` executable of the cached venv, if installed. */
export function mlflowExecutable(): string {
  const cache = process.env.ISA_MLFLOW_CACHE ?? path.join(homedir(), ".cache", "isa-mlflow");
  return path.join(cache, MLFLOW_VERSION, "bin", "mlflow");
}

/** Why an MLflow server cannot start here, or undefined. */
export function mlflowPrerequisiteMissing(): string | undefined {
  const exe = mlflowExecutable();
  const cache = path.dirname(path.dirname(exe));
  if (!existsSync(exe) || !existsSync(path.join(cache, ".complete"))) {
    return `MLflow ${MLFLOW_VERSION} is not installed at ${exe}: run \`bash ${path.relative(process.cwd(), installScript)}\` (pip install mlflow==${MLFLOW_VERSION} into a cached venv; scripts/test.sh does this)`;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function healthy(uri: string): Promise<boolean> {
  try {
    const r = await fetch(`${uri}/health`, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  } catch {
    return false;
  }
}

export async function startTestMlflow(opts: { readonly startTimeoutMs?: number } = {}): Promise<TestMlflow> {
  const missing = mlflowPrerequisiteMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(path.join(tmpdir(), "isa-mlflow-"));
  const port = await freePort();
  const uri = `http://127.0.0.1:${port}`;
  const startTimeoutMs = opts.startTimeoutMs ?? 120_000;
  let child: ChildProcess | undefined;
  let output = "";

  async function start(): Promise<void> {
    output = "";
    const proc = spawn(
      mlflowExecutable(),
      [
        "server",
        "--backend-store-uri",
        `sqlite:///${path.join(dir, "mlflow.db")}`,
        "--serve-artifacts",
        "--artifacts-destination",
        path.join(dir, "artifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--workers",
        "1",
      ],
      {
        cwd: dir,
        // Its own process group, so stop() ends the server and the workers it forks.
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          MLFLOW_ENABLE_TELEMETRY: "false",
          DO_NOT_TRACK: "true",
          PYTHONUNBUFFERED: "1",
        },
      },
    );
    child = proc;
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-4000);
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    const t0 = Date.now();
    while (!(await healthy(uri))) {
      if (proc.exitCode !== null) throw new Error(`mlflow server exited (${proc.exitCode}):\n${output}`);
      if (Date.now() - t0 > startTimeoutMs) {
        await stop();
        throw new Error(`mlflow server did not answer /health within ${startTimeoutMs} ms:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.pid === undefined) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    try {
      process.kill(-proc.pid, "SIGTERM");
    } catch {
      // already gone
    }
    const killer = setTimeout(() => {
      try {
        if (proc.pid !== undefined) process.kill(-proc.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(killer);
    // Workers may outlive the parent for a moment: wait until the port stops answering.
    for (let i = 0; i < 100 && (await healthy(uri)); i++) await new Promise((r) => setTimeout(r, 100));
  }

  await start();
  return {
    uri,
    port,
    dir,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
