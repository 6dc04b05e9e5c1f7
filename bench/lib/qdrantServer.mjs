// A throwaway Qdrant for benches: QDRANT_URL when set, else the shared build (../shared/qdrant/qdrant or
// $ISA_QDRANT_BIN) on a free 127.0.0.1 port with a temp storage dir, stopped (and its storage removed) by stop().
import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const repo = path.resolve(import.meta.dirname, "../..");

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** @returns {Promise<{url: string, apiKey?: string, storageDir?: string, stop: () => Promise<void>}>} */
export async function startBenchQdrant() {
  if (process.env.QDRANT_URL) {
    return { url: process.env.QDRANT_URL, apiKey: process.env.QDRANT_API_KEY, stop: async () => {} };
  }
  const bin = process.env.ISA_QDRANT_BIN || path.join(repo, "../shared/qdrant/qdrant");
  accessSync(bin, constants.X_OK);
  const storageDir = mkdtempSync(path.join(process.env.ISA_BENCH_TMP ?? tmpdir(), "isa-bench-qdrant-"));
  const port = await freePort();
  const child = spawn(bin, [], {
    cwd: storageDir,
    env: {
      ...process.env,
      QDRANT__SERVICE__HOST: "127.0.0.1",
      QDRANT__SERVICE__HTTP_PORT: String(port),
      QDRANT__SERVICE__GRPC_PORT: String(await freePort()),
      QDRANT__SERVICE__MAX_REQUEST_SIZE_MB: "256",
      QDRANT__STORAGE__STORAGE_PATH: path.join(storageDir, "storage"),
      QDRANT__STORAGE__SNAPSHOTS_PATH: path.join(storageDir, "snapshots"),
      QDRANT__TELEMETRY_DISABLED: "true",
      QDRANT__LOG_LEVEL: "WARN",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const done = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await done;
      clearTimeout(t);
    }
    rmSync(storageDir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`qdrant exited (${child.exitCode})`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {}
    if (i > 300) {
      await stop();
      throw new Error("qdrant not ready after 30 s");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, storageDir, stop, pid: child.pid };
}

/** Resident memory (MiB) of a pid from /proc, or undefined. */
export async function rssMiB(pid) {
  if (!pid) return undefined;
  try {
    const { readFileSync } = await import("node:fs");
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
