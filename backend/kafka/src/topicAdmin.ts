// Creates the topics of core's topic table (docs/a2a-kafka-binding.md, "Topics") and brings existing ones to the
// table: missing topics are created with their partitions and retention; an existing topic with fewer partitions
// gets more (never fewer: Kafka cannot shrink a topic, and a larger count is an operator's choice we keep); a
// retention that differs is set. Idempotent: a second run changes nothing.
import type { ConcreteTopic, KafkaConfig } from "@isa/core";
import { concreteTopics } from "@isa/core";
import type { KafkaClient, KafkaClientOptions } from "./client.js";
import { busUnavailable, createKafkaClient } from "./client.js";

export interface EnsureTopicsOptions extends KafkaClientOptions {
  /** Topics to ensure (default: every topic of core's table). */
  readonly topics?: readonly ConcreteTopic[];
  /** Replication factor of new topics (default: the broker's `default.replication.factor`). */
  readonly replicationFactor?: number;
}

export interface EnsureTopicsReport {
  readonly created: readonly string[];
  readonly partitionsAdded: readonly string[];
  readonly retentionSet: readonly string[];
  readonly unchanged: readonly string[];
}

type Admin = ReturnType<KafkaClient["admin"]>;

/** Until every partition of `topics` has a leader (bounded: a broker that never elects one is an error). */
async function waitForLeaders(
  admin: Admin,
  topics: readonly ConcreteTopic[],
  boundMs = 60_000,
): Promise<void> {
  const start = Date.now();
  let last: unknown;
  while (Date.now() - start < boundMs) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
      const led = topics.every((t) => {
        const parts = meta.topics.find((m) => m.name === t.name)?.partitions ?? [];
        return parts.length >= t.partitions && parts.every((p) => p.leader >= 0);
      });
      if (led) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw busUnavailable(
    last ?? new Error("no leader elected"),
    `waiting for leaders of ${topics.length} new topic(s)`,
  );
}

export async function ensureTopics(
  config: KafkaConfig,
  options: EnsureTopicsOptions = {},
): Promise<EnsureTopicsReport> {
  const wanted = options.topics ?? concreteTopics();
  const admin = createKafkaClient(config, options).admin();
  const created: string[] = [];
  const partitionsAdded: string[] = [];
  const retentionSet: string[] = [];
  const unchanged: string[] = [];
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        // kafkajs' own wait retries only LEADER_NOT_AVAILABLE; a Kafka 4 broker also answers
        // UNKNOWN_TOPIC_OR_PARTITION for a moment after creation. waitForLeaders below retries both.
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: options.replicationFactor ?? -1,
          configEntries: [{ name: "retention.ms", value: String(t.retentionMs) }],
        })),
      });
      created.push(...missing.map((t) => t.name));
      await waitForLeaders(admin, missing);
    }
    const present = wanted.filter((t) => existing.has(t.name));
    if (present.length > 0) {
      const meta = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
      const counts = new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
      const grow = present.filter((t) => (counts.get(t.name) ?? 0) < t.partitions);
      if (grow.length > 0) {
        await admin.createPartitions({
          topicPartitions: grow.map((t) => ({ topic: t.name, count: t.partitions })),
        });
        partitionsAdded.push(...grow.map((t) => t.name));
      }
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: present.map((t) => ({ type: 2 /* TOPIC */, name: t.name, configNames: ["retention.ms"] })),
      });
      const retention = new Map(
        described.resources.map((r) => [
          r.resourceName,
          r.configEntries.find((e) => e.configName === "retention.ms")?.configValue,
        ]),
      );
      const reset = present.filter((t) => retention.get(t.name) !== String(t.retentionMs));
      if (reset.length > 0) {
        await admin.alterConfigs({
          validateOnly: false,
          resources: reset.map((t) => ({
            type: 2,
            name: t.name,
            configEntries: [{ name: "retention.ms", value: String(t.retentionMs) }],
          })),
        });
        retentionSet.push(...reset.map((t) => t.name));
      }
      for (const t of present) {
        if (!grow.includes(t) && !reset.includes(t)) unchanged.push(t.name);
      }
    }
    return { created, partitionsAdded, retentionSet, unchanged };
  } catch (err) {
    throw busUnavailable(err, "ensuring topics");
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
