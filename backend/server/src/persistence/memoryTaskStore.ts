// A2A tasks in memory, bounded: the SDK's InMemoryTaskStore keeps every task forever (memory grows with use until
// a restart) and offers no way to delete one, so this store replaces it with the same behaviour — scoping by
// (tenant, owner) exactly as the SDK's ScopedStore does, structuredClone in and out, tasks/list's order, filters,
// cursor format and page size — plus two limits: at most `maxTasks` tasks (past it the least recently saved task
// in a terminal state goes first, then the least recently saved of any) and, with ISA_RETENTION_DAYS, terminal
// tasks not saved for that long are dropped. The shared conformance suite runs it beside the SDK's store.
import type { Task } from "@a2a-js/sdk";
import type { OwnerResolver, ServerCallContext, TaskStore } from "@a2a-js/sdk/server";
import { resolveUserScope } from "@a2a-js/sdk/server";
import { RETENTION_SWEEP_INTERVAL_MS, retentionCutoff, TERMINAL_TASK_STATES } from "./retention.js";

/** Tasks kept in memory per agent (each is a question, its answer and its citations: a few KB). */
export const MEMORY_TASKS = 10_000;
/** Bytes of task JSON kept per agent by default (ISA_MEMORY_TASKS_MAX_BYTES): a count alone does not bound memory. */
export const MEMORY_TASKS_MAX_BYTES = 32 * 1024 * 1024;

/** What an in-memory store holds, for the /metrics gauges. */
export interface MemoryGauge {
  /** Approximate bytes held: the UTF-8 size of the stored JSON plus keys (the heap holds roughly 1-2× this). */
  memoryBytes(): number;
  /** Entries held. */
  memoryEntries(): number;
}

/** The SDK's default page size for tasks/list. */
const DEFAULT_PAGE_SIZE = 50;

export interface MemoryTaskStoreOptions {
  readonly maxTasks?: number;
  /** Bytes of task JSON kept at most (default MEMORY_TASKS_MAX_BYTES); past it, as past maxTasks. */
  readonly maxBytes?: number;
  /** Terminal tasks not saved for this many days are dropped; 0 or unset = kept (up to maxTasks). */
  readonly retentionDays?: number;
  readonly now?: () => Date;
  readonly ownerResolver?: OwnerResolver;
}

interface Entry {
  readonly scope: string;
  readonly task: Task;
  readonly savedAt: number;
  readonly bytes: number;
}

/** UTF-8 bytes of a value's JSON (what it costs, roughly); a value JSON cannot write counts as 64 KiB. */
export function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? "");
  } catch {
    return 64 * 1024;
  }
}

const terminal = (t: Task) => TERMINAL_TASK_STATES.includes(t.status?.state ?? 0);

function encodeCursor(ts: string, id: string): string {
  return Buffer.from(`${ts}|${id}`).toString("base64");
}

function decodeCursor(token: string): { ts: string; id: string } | undefined {
  const [ts, ...rest] = Buffer.from(token, "base64").toString("utf8").split("|");
  return ts === undefined || rest.length === 0 ? undefined : { ts, id: rest.join("|") };
}

export function createMemoryTaskStore(opts: MemoryTaskStoreOptions = {}): TaskStore & MemoryGauge {
  const max = opts.maxTasks ?? MEMORY_TASKS;
  const maxBytes = opts.maxBytes ?? MEMORY_TASKS_MAX_BYTES;
  let bytes = 0;
  const days = opts.retentionDays ?? 0;
  const now = opts.now ?? (() => new Date());
  const owner = opts.ownerResolver ?? resolveUserScope;
  // Every task, least recently saved first (a save re-inserts), keyed by scope + id; and each scope's tasks.
  const all = new Map<string, Entry>();
  const byScope = new Map<string, Map<string, Entry>>();
  let lastSweep = now().getTime();

  // JSON of the pair: no separator a tenant or owner string could forge.
  const scopeOf = (context: ServerCallContext) => JSON.stringify([context.tenant ?? "", owner(context)]);
  const keyOf = (scope: string, id: string) => JSON.stringify([scope, id]);

  const remove = (key: string, e: Entry) => {
    if (all.delete(key)) bytes -= e.bytes;
    const bucket = byScope.get(e.scope);
    bucket?.delete(e.task.id);
    if (bucket?.size === 0) byScope.delete(e.scope);
  };

  /** Drops expired terminal tasks: all of them at most hourly, and the one about to be read on every access. */
  const expired = (e: Entry, cutoff: number | undefined) =>
    cutoff !== undefined && e.savedAt < cutoff && terminal(e.task);
  const cutoffNow = (): number | undefined => {
    const t = now().getTime();
    const cutoff = retentionCutoff(days, new Date(t))?.getTime();
    if (cutoff !== undefined && t - lastSweep >= RETENTION_SWEEP_INTERVAL_MS) {
      lastSweep = t;
      for (const [k, e] of all) if (expired(e, cutoff)) remove(k, e);
    }
    return cutoff;
  };

  const evictOverCap = () => {
    // The task just saved stays even when it alone is over the byte budget (it is the one being worked on).
    while (all.size > max || (bytes > maxBytes && all.size > 1)) {
      let victim: [string, Entry] | undefined;
      for (const kv of all) {
        if (terminal(kv[1].task)) {
          victim = kv;
          break;
        }
      }
      victim ??= all.entries().next().value;
      if (!victim) break;
      remove(victim[0], victim[1]);
    }
  };

  const live = (context: ServerCallContext): Entry[] => {
    const cutoff = cutoffNow();
    const bucket = byScope.get(scopeOf(context));
    if (!bucket) return [];
    return [...bucket.values()].filter((e) => !expired(e, cutoff));
  };

  return {
    async save(task, context) {
      cutoffNow();
      const scope = scopeOf(context);
      const key = keyOf(scope, task.id);
      const old = all.get(key);
      if (old) remove(key, old);
      const e: Entry = {
        scope,
        task: structuredClone(task),
        savedAt: now().getTime(),
        bytes: jsonBytes(task) + 2 * key.length,
      };
      all.set(key, e);
      bytes += e.bytes;
      let bucket = byScope.get(scope);
      if (!bucket) {
        bucket = new Map();
        byScope.set(scope, bucket);
      }
      bucket.set(task.id, e);
      evictOverCap();
    },

    memoryBytes: () => bytes,
    memoryEntries: () => all.size,

    async load(taskId, context) {
      const cutoff = cutoffNow();
      const scope = scopeOf(context);
      const e = byScope.get(scope)?.get(taskId);
      if (!e) return undefined;
      if (expired(e, cutoff)) {
        remove(keyOf(scope, taskId), e);
        return undefined;
      }
      return structuredClone(e.task);
    },

    // The SDK's InMemoryTaskStore.list, step for step (filters, newest status first, cursor, totalSize).
    async list(params, context) {
      const pageSize = params.pageSize ?? DEFAULT_PAGE_SIZE;
      let tasks = live(context).map((e) => e.task);
      if (params.contextId) tasks = tasks.filter((t) => t.contextId === params.contextId);
      if (params.status !== undefined && params.status !== 0) {
        tasks = tasks.filter((t) => t.status?.state === params.status);
      }
      if (params.statusTimestampAfter) {
        const after = new Date(params.statusTimestampAfter).getTime();
        tasks = tasks.filter((t) => t.status?.timestamp && new Date(t.status.timestamp).getTime() > after);
      }
      tasks.sort((a, b) => {
        const ta = a.status?.timestamp || "";
        const tb = b.status?.timestamp || "";
        return tb !== ta ? tb.localeCompare(ta) : b.id.localeCompare(a.id);
      });
      const totalSize = tasks.length;
      if (params.pageToken) {
        const cursor = decodeCursor(params.pageToken);
        const at = cursor
          ? tasks.findIndex((t) => (t.status?.timestamp || "") === cursor.ts && t.id === cursor.id)
          : -1;
        tasks = at === -1 ? [] : tasks.slice(at + 1);
      }
      const page = tasks.slice(0, pageSize);
      const last = page.at(-1);
      return {
        tasks: page.map((t) => {
          const copy = structuredClone(t);
          if (!params.includeArtifacts) copy.artifacts = [];
          return copy;
        }),
        nextPageToken:
          last && tasks.length > page.length ? encodeCursor(last.status?.timestamp || "", last.id) : "",
        pageSize,
        totalSize,
      };
    },
  };
}
