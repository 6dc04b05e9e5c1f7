// Conversation rules shared by every ConversationStore: server-issued ids, the audience (visibility) rule, the
// turn cap, and the in-memory store (the default; PostgreSQL lives in pgConversations.ts), bounded in count and,
// with ISA_RETENTION_DAYS, in age.
//
// Visibility: a conversation's audience is the union of the groups of every principal who added a turn. A principal
// may read or continue it iff its groups include the whole audience. Answers quote documents readable by the asker,
// so a later reader must be able to read everything any earlier asker could: a conversation started in a public
// Slack channel (audience [public]) can be continued by anyone, one started with engineering access only by people
// in engineering. Adding a turn widens the audience to the adder's groups, which may narrow who can see it next.
import { randomBytes } from "node:crypto";
import type {
  ConversationAppend,
  ConversationAppendResult,
  ConversationRecord,
  ConversationStore,
} from "@isa/core";
import { CONVERSATION_ID } from "@isa/core";
import type { MemoryGauge } from "./memoryTaskStore.js";
import { jsonBytes } from "./memoryTaskStore.js";
import { RETENTION_SWEEP_INTERVAL_MS, retentionCutoff } from "./retention.js";

/** Turns kept per conversation; past it `append` answers `full` (the API: 409 CONVERSATION_FULL). */
export const MAX_CONVERSATION_TURNS = 50;

/** `c_` + 22 base64url characters: 128 random bits, unguessable, so an id alone never grants access anyway. */
export function newConversationId(): string {
  return `c_${randomBytes(16).toString("base64url")}`;
}

export function isConversationId(id: string): boolean {
  return CONVERSATION_ID.test(id);
}

/** May a principal in `groups` read or continue a conversation with this audience? */
export function mayContinue(groups: readonly string[], audience: readonly string[]): boolean {
  const have = new Set(groups);
  return audience.every((g) => have.has(g));
}

/** Sorted, without duplicates: stores keep audiences in this form so equal sets compare equal. */
export function unionGroups(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/**
 * Conversations kept in memory (default 10,000): every answer starts or extends one, so an unbounded map would grow
 * with traffic. Past the cap the least recently used is dropped (continuing it is then 404, like an unknown id).
 */
export const MEMORY_CONVERSATIONS = 10_000;
/**
 * Bytes of conversation JSON kept by default (ISA_MEMORY_CONVERSATIONS_MAX_BYTES): 10,000 conversations of 50 turns
 * with 4,000-character questions would be gigabytes, so the count alone does not bound memory.
 */
export const MEMORY_CONVERSATIONS_MAX_BYTES = 64 * 1024 * 1024;

export interface MemoryConversationStoreOptions {
  readonly maxConversations?: number;
  /** Bytes kept at most (default MEMORY_CONVERSATIONS_MAX_BYTES); past it the least recently used go first. */
  readonly maxBytes?: number;
  /** Conversations not updated for this many days are dropped (ISA_RETENTION_DAYS); 0 or unset = kept. */
  readonly retentionDays?: number;
  /** Clock (tests inject one; default the process clock). */
  readonly now?: () => Date;
}

interface Entry {
  readonly record: ConversationRecord;
  /** Last turn added, ms (what retention measures, as `updated_at` does in PostgreSQL). */
  readonly updatedAt: number;
  readonly bytes: number;
}

/** In-process conversations (lost on restart; ISA_DATABASE_URL keeps them in PostgreSQL). */
export function createMemoryConversationStore(
  opts: MemoryConversationStoreOptions = {},
): ConversationStore & MemoryGauge {
  const max = opts.maxConversations ?? MEMORY_CONVERSATIONS;
  const maxBytes = opts.maxBytes ?? MEMORY_CONVERSATIONS_MAX_BYTES;
  let bytes = 0;
  const now = opts.now ?? (() => new Date());
  const days = opts.retentionDays ?? 0;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const byId = new Map<string, Entry>();
  let lastSweep = now().getTime();
  const forget = (id: string) => {
    const e = byId.get(id);
    if (!e) return;
    byId.delete(id);
    bytes -= e.bytes;
  };
  const touch = (id: string, e: Entry) => {
    forget(id);
    byId.set(id, e);
    bytes += e.bytes;
    // The conversation just used stays even when it alone is over the byte budget.
    while (byId.size > max || (bytes > maxBytes && byId.size > 1)) {
      const oldest = byId.keys().next().value;
      if (oldest === undefined) break;
      forget(oldest);
    }
  };
  const entry = (record: ConversationRecord, updatedAt: number): Entry => ({
    record,
    updatedAt,
    bytes: jsonBytes(record) + 2 * record.id.length,
  });
  /** The live entry, or undefined (an expired one is deleted here, so it reads like an unknown id). */
  const live = (id: string): Entry | undefined => {
    const t = now().getTime();
    const cutoff = retentionCutoff(days, new Date(t))?.getTime();
    // The periodic sweep frees memory held by conversations nobody asks about again.
    if (cutoff !== undefined && t - lastSweep >= RETENTION_SWEEP_INTERVAL_MS) {
      lastSweep = t;
      for (const [k, e] of byId) if (e.updatedAt < cutoff) forget(k);
    }
    const e = byId.get(id);
    if (e && cutoff !== undefined && e.updatedAt < cutoff) {
      forget(id);
      return undefined;
    }
    return e;
  };
  return {
    async get(id) {
      const e = live(id);
      if (!e) return undefined;
      touch(id, e);
      return structuredClone(e.record);
    },
    async append(input: ConversationAppend): Promise<ConversationAppendResult> {
      const existing = live(input.id)?.record;
      const updatedAt = now().getTime();
      if (input.create) {
        if (existing) return { ok: false, reason: "exists" };
        const conversation: ConversationRecord = {
          id: input.id,
          createdAt: input.turn.at,
          audience: unionGroups([], input.groups),
          turns: [structuredClone(input.turn)],
        };
        touch(input.id, entry(conversation, updatedAt));
        return { ok: true, conversation: structuredClone(conversation) };
      }
      if (!existing) return { ok: false, reason: "not-found" };
      if (!mayContinue(input.groups, existing.audience)) return { ok: false, reason: "not-visible" };
      if (existing.turns.length >= input.maxTurns) return { ok: false, reason: "full" };
      const conversation: ConversationRecord = {
        ...existing,
        audience: unionGroups(existing.audience, input.groups),
        turns: [...existing.turns, structuredClone(input.turn)],
      };
      touch(input.id, entry(conversation, updatedAt));
      return { ok: true, conversation: structuredClone(conversation) };
    },
    memoryBytes: () => bytes,
    memoryEntries: () => byId.size,
    async close() {
      byId.clear();
      bytes = 0;
    },
  };
}
