// The Bus port: keyed, partitioned, at-least-once messaging (Kafka in the cluster, in process by default). Records
// carry JSON text (A2A JSON-RPC requests and events, MCP calls, ingest references) and string headers.

/** A record to publish. Records with the same key land on the same partition, so they are delivered in order. */
export interface BusRecord {
  readonly key: string;
  /** The payload, normally JSON text parsed by a zod schema on the consuming side. */
  readonly value: string;
  /** Trace context, the caller's signed identity token, deadline, attempt, reply-to… (docs/a2a-kafka-binding.md). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A record as a handler receives it. */
export interface BusMessage {
  readonly topic: string;
  readonly partition: number;
  /** Position in the partition (decimal string: Kafka offsets are 64-bit). */
  readonly offset: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * 1 on the first delivery to this process, 2… when the handler threw and the record is delivered again. It starts
   * at 1 again after a crash or a rebalance (the broker does not count deliveries): a bounded retry policy that must
   * survive crashes counts in a header (`attempt`) instead.
   */
  readonly deliveryAttempt: number;
}

/**
 * Handles one record. Resolving commits it (at-least-once: a crash before that redelivers it); throwing redelivers
 * it after a backoff, to this member or, after a rebalance, to another. Records of one partition are handled one at a
 * time, in order; different partitions may be handled concurrently.
 */
export type BusHandler = (message: BusMessage) => Promise<void>;

export interface SubscribeOptions {
  readonly topics: readonly string[];
  /** Consumer group: members of one group share the partitions; each group gets every record. */
  readonly group: string;
  readonly handler: BusHandler;
  /**
   * Where a group with no committed position starts: the oldest retained record, or (default) the first record
   * published after `subscribe` resolves.
   */
  readonly fromBeginning?: boolean;
  /** Partitions handled at once by this member (default 4). Order within a partition holds regardless. */
  readonly concurrency?: number;
  /** Delay before redelivering a record whose handler threw: `min(maxMs, minMs * 2^(attempt-1))`. */
  readonly retryBackoff?: { readonly minMs: number; readonly maxMs: number };
}

/** Partitions currently assigned to a member, by topic. */
export type BusAssignment = Readonly<Record<string, readonly number[]>>;

export interface BusSubscription {
  /** Resolves once this member has joined its group and received its first assignment. */
  readonly ready: Promise<void>;
  /** The partitions this member holds now (empty while rebalancing or when the group has more members than partitions). */
  assignment(): BusAssignment;
  /** Leave the group: in-flight handlers finish (a record being retried is left uncommitted), positions are committed. */
  close(): Promise<void>;
}

export interface Bus {
  /** `kafka` or `in-process`: for logs, health and metrics. */
  readonly kind: string;
  /** Resolves when every record is stored (acknowledged by the broker); rejects with BUS_UNAVAILABLE otherwise. */
  publish(topic: string, records: BusRecord | readonly BusRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<BusSubscription>;
  /** Closes every subscription, then the producer. */
  close(): Promise<void>;
}

export const DEFAULT_RETRY_BACKOFF = { minMs: 100, maxMs: 5_000 } as const;

/** The redelivery delay after `attempt` failed deliveries. */
export function retryDelayMs(
  attempt: number,
  backoff: { minMs: number; maxMs: number } = DEFAULT_RETRY_BACKOFF,
): number {
  return Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.max(0, attempt - 1));
}
