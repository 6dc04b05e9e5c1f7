// A real Apache Kafka 4.x broker (KRaft, one JVM) for tests, through scripts/kafka-broker.sh: started on 127.0.0.1
// with free ports and a temp data dir; `kill()` ends it with SIGKILL (a crash: nothing flushed, no controlled
// shutdown) and `restart()` brings the same broker back on the same ports with the same data, for fault tests.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { KafkaConfig } from "@isa/core";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../../../../scripts/kafka-broker.sh", import.meta.url));

export interface KafkaBroker {
  /** `127.0.0.1:PORT` (the KAFKA_BROKERS value). */
  readonly brokers: string;
  readonly port: number;
  readonly dir: string;
  /** The JVM's pid (changes on restart). */
  readonly pid: number;
  /** A KafkaConfig for createKafkaBus / ensureTopics. */
  readonly config: KafkaConfig;
  /** SIGKILL the broker and wait until it is gone. */
  kill(): Promise<void>;
  /** Start the broker again from its data dir, on the same ports; resolves when it is ready. */
  restart(): Promise<void>;
  /** End the broker (SIGKILL) and delete its data. */
  stop(): Promise<void>;
}

/** Why a broker cannot start here (no Java, no Maven and no way to install it), or undefined. */
export function kafkaPrerequisiteMissing(): string | undefined {
  try {
    execFileSync("java", ["-version"], { stdio: "ignore" });
  } catch {
    return "java (17+) is not installed: the Kafka tests need it to run a broker (apt-get install openjdk-17-jre-headless)";
  }
  if (!existsSync(script)) return `${script} is missing`;
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] !== "Z";
  } catch {
    return false;
  }
}

interface Started {
  brokers: string;
  dir: string;
  pid: number;
}

async function startScript(args: readonly string[]): Promise<Started> {
  let stdout: string;
  try {
    ({ stdout } = await run("bash", [script, "start", ...args], { timeout: 240_000, maxBuffer: 1 << 20 }));
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kafka-broker.sh start failed: ${e.stderr?.trim() || e.message}`);
  }
  const vars = Object.fromEntries(
    stdout
      .split("\n")
      .map((l) => l.match(/^(KAFKA_[A-Z_]+)=(.*)$/))
      .flatMap((m) => (m ? [[m[1], m[2]]] : [])),
  );
  const brokers = vars.KAFKA_BROKERS;
  const dir = vars.KAFKA_BROKER_DIR;
  const pid = Number(vars.KAFKA_BROKER_PID);
  if (!brokers || !dir || !Number.isInteger(pid)) throw new Error(`kafka-broker.sh start printed: ${stdout}`);
  return { brokers, dir, pid };
}

export async function startKafkaBroker(): Promise<KafkaBroker> {
  let s = await startScript(["--dir", mkdtempSync(join(tmpdir(), "isa-kafka-test-"))]);
  const port = Number(s.brokers.split(":")[1]);
  const broker: KafkaBroker = {
    get brokers() {
      return s.brokers;
    },
    port,
    get dir() {
      return s.dir;
    },
    get pid() {
      return s.pid;
    },
    config: { brokers: [s.brokers], clientId: "isa-test", sasl: undefined, ssl: undefined },
    async kill() {
      if (alive(s.pid)) process.kill(s.pid, "SIGKILL");
      while (alive(s.pid)) await new Promise((r) => setTimeout(r, 50));
    },
    async restart() {
      if (alive(s.pid)) throw new Error("restart: the broker is still running (kill or stop it first)");
      s = await startScript(["--dir", s.dir, "--port", String(port)]);
    },
    async stop() {
      // A test broker's data is thrown away: no controlled shutdown (which takes seconds), just kill and delete.
      await broker.kill();
      rmSync(s.dir, { recursive: true, force: true });
    },
  };
  return broker;
}
