// core's Bus port over Kafka (kafkajs). Producer: idempotent, acks from all in-sync replicas, Kafka's default
// partitioner (murmur2 of the key, as core's in-process bus). Consumers: one kafkajs consumer per subscription, offsets
// committed only for records whose handler resolved; a handler that throws gets the same record again after a
// backoff (the partition waits: per-key order holds), and a rebalance or crash hands it uncommitted to the next owner.
import type {
  Bus,
  BusAssignment,
  BusMessage,
  BusRecord,
  BusSubscription,
  KafkaConfig,
  SubscribeOptions,
} from "@isa/core";
import { AppError, DEFAULT_RETRY_BACKOFF, retryDelayMs } from "@isa/core";
import type { Consumer, IHeaders, Producer } from "kafkajs";
import kafkajs from "kafkajs";
import type { BusLogger, KafkaClient, KafkaClientOptions } from "./client.js";
import { busUnavailable, createKafkaClient } from "./client.js";

const { KafkaJSError, Partitioners } = kafkajs;

export interface KafkaBusOptions extends KafkaClientOptions {
  /**
   * Group membership timing. A member that misses heartbeats for `sessionTimeoutMs` is dropped and its partitions
   * move (how fast a killed worker's records reach another). Defaults: kafkajs' (30 s, 3 s, 60 s).
   */
  readonly consumer?: {
    readonly sessionTimeoutMs?: number;
    readonly heartbeatIntervalMs?: number;
    readonly rebalanceTimeoutMs?: number;
    /** Longest wait of an idle fetch on the broker (default 1 s; also bounds how long close() takes). */
    readonly fetchMaxWaitMs?: number;
  };
  /** Told about each handler failure before the record is redelivered. */
  readonly onHandlerError?: (error: unknown, message: BusMessage) => void;
}

function headersOf(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first.toString();
  }
  return out;
}

/** Thrown out of eachMessage to leave a record uncommitted when the subscription closes mid-retry. */
class ClosingError extends KafkaJSError {
  constructor() {
    super("subscription closing: record left uncommitted", { retriable: false });
  }
}

/** Topic → partition → offset. */
type StartOffsets = Map<string, Map<number, string>>;

/**
 * For each partition where `group` has no committed position: the partition's end offset now. kafkajs resolves
 * "latest" only at a member's first fetch, after it joined, so records published in between would be skipped; the
 * member seeks these offsets at its first assignment instead (and kafkajs commits them), so every record published
 * after subscribe() resolves is delivered. Retries the coordinator's transient errors (loading, moved).
 */
async function startOffsetsOfNewPartitions(
  kafka: KafkaClient,
  group: string,
  topics: readonly string[],
): Promise<StartOffsets> {
  const admin = kafka.admin();
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.connect();
      const out: StartOffsets = new Map();
      const committed = await admin.fetchOffsets({ groupId: group, topics: [...topics] });
      for (const { topic, partitions } of committed) {
        const unset = new Set(partitions.filter((p) => p.offset === "-1").map((p) => p.partition));
        if (unset.size === 0) continue;
        const ends = await admin.fetchTopicOffsets(topic);
        out.set(topic, new Map(ends.filter((e) => unset.has(e.partition)).map((e) => [e.partition, e.high])));
      }
      return out;
    } catch (err) {
      const retriable = (err as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * attempt)));
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
}

export function createKafkaBus(config: KafkaConfig, options: KafkaBusOptions = {}): Bus {
  const kafka: KafkaClient = createKafkaClient(config, options);
  const log: BusLogger | undefined = options.logger;
  const subscriptions = new Set<BusSubscription>();
  let producer: Promise<Producer> | undefined;
  let closed = false;

  const getProducer = (): Promise<Producer> => {
    if (!producer) {
      const p = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // murmur2 of the key, as Kafka's Java client and core's partitionForKey (naming it also silences kafkajs' notice).
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      producer = p.connect().then(
        () => p,
        (err: unknown) => {
          producer = undefined;
          throw busUnavailable(err, "connecting the producer");
        },
      );
    }
    return producer;
  };

  const subscribe = async (opts: SubscribeOptions): Promise<BusSubscription> => {
    if (closed) throw new AppError("SHUTTING_DOWN", "the bus is closed");
    if (opts.topics.length === 0) throw new AppError("INPUT_INVALID", "subscribe needs at least one topic");
    const backoff = opts.retryBackoff ?? DEFAULT_RETRY_BACKOFF;
    const heartbeatMs = options.consumer?.heartbeatIntervalMs ?? 3_000;
    const consumer: Consumer = kafka.consumer({
      groupId: opts.group,
      allowAutoTopicCreation: false,
      // An idle fetch waits this long on the broker; close() waits for it (kafkajs' 5 s made every close slow).
      maxWaitTimeInMs: options.consumer?.fetchMaxWaitMs ?? 1_000,
      ...(options.consumer?.sessionTimeoutMs ? { sessionTimeout: options.consumer.sessionTimeoutMs } : {}),
      ...(options.consumer?.heartbeatIntervalMs
        ? { heartbeatInterval: options.consumer.heartbeatIntervalMs }
        : {}),
      ...(options.consumer?.rebalanceTimeoutMs
        ? { rebalanceTimeout: options.consumer.rebalanceTimeoutMs }
        : {}),
    });
    let assignment: BusAssignment = {};
    let closing = false;
    /** Wakes backoff sleeps when the subscription closes. */
    const wakers = new Set<() => void>();
    let markReady: () => void = () => {};
    let failReady: (err: unknown) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    ready.catch(() => {});
    let startAt: StartOffsets | undefined;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      assignment = Object.fromEntries(
        Object.entries(e.payload.memberAssignment).map(([t, ps]) => [t, [...ps].sort((a, b) => a - b)]),
      );
      // Only at the first assignment: later ones find the positions committed by the seek (or by other members).
      const pin = startAt;
      startAt = undefined;
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const partition of partitions) {
          const offset = pin?.get(topic)?.get(partition);
          if (offset !== undefined) consumer.seek({ topic, partition, offset });
        }
      }
      markReady();
    });
    consumer.on(consumer.events.REBALANCING, () => {
      assignment = {};
    });
    consumer.on(consumer.events.CRASH, (e) => {
      log?.warn(
        { group: opts.group, err: e.payload.error, restart: e.payload.restart },
        "Kafka consumer crashed",
      );
      if (!e.payload.restart) failReady(busUnavailable(e.payload.error, `consumer of group ${opts.group}`));
    });

    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          wakers.delete(done);
          resolve();
        };
        const t = setTimeout(done, ms);
        wakers.add(done);
      });

    try {
      if (!opts.fromBeginning) startAt = await startOffsetsOfNewPartitions(kafka, opts.group, opts.topics);
      await consumer.connect();
      await consumer.subscribe({ topics: [...opts.topics], fromBeginning: opts.fromBeginning ?? false });
      await consumer.run({
        autoCommit: true,
        partitionsConsumedConcurrently: Math.max(1, opts.concurrency ?? 4),
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          const base = {
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? "",
            value: message.value?.toString() ?? "",
            headers: headersOf(message.headers),
          };
          for (let attempt = 1; ; attempt++) {
            if (closing) throw new ClosingError();
            const msg: BusMessage = { ...base, deliveryAttempt: attempt };
            // kafkajs heartbeats only between records: keep the membership alive while a long handler runs.
            const beat = setInterval(() => {
              heartbeat().catch(() => {});
            }, heartbeatMs);
            try {
              await opts.handler(msg);
              return;
            } catch (err) {
              options.onHandlerError?.(err, msg);
              log?.warn(
                { topic, partition, offset: message.offset, attempt, err },
                "bus handler failed; redelivering",
              );
            } finally {
              clearInterval(beat);
            }
            await sleep(retryDelayMs(attempt, backoff));
            // Throws when the group is rebalancing: the record stays uncommitted and goes to its next owner.
            await heartbeat();
          }
        },
      });
    } catch (err) {
      await consumer.disconnect().catch(() => {});
      throw busUnavailable(err, `subscribing group ${opts.group} to ${opts.topics.join(", ")}`);
    }

    const subscription: BusSubscription = {
      ready,
      assignment: () => (closing ? {} : assignment),
      async close(): Promise<void> {
        if (closing) return;
        closing = true;
        for (const wake of [...wakers]) wake();
        try {
          await consumer.disconnect();
        } finally {
          subscriptions.delete(subscription);
        }
      },
    };
    subscriptions.add(subscription);
    return subscription;
  };

  return {
    kind: "kafka",

    async publish(topic: string, records: BusRecord | readonly BusRecord[]): Promise<void> {
      if (closed) throw new AppError("SHUTTING_DOWN", "the bus is closed");
      const list: readonly BusRecord[] = Array.isArray(records) ? records : [records as BusRecord];
      if (list.length === 0) return;
      const p = await getProducer();
      try {
        await p.send({
          topic,
          acks: -1,
          messages: list.map((r) => ({ key: r.key, value: r.value, headers: { ...(r.headers ?? {}) } })),
        });
      } catch (err) {
        throw busUnavailable(err, `publishing to ${topic}`);
      }
    },

    subscribe,

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...subscriptions].map((s) => s.close()));
      const p = producer;
      producer = undefined;
      if (p) await (await p.catch(() => undefined))?.disconnect();
    },
  };
}
