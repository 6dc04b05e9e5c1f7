// The Kafka adapter against a real Apache Kafka 4.x broker (KRaft) started by the test: the Bus conformance suite,
// the topic admin, and a broker crash (SIGKILL) and restart with a consumer running.
import { randomUUID } from "node:crypto";
import type { BusMessage } from "@isa/core";
import { concreteTopics, partitionForKey, TOPIC_TABLE } from "@isa/core";
import { describeBusConformance } from "@isa/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaClient } from "./client.js";
import { createKafkaBus } from "./kafkaBus.js";
import type { KafkaBroker } from "./testkit/broker.js";
import { kafkaPrerequisiteMissing, startKafkaBroker } from "./testkit/broker.js";
import { ensureTopics } from "./topicAdmin.js";

const missing = kafkaPrerequisiteMissing();
const HOUR = 3_600_000;

async function until(cond: () => boolean, what: string, boundMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > boundMs) throw new Error(`still waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

if (missing && process.env.CI) {
  describe("Kafka adapter", () => {
    it("needs a Kafka broker", () => {
      throw new Error(`prerequisite missing: ${missing}`);
    });
  });
} else if (missing) {
  console.warn(`skipping the Kafka tests: ${missing}`);
  describe.skip("Kafka adapter", () => {
    it("needs a Kafka broker", () => {});
  });
} else {
  let broker: KafkaBroker | undefined;
  const b = (): KafkaBroker => {
    if (!broker) throw new Error("the broker did not start");
    return broker;
  };
  // Fast failover for tests; 6 s is the broker's minimum session timeout.
  const busOptions = { consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 } };

  beforeAll(async () => {
    broker = await startKafkaBroker();
  }, 240_000);
  afterAll(async () => {
    await broker?.stop();
  });

  describeBusConformance("Kafka (kafkajs, Apache Kafka 4 broker)", () => ({
    async createTopic(topic, partitions) {
      await ensureTopics(b().config, {
        topics: [{ name: topic, partitions, retentionMs: HOUR, role: "base" }],
      });
    },
    async open() {
      return createKafkaBus(b().config, busOptions);
    },
  }));

  describe("topic admin", () => {
    it("creates the table's topics with their partitions and retention; a second run changes nothing", async () => {
      const prefix = `t${randomUUID().slice(0, 6)}.`;
      const topics = concreteTopics(TOPIC_TABLE, prefix);
      const first = await ensureTopics(b().config, { topics });
      expect([...first.created].sort()).toEqual(topics.map((t) => t.name).sort());
      const second = await ensureTopics(b().config, { topics });
      expect(second.created).toEqual([]);
      expect(second.partitionsAdded).toEqual([]);
      expect(second.retentionSet).toEqual([]);
      expect(second.unchanged).toHaveLength(topics.length);

      const admin = createKafkaClient(b().config).admin();
      await admin.connect();
      try {
        const meta = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
        for (const t of topics) {
          expect(meta.topics.find((m) => m.name === t.name)?.partitions).toHaveLength(t.partitions);
        }
        const tasks = `${prefix}tasks.docs`;
        const cfg = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: 2, name: tasks, configNames: ["retention.ms"] }],
        });
        expect(cfg.resources[0]?.configEntries[0]?.configValue).toBe(String(7 * 24 * HOUR));
      } finally {
        await admin.disconnect();
      }

      // Drift is repaired: more partitions and the table's retention.
      const grown = topics.map((t) =>
        t.name === `${prefix}audit` ? { ...t, partitions: t.partitions + 2 } : t,
      );
      const shorter = grown.map((t) => (t.name === `${prefix}mcp.req` ? { ...t, retentionMs: HOUR } : t));
      const third = await ensureTopics(b().config, { topics: shorter });
      expect(third.partitionsAdded).toEqual([`${prefix}audit`]);
      expect(third.retentionSet).toEqual([`${prefix}mcp.req`]);
    });

    it("puts a key on the partition core's in-process bus computes (Kafka's murmur2 partitioner)", async () => {
      const t = `partitioner.${randomUUID().slice(0, 8)}`;
      await ensureTopics(b().config, {
        topics: [{ name: t, partitions: 12, retentionMs: HOUR, role: "base" }],
      });
      const bus = createKafkaBus(b().config, busOptions);
      const got: BusMessage[] = [];
      try {
        const sub = await bus.subscribe({
          topics: [t],
          group: `g-${randomUUID()}`,
          fromBeginning: true,
          handler: async (m) => {
            got.push(m);
          },
        });
        const keys = Array.from({ length: 60 }, (_, i) => `task-${i}-${randomUUID()}`);
        await bus.publish(
          t,
          keys.map((key) => ({ key, value: "x" })),
        );
        await sub.ready;
        await until(() => got.length >= keys.length, "every record");
        for (const m of got) expect(m.partition).toBe(partitionForKey(m.key, 12));
      } finally {
        await bus.close();
      }
    });
  });

  describe("broker crash", () => {
    it("a consumer resumes after the broker is killed (SIGKILL) and restarted; no acknowledged record is lost", async () => {
      const t = `crash.${randomUUID().slice(0, 8)}`;
      await ensureTopics(b().config, {
        topics: [{ name: t, partitions: 3, retentionMs: HOUR, role: "base" }],
      });
      const bus = createKafkaBus(b().config, busOptions);
      const got = new Set<string>();
      try {
        const sub = await bus.subscribe({
          topics: [t],
          group: `g-${randomUUID()}`,
          fromBeginning: true,
          handler: async (m) => {
            got.add(m.value);
          },
        });
        await sub.ready;
        const batch = (from: number) =>
          Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 5}`, value: String(from + i) }));
        await bus.publish(t, batch(0));
        await until(() => got.size >= 20, "the records published before the crash");
        const pidBefore = b().pid;
        await b().kill();
        await b().restart();
        expect(b().pid).not.toBe(pidBefore);
        await bus.publish(t, batch(20));
        await until(() => got.size >= 40, "the records published after the restart");
        expect([...got].map(Number).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      } finally {
        await bus.close();
      }
    });
  });
}
