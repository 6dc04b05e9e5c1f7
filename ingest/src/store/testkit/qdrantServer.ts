// A throwaway Qdrant server for tests and benches: the binary from `../shared/qdrant/` (or $ISA_QDRANT_BIN) on a
// free 127.0.0.1 port with a temp storage dir, stopped by its pid. `qdrantPrerequisite()` says whether the binary
// is there, so a suite can fail in CI (CI=true) and skip elsewhere with a printed reason.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's `../shared/qdrant/qdrant` (this file is ingest/src/store/testkit/qdrantServer.ts). */
const DEFAULT_BIN = fileURLToPath(new URL("../../../../../shared/qdrant/qdrant", import.meta.url));
const READY_TIMEOUT_MS = 30_000;

export interface TestQdrant {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly storageDir: string;
  /** Stop the server (SIGTERM, then SIGKILL) and delete its storage. */
  stop(): Promise<void>;
}

/** The binary to run: $ISA_QDRANT_BIN, else the shared build beside the repository. */
export function qdrantBinary(): string {
  return process.env.ISA_QDRANT_BIN || DEFAULT_BIN;
}

/** undefined when the binary is there and executable, else why not (a sentence naming the fix). */
export function qdrantPrerequisite(): string | undefined {
  const bin = qdrantBinary();
  try {
    accessSync(bin, constants.X_OK);
    return undefined;
  } catch {
    return (
      `The Qdrant server binary was not found at ${bin} (or is not executable). The Qdrant tests need it: ` +
      "put the build from ../shared/qdrant/ there (see its README) or set ISA_QDRANT_BIN to a qdrant 1.18 binary."
    );
  }
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

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

/** Start a fresh Qdrant; resolves once `/readyz` answers 200. */
export async function startTestQdrant(opts: { readonly log?: boolean } = {}): Promise<TestQdrant> {
  const missing = qdrantPrerequisite();
  if (missing) throw new Error(missing);
  const storageDir = mkdtempSync(path.join(tmpdir(), "isa-qdrant-"));
  const port = await freePort();
  const grpcPort = await freePort();
  const child = spawn(qdrantBinary(), [], {
    cwd: storageDir,
    env: {
      ...process.env,
      QDRANT__SERVICE__HOST: "127.0.0.1",
      QDRANT__SERVICE__HTTP_PORT: String(port),
      QDRANT__SERVICE__GRPC_PORT: String(grpcPort),
      QDRANT__STORAGE__STORAGE_PATH: path.join(storageDir, "storage"),
      QDRANT__STORAGE__SNAPSHOTS_PATH: path.join(storageDir, "snapshots"),
      QDRANT__TELEMETRY_DISABLED: "true",
      QDRANT__LOG_LEVEL: "WARN",
    },
    stdio: ["ignore", opts.log ? "inherit" : "ignore", opts.log ? "inherit" : "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited(child);
      clearTimeout(timer);
    }
    rmSync(storageDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`Qdrant exited before it was ready (code ${child.exitCode}): ${stderr.trim()}`);
    }
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Qdrant did not become ready within ${READY_TIMEOUT_MS} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, storageDir, stop };
}
