// A throwaway PostgreSQL cluster for tests: initdb into a temp dir, a free port on 127.0.0.1 and the unix socket in
// the same dir, trust auth, fsync off. PostgreSQL refuses to run as root, so under root the server runs as the
// `postgres` system user (runuser) and the dir is handed to it. Missing binaries fail with how to install them:
// the tests that need PostgreSQL run it for real rather than skip.
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface TestPostgres {
  /** `postgres://isa@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  /** Stop the server (`immediate`: like a crash or a killed host; the default `fast` closes sessions cleanly). */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Start it again on the same data directory and port. */
  start(): Promise<void>;
  /** Stop it and delete its directory. */
  destroy(): Promise<void>;
}

/** Where initdb and pg_ctl are: $ISA_PG_BIN, Debian's /usr/lib/postgresql/<newest>/bin, or the PATH. */
export function findPostgresBin(): string {
  const fromEnv = process.env.ISA_PG_BIN;
  if (fromEnv && existsSync(path.join(fromEnv, "pg_ctl"))) return fromEnv;
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(path.join(debian, v, "bin", "pg_ctl")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(debian, versions[0], "bin");
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, "pg_ctl")) && existsSync(path.join(dir, "initdb"))) return dir;
  }
  throw new Error(
    "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them (Debian/Ubuntu: " +
      "`apt-get install -y postgresql`; scripts/test.sh does this when it can) or set ISA_PG_BIN to their directory.",
  );
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

async function systemUser(name: string): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run("id", ["-u", name])).stdout.trim());
  const gid = Number((await run("id", ["-g", name])).stdout.trim());
  return { uid, gid };
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const dir = mkdtempSync(path.join(tmpdir(), "isa-pg-"));
  const data = path.join(dir, "data");
  const log = path.join(dir, "server.log");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    let owner: { uid: number; gid: number };
    try {
      owner = await systemUser("postgres");
    } catch {
      throw new Error(
        "Running as root, and PostgreSQL refuses to: a `postgres` system user is needed to run the test server " +
          "(the Debian `postgresql` package creates it).",
      );
    }
    chownSync(dir, owner.uid, owner.gid);
  }
  const pg = (tool: string, args: readonly string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args])
      : run(path.join(bin, tool), [...args]);

  await pg("initdb", [
    "-D",
    data,
    "-U",
    "isa",
    "--auth=trust",
    "-E",
    "UTF8",
    "--no-sync",
    "--no-instructions",
  ]);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
  ].join(" ");
  const start = async () => {
    await pg("pg_ctl", ["-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start"]);
  };
  const stop = async (mode: "fast" | "immediate" = "fast") => {
    await pg("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
  };
  try {
    await start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let running = true;
  return {
    url: `postgres://isa@127.0.0.1:${port}/postgres`,
    port,
    async stop(mode) {
      await stop(mode);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      if (running) await stop("immediate").catch(() => {});
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
