// Conversations in PostgreSQL: one row per conversation, its turns a JSONB array. Appending is one conditional
// UPDATE (audience ⊆ caller's groups, under the cap), so the visibility and cap checks hold under concurrent turns.
// With retention on, a sweeper deletes conversations not updated for ISA_RETENTION_DAYS (retention.ts).
import type {
  ConversationAppendResult,
  ConversationRecord,
  ConversationStore,
  ConversationTurnRecord,
} from "@isa/core";
import { unionGroups } from "./conversations.js";
import type { Database } from "./database.js";
import { jsonbText } from "./database.js";
import type { RetentionOptions } from "./retention.js";
import { deleteExpiredConversations, startRetentionSweeper } from "./retention.js";

interface Row {
  id: string;
  created_at: Date;
  audience: string[];
  turns: ConversationTurnRecord[];
}

const COLUMNS = "id, created_at, audience, turns";

function record(row: Row): ConversationRecord {
  return {
    id: row.id,
    createdAt: row.created_at.toISOString(),
    audience: [...row.audience].sort(),
    turns: row.turns,
  };
}

export interface PgConversationStoreOptions {
  /** Close the database with the store (it was opened for this store alone). */
  readonly ownsDatabase?: boolean;
  /** Clock for `updated_at` (tests inject one; default the process clock, the one retention compares with). */
  readonly now?: () => Date;
  /** Sweep expired conversations (from now, then hourly) until close; unset = never. */
  readonly retention?: RetentionOptions;
}

export function createPgConversationStore(
  db: Database,
  opts: PgConversationStoreOptions = {},
): ConversationStore {
  const now = opts.now ?? (() => new Date());
  const sweeper = opts.retention
    ? startRetentionSweeper("conversations", (cutoff) => deleteExpiredConversations(db, cutoff), {
        now,
        ...opts.retention,
      })
    : undefined;
  return {
    async get(id) {
      const r = await db.query<Row>(`SELECT ${COLUMNS} FROM isa_conversations WHERE id = $1`, [id]);
      const row = r.rows[0];
      return row ? record(row) : undefined;
    },
    async append(input): Promise<ConversationAppendResult> {
      const turn = jsonbText(input.turn);
      const groups = unionGroups([], input.groups);
      if (input.create) {
        const r = await db.query<Row>(
          `INSERT INTO isa_conversations (id, created_at, updated_at, audience, turns)
           VALUES ($1, $2, $5, $3::text[], jsonb_build_array($4::jsonb))
           ON CONFLICT (id) DO NOTHING
           RETURNING ${COLUMNS}`,
          [input.id, input.turn.at, groups, turn, now()],
        );
        const row = r.rows[0];
        return row ? { ok: true, conversation: record(row) } : { ok: false, reason: "exists" };
      }
      const r = await db.query<Row>(
        `UPDATE isa_conversations
         SET turns = turns || jsonb_build_array($2::jsonb),
             audience = ARRAY(SELECT DISTINCT g FROM unnest(audience || $3::text[]) AS g ORDER BY g),
             updated_at = $5
         WHERE id = $1 AND audience <@ $3::text[] AND jsonb_array_length(turns) < $4
         RETURNING ${COLUMNS}`,
        [input.id, turn, groups, input.maxTurns, now()],
      );
      const row = r.rows[0];
      if (row) return { ok: true, conversation: record(row) };
      // Nothing updated: say why (this read is only for the reason; the write above was the check).
      const why = await db.query<{ visible: boolean }>(
        "SELECT audience <@ $2::text[] AS visible FROM isa_conversations WHERE id = $1",
        [input.id, groups],
      );
      const w = why.rows[0];
      if (!w) return { ok: false, reason: "not-found" };
      return { ok: false, reason: w.visible ? "full" : "not-visible" };
    },
    async ping() {
      await db.query("SELECT 1");
    },
    async close() {
      sweeper?.stop();
      if (opts.ownsDatabase) await db.close();
    },
  };
}
