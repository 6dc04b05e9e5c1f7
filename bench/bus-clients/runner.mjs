// One Kafka client's figures against a running broker, printed as one JSON line (bench/bus-clients.mjs drives it,
// once per client, under the Node version the client needs). The same workload for every client:
//   produce   --records values of --size bytes, in sends of 500, idempotent producer, acks from all replicas
//   consume   a new group reading them from the beginning (records/s from the first record to the last)
//   roundtrip --roundtrips sequential single-record sends, each timed until the consumer's handler has it
//   rebalance a second member joins a group whose first member is busy: time until it handles its first record
// Topics are created beforehand by the driver (rt: 1 partition; data and rb: 4).
//
// Usage: node runner.mjs --client kafkajs|confluent|platformatic --brokers H:P --topic-prefix P [--modules DIR]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values: a } = parseArgs({
  options: {
    client: { type: "string" },
    brokers: { type: "string" },
    "topic-prefix": { type: "string" },
    modules: { type: "string" },
    records: { type: "string", default: "20000" },
    size: { type: "string", default: "256" },
    roundtrips: { type: "string", default: "300" },
  },
});
const brokers = [a.brokers];
const prefix = a["topic-prefix"];
const N = Number(a.records);
const SIZE = Number(a.size);
const RT = Number(a.roundtrips);

/** Resolves a package from the workspace or from --modules. */
async function load(pkg) {
  const bases = [a.modules, import.meta.dirname].filter(Boolean).map((d) => `${d}/`);
  for (const base of bases) {
    try {
      const req = createRequire(base);
      const resolved = req.resolve(pkg);
      // Read package.json from disk: a package whose `exports` omits it cannot be required by name.
      const root = resolved.slice(
        0,
        resolved.lastIndexOf(`/node_modules/${pkg}/`) + `/node_modules/${pkg}/`.length,
      );
      const version = JSON.parse(readFileSync(`${root}package.json`, "utf8")).version;
      return { mod: await import(pathToFileURL(resolved).href), version };
    } catch {}
  }
  throw new Error(`${pkg} is not installed (bench/bus-clients/install.sh)`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs, q) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Adapters: producer() → {send(topic, msgs), close}; consumer(group, topic, fromBeginning, onMessage) → {close}. */
async function kafkajsAdapter() {
  const { mod, version } = await load("kafkajs");
  const { Kafka, logLevel, Partitioners } = mod.default ?? mod;
  const kafka = new Kafka({ clientId: "bench", brokers, logLevel: logLevel.NOTHING });
  return {
    name: "kafkajs",
    version,
    async producer() {
      const p = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await p.connect();
      return {
        send: (topic, messages) => p.send({ topic, acks: -1, messages }),
        close: () => p.disconnect(),
      };
    },
    async consumer(groupId, topic, fromBeginning, onMessage) {
      const c = kafka.consumer({ groupId, maxWaitTimeInMs: 1000 });
      await c.connect();
      await c.subscribe({ topics: [topic], fromBeginning });
      await c.run({ eachMessage: async ({ message }) => onMessage(message.value.toString()) });
      return { close: () => c.disconnect() };
    },
  };
}

async function confluentAdapter() {
  const { mod, version } = await load("@confluentinc/kafka-javascript");
  const { Kafka, logLevel } = (mod.default ?? mod).KafkaJS;
  const kafka = new Kafka({ kafkaJS: { clientId: "bench", brokers, logLevel: logLevel.NOTHING } });
  return {
    name: "@confluentinc/kafka-javascript",
    version,
    async producer() {
      const p = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 } });
      await p.connect();
      return { send: (topic, messages) => p.send({ topic, messages }), close: () => p.disconnect() };
    },
    async consumer(groupId, topic, fromBeginning, onMessage) {
      const c = kafka.consumer({ kafkaJS: { groupId, fromBeginning, autoCommit: true } });
      await c.connect();
      await c.subscribe({ topics: [topic] });
      await c.run({ eachMessage: async ({ message }) => onMessage(message.value.toString()) });
      return { close: () => c.disconnect() };
    },
  };
}

async function platformaticAdapter() {
  const { mod, version } = await load("@platformatic/kafka");
  const { Producer, Consumer, stringSerializers, stringDeserializers } = mod;
  return {
    name: "@platformatic/kafka",
    version,
    async producer() {
      const p = new Producer({
        clientId: "bench",
        bootstrapBrokers: brokers,
        serializers: stringSerializers,
        idempotent: true,
        acks: -1,
      });
      return {
        send: (topic, messages) =>
          p.send({ messages: messages.map((m) => ({ topic, key: m.key, value: m.value })) }),
        close: () => p.close(),
      };
    },
    async consumer(groupId, topic, fromBeginning, onMessage) {
      const c = new Consumer({
        clientId: "bench",
        groupId,
        bootstrapBrokers: brokers,
        deserializers: stringDeserializers,
      });
      const stream = await c.consume({
        topics: [topic],
        mode: fromBeginning ? "earliest" : "latest",
        autocommit: true,
        maxWaitTime: 1000,
      });
      stream.on("data", (m) => onMessage(m.value));
      return {
        close: async () => {
          await stream.close();
          await c.close();
        },
      };
    },
  };
}

const adapters = { kafkajs: kafkajsAdapter, confluent: confluentAdapter, platformatic: platformaticAdapter };
const make = adapters[a.client];
if (!make) throw new Error(`--client must be one of ${Object.keys(adapters).join(", ")}`);

const out = { client: a.client, node: process.version };
try {
  const c = await make();
  out.name = c.name;
  out.version = c.version;
  const payload = "x".repeat(SIZE);

  // Idempotent producer + produce throughput.
  let producer;
  try {
    producer = await c.producer();
    await producer.send(`${prefix}rt`, [{ key: "probe", value: "probe" }]);
    out.idempotent = "yes";
  } catch (err) {
    out.idempotent = `no: ${err.message}`;
    throw err;
  }
  const data = `${prefix}data`;
  const t0 = performance.now();
  for (let i = 0; i < N; i += 500) {
    await producer.send(
      data,
      Array.from({ length: Math.min(500, N - i) }, (_, j) => ({ key: `k${(i + j) % 64}`, value: payload })),
    );
  }
  out.produceRecPerS = Math.round(N / ((performance.now() - t0) / 1000));

  // Consume throughput: a new group from the beginning.
  {
    let got = 0;
    let first = 0;
    let last = 0;
    let done;
    const all = new Promise((r) => {
      done = r;
    });
    const cons = await c.consumer(`bench-consume-${Date.now()}`, data, true, () => {
      if (got === 0) first = performance.now();
      got++;
      if (got === N) {
        last = performance.now();
        done();
      }
    });
    await all;
    out.consumeRecPerS = Math.round(N / ((last - first) / 1000));
    await cons.close();
  }

  // Round trip: one record at a time, timed from send() until the handler has it.
  {
    const rt = `${prefix}rt`;
    const waiters = new Map();
    const cons = await c.consumer(`bench-rt-${Date.now()}`, rt, false, (value) => {
      waiters.get(value)?.();
    });
    const once = async (value, timeoutMs) => {
      const seen = new Promise((r) => waiters.set(value, r));
      const start = performance.now();
      await producer.send(rt, [{ key: "rt", value }]);
      const ok = await Promise.race([seen.then(() => true), sleep(timeoutMs).then(() => false)]);
      waiters.delete(value);
      return ok ? performance.now() - start : undefined;
    };
    // Warm up until the member is assigned and fetching (records sent before that are not delivered: latest).
    let warm = 0;
    for (let i = 0; warm < 20 && i < 400; i++) if ((await once(`warm-${i}`, 250)) !== undefined) warm++;
    const lat = [];
    for (let i = 0; i < RT; i++) {
      const ms = await once(`rt-${i}`, 10_000);
      if (ms === undefined) throw new Error(`round trip ${i} lost`);
      lat.push(ms);
    }
    out.rtP50Ms = Number(quantile(lat, 0.5).toFixed(2));
    out.rtP95Ms = Number(quantile(lat, 0.95).toFixed(2));
    await cons.close();
  }

  // Rebalance: B joins a group whose member A is handling a steady trickle; time until B handles a record.
  {
    const rb = `${prefix}rb`;
    const group = `bench-rb-${Date.now()}`;
    let aGot = 0;
    const consA = await c.consumer(group, rb, false, () => {
      aGot++;
    });
    let stop = false;
    let seq = 0;
    const trickle = (async () => {
      while (!stop) {
        await producer.send(
          rb,
          Array.from({ length: 8 }, (_, j) => ({ key: `p${j}`, value: String(seq++) })),
        );
        await sleep(20);
      }
    })();
    while (aGot === 0) await sleep(20);
    let firstB;
    const bStart = performance.now();
    const gotB = new Promise((r) => {
      firstB = r;
    });
    const consB = await c.consumer(group, rb, false, () => firstB(performance.now()));
    const bFirst = await Promise.race([gotB, sleep(120_000).then(() => undefined)]);
    out.rebalanceMs = bFirst === undefined ? "no record in 120 s" : Math.round(bFirst - bStart);
    stop = true;
    await trickle;
    await Promise.all([consA.close(), consB.close()]);
  }
  await producer.close();
} catch (err) {
  out.error = err?.message ?? String(err);
}
console.log(JSON.stringify(out));
process.exit(0);
