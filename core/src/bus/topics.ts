// The topic table of the Kafka mode (docs/a2a-kafka-binding.md, "Topics"): one row per topic with its partition
// count, retention and retry levels. The Kafka admin code creates exactly these; the in-process bus reads the
// partition counts from it too, so both adapters split keys the same way.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Names of the base topics, for code that publishes or subscribes. */
export const TOPICS = {
  /** A2A requests from the root agent or any client, keyed by task id (context id for a new conversation). */
  a2aTasks: "a2a.tasks",
  /** Routed A2A requests for the docs agent. */
  tasksDocs: "tasks.docs",
  /** Routed A2A requests for the dev agent. */
  tasksDev: "tasks.dev",
  /** A2A status and artifact update events and final results, keyed by task id. */
  a2aEvents: "a2a.events",
  /**
   * Signals every agent worker must see whatever partitions it holds (CancelTask of a running task): each worker
   * reads it in a group of its own.
   */
  a2aControl: "a2a.control",
  /** MCP tool calls (JSON-RPC requests), keyed by request id. */
  mcpReq: "mcp.req",
  /** MCP tool results, keyed by request id. */
  mcpResp: "mcp.resp",
  /** File references to parse, chunk, embed and upsert, keyed by source path. */
  ingestDocuments: "ingest.documents",
  /** Every request and answer with its principal and sources. */
  audit: "audit",
} as const;

export type BaseTopic = (typeof TOPICS)[keyof typeof TOPICS];

export interface TopicSpec {
  readonly name: BaseTopic;
  readonly partitions: number;
  /** `retention.ms` of the topic. */
  readonly retentionMs: number;
  /**
   * Delays of the non-blocking retry levels: a record whose handling failed goes to `<name>.retry.<level>` (1-based)
   * and is handled again after that delay; after the last level it goes to `<name>.dlq`. Empty: no retry topics.
   */
  readonly retryDelaysMs: readonly number[];
  /** Records that cannot be handled (invalid, or out of retries) go to `<name>.dlq` with the reason in a header. */
  readonly dlq: boolean;
}

/**
 * Partition counts bound how many members of one group work at once (12: room for a dozen router or agent workers
 * per skill without repartitioning). Retention: tasks and events for a week (replay and late reconnection), MCP
 * traffic and control signals a day (calls time out long before), ingest three days (a failed run is re-published, not replayed),
 * audit and dead letters 30 days (the default ISA_RETENTION_DAYS).
 */
export const TOPIC_TABLE: readonly TopicSpec[] = [
  { name: TOPICS.a2aTasks, partitions: 12, retentionMs: 7 * DAY, retryDelaysMs: [], dlq: true },
  { name: TOPICS.tasksDocs, partitions: 12, retentionMs: 7 * DAY, retryDelaysMs: [2_000, 30_000], dlq: true },
  { name: TOPICS.tasksDev, partitions: 12, retentionMs: 7 * DAY, retryDelaysMs: [2_000, 30_000], dlq: true },
  { name: TOPICS.a2aEvents, partitions: 12, retentionMs: 7 * DAY, retryDelaysMs: [], dlq: false },
  { name: TOPICS.a2aControl, partitions: 1, retentionMs: DAY, retryDelaysMs: [], dlq: false },
  { name: TOPICS.mcpReq, partitions: 6, retentionMs: DAY, retryDelaysMs: [], dlq: true },
  { name: TOPICS.mcpResp, partitions: 6, retentionMs: DAY, retryDelaysMs: [], dlq: false },
  { name: TOPICS.ingestDocuments, partitions: 12, retentionMs: 3 * DAY, retryDelaysMs: [5_000], dlq: true },
  { name: TOPICS.audit, partitions: 6, retentionMs: 30 * DAY, retryDelaysMs: [], dlq: false },
];

/** Retention of `*.dlq` topics. */
export const DLQ_RETENTION_MS = 30 * DAY;

export const retryTopic = (base: string, level: number): string => `${base}.retry.${level}`;
export const dlqTopic = (base: string): string => `${base}.dlq`;

/** A topic to create: a base topic, one of its retry levels, or its dead-letter topic. */
export interface ConcreteTopic {
  readonly name: string;
  readonly partitions: number;
  readonly retentionMs: number;
  readonly role: "base" | "retry" | "dlq";
  /** For retry topics: how long a record waits there before it is handled again. */
  readonly delayMs?: number;
}

/** Every topic of the table, retry and dead-letter topics included; `prefix` namespaces them (tests, tenants). */
export function concreteTopics(table: readonly TopicSpec[] = TOPIC_TABLE, prefix = ""): ConcreteTopic[] {
  const out: ConcreteTopic[] = [];
  for (const t of table) {
    const base = `${prefix}${t.name}`;
    out.push({ name: base, partitions: t.partitions, retentionMs: t.retentionMs, role: "base" });
    t.retryDelaysMs.forEach((delayMs, i) => {
      out.push({
        name: retryTopic(base, i + 1),
        partitions: t.partitions,
        retentionMs: t.retentionMs,
        role: "retry",
        delayMs,
      });
    });
    if (t.dlq) out.push({ name: dlqTopic(base), partitions: 1, retentionMs: DLQ_RETENTION_MS, role: "dlq" });
  }
  return out;
}
