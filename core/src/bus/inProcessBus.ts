// The in-process Bus (the embedded default: no broker). Same contract as the Kafka adapter: records keyed onto
// partitions (Kafka's partitioner, the topic table's partition counts), consumer groups that split partitions among
// their members, one record at a time per partition, commit after the handler resolves, redelivery with backoff when
// it throws. What it cannot give: durability. Records and positions live in this process and die with it.
import { AppError } from "../errors.js";
import type {
  Bus,
  BusAssignment,
  BusHandler,
  BusMessage,
  BusRecord,
  BusSubscription,
  SubscribeOptions,
} from "./bus.js";
import { DEFAULT_RETRY_BACKOFF, retryDelayMs } from "./bus.js";
import { partitionForKey } from "./partition.js";
import { TOPIC_TABLE } from "./topics.js";

export interface InProcessBusOptions {
  /** Partition count of a topic; default: the topic table's, else `defaultPartitions`. */
  readonly partitions?: (topic: string) => number | undefined;
  /** Partitions of topics the table does not list (default 4). */
  readonly defaultPartitions?: number;
  /**
   * Records kept per partition beyond what every group has committed (default 10,000): a bound on memory when
   * records are published with no group consuming them. Older ones are dropped, as Kafka's retention would.
   */
  readonly maxRetainedPerPartition?: number;
  /** Told about each handler failure before the record is redelivered (the bus has no logger of its own). */
  readonly onHandlerError?: (error: unknown, message: BusMessage) => void;
}

interface Stored {
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A promise that settles on the next `notify()`: pumps sleep on it until a record, a member or a close arrives. */
class Signal {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

class PartitionLog {
  /** Offset of records[0]. */
  base = 0;
  readonly records: Stored[] = [];
  readonly signal = new Signal();
  get end(): number {
    return this.base + this.records.length;
  }
  at(offset: number): Stored | undefined {
    return this.records[offset - this.base];
  }
  /** Drop records below `offset`. */
  trimTo(offset: number): void {
    const n = Math.min(this.records.length, offset - this.base);
    if (n > 0) {
      this.records.splice(0, n);
      this.base += n;
    }
  }
}

/** Limits how many partitions one member handles at once. */
class Semaphore {
  private free: number;
  private readonly queue: (() => void)[] = [];
  constructor(permits: number) {
    this.free = permits;
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }
  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }
}

interface Member {
  readonly handler: BusHandler;
  readonly backoff: { minMs: number; maxMs: number };
  readonly slots: Semaphore;
  closing: boolean;
  inFlight: number;
  readonly idle: Signal;
  /** Wakes a backoff sleep early (close). */
  readonly wake: Signal;
}

/** A group's view of one topic: its members, and per partition the committed position and a pump. */
class GroupTopic {
  readonly members: Member[] = [];
  readonly committed: number[];
  constructor(
    readonly topic: string,
    readonly logs: readonly PartitionLog[],
    fromBeginning: boolean,
  ) {
    this.committed = logs.map((l) => (fromBeginning ? l.base : l.end));
  }
  owner(partition: number): Member | undefined {
    const live = this.members.filter((m) => !m.closing);
    return live.length === 0 ? undefined : live[partition % live.length];
  }
  partitionsOf(member: Member): number[] {
    return this.logs.map((_, p) => p).filter((p) => this.owner(p) === member);
  }
  wakeAll(): void {
    for (const l of this.logs) l.signal.notify();
  }
}

export function createInProcessBus(options: InProcessBusOptions = {}): Bus {
  const tableCounts = new Map(TOPIC_TABLE.map((t) => [t.name as string, t.partitions]));
  const defaultPartitions = options.defaultPartitions ?? 4;
  const maxRetained = options.maxRetainedPerPartition ?? 10_000;
  const topics = new Map<string, PartitionLog[]>();
  /** group → topic → state */
  const groups = new Map<string, Map<string, GroupTopic>>();
  const subscriptions = new Set<BusSubscription>();
  let closed = false;

  const logsOf = (topic: string): PartitionLog[] => {
    let logs = topics.get(topic);
    if (!logs) {
      const n = options.partitions?.(topic) ?? tableCounts.get(topic) ?? defaultPartitions;
      if (!Number.isInteger(n) || n < 1)
        throw new AppError("INPUT_INVALID", `bad partition count for ${topic}`);
      logs = Array.from({ length: n }, () => new PartitionLog());
      topics.set(topic, logs);
    }
    return logs;
  };

  const groupTopicsOf = (topic: string): GroupTopic[] =>
    [...groups.values()].flatMap((byTopic) => {
      const gt = byTopic.get(topic);
      return gt ? [gt] : [];
    });

  /** Drop what every group has committed, and anything beyond the retention bound. */
  const trim = (topic: string, partition: number): void => {
    const log = topics.get(topic)?.[partition];
    if (!log) return;
    const positions = groupTopicsOf(topic).map((gt) => gt.committed[partition] ?? log.end);
    const committedByAll = positions.length === 0 ? log.base : Math.min(...positions);
    log.trimTo(Math.max(committedByAll, log.end - maxRetained));
  };

  const sleep = (ms: number, member: Member): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      void member.wake.wait().then(() => {
        clearTimeout(t);
        resolve();
      });
    });

  /** Delivers one partition of one group, record by record, for as long as the group has the topic. */
  const pump = async (gt: GroupTopic, partition: number): Promise<void> => {
    const log = gt.logs[partition] as PartitionLog;
    for (;;) {
      if (closed) return;
      const position = Math.max(gt.committed[partition] ?? 0, log.base);
      gt.committed[partition] = position;
      const member = gt.owner(partition);
      const stored = log.at(position);
      if (!member || !stored) {
        await log.signal.wait();
        continue;
      }
      await member.slots.acquire();
      member.inFlight++;
      try {
        for (let attempt = 1; ; attempt++) {
          if (closed || member.closing || gt.owner(partition) !== member) break;
          const message: BusMessage = {
            topic: gt.topic,
            partition,
            offset: String(position),
            key: stored.key,
            value: stored.value,
            headers: stored.headers,
            deliveryAttempt: attempt,
          };
          try {
            await member.handler(message);
            gt.committed[partition] = position + 1;
            break;
          } catch (err) {
            options.onHandlerError?.(err, message);
            await sleep(retryDelayMs(attempt, member.backoff), member);
          }
        }
      } finally {
        member.inFlight--;
        member.slots.release();
        if (member.inFlight === 0) member.idle.notify();
      }
      trim(gt.topic, partition);
    }
  };

  return {
    kind: "in-process",

    async publish(topic: string, records: BusRecord | readonly BusRecord[]): Promise<void> {
      if (closed) throw new AppError("SHUTTING_DOWN", "the bus is closed");
      const list: readonly BusRecord[] = Array.isArray(records) ? records : [records as BusRecord];
      const logs = logsOf(topic);
      const touched = new Set<number>();
      for (const r of list) {
        if (typeof r.key !== "string" || typeof r.value !== "string") {
          throw new AppError("INPUT_INVALID", "a bus record needs a string key and value");
        }
        const p = partitionForKey(r.key, logs.length);
        (logs[p] as PartitionLog).records.push({
          key: r.key,
          value: r.value,
          headers: Object.freeze({ ...(r.headers ?? {}) }),
        });
        touched.add(p);
      }
      for (const p of touched) {
        (logs[p] as PartitionLog).signal.notify();
        trim(topic, p);
      }
    },

    async subscribe(opts: SubscribeOptions): Promise<BusSubscription> {
      if (closed) throw new AppError("SHUTTING_DOWN", "the bus is closed");
      if (opts.topics.length === 0) throw new AppError("INPUT_INVALID", "subscribe needs at least one topic");
      const member: Member = {
        handler: opts.handler,
        backoff: opts.retryBackoff ?? DEFAULT_RETRY_BACKOFF,
        slots: new Semaphore(Math.max(1, opts.concurrency ?? 4)),
        closing: false,
        inFlight: 0,
        idle: new Signal(),
        wake: new Signal(),
      };
      let byTopic = groups.get(opts.group);
      if (!byTopic) {
        byTopic = new Map();
        groups.set(opts.group, byTopic);
      }
      const joined: GroupTopic[] = [];
      for (const topic of new Set(opts.topics)) {
        let gt = byTopic.get(topic);
        if (!gt) {
          gt = new GroupTopic(topic, logsOf(topic), opts.fromBeginning ?? false);
          byTopic.set(topic, gt);
          const started = gt;
          gt.logs.forEach((_, p) => {
            void pump(started, p);
          });
        }
        gt.members.push(member);
        gt.wakeAll();
        joined.push(gt);
      }
      const subscription: BusSubscription = {
        ready: Promise.resolve(),
        assignment(): BusAssignment {
          return Object.fromEntries(
            joined.map((gt) => [gt.topic, member.closing ? [] : gt.partitionsOf(member)]),
          );
        },
        async close(): Promise<void> {
          if (member.closing) return;
          member.closing = true;
          member.wake.notify();
          for (const gt of joined) {
            gt.members.splice(gt.members.indexOf(member), 1);
            gt.wakeAll();
          }
          while (member.inFlight > 0) await member.idle.wait();
          subscriptions.delete(subscription);
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async close(): Promise<void> {
      if (closed) return;
      await Promise.all([...subscriptions].map((s) => s.close()));
      closed = true;
      for (const logs of topics.values()) for (const l of logs) l.signal.notify();
    },
  };
}
