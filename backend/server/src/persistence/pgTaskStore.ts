// A2A tasks in PostgreSQL behind @a2a-js/sdk's TaskStore port. Scoping is the SDK's InMemoryTaskStore's, kept to
// the letter: rows are keyed (agent, tenant, owner, id) with owner = resolveUserScope(context) (our PrincipalUser's
// userName is the principal id), and every read filters on all of them, so a principal never loads, lists or
// overwrites another's task, even knowing its id. The task is stored as its proto-JSON (Task.toJSON), as JSONB;
// listing mirrors InMemoryTaskStore.list (newest status first, same cursor format).
import { Task } from "@a2a-js/sdk";
import type { OwnerResolver, ServerCallContext, TaskStore } from "@a2a-js/sdk/server";
import { resolveUserScope } from "@a2a-js/sdk/server";
import type { Database } from "./database.js";
import { jsonbText } from "./database.js";

/** The SDK's default page size for tasks/list. */
const DEFAULT_PAGE_SIZE = 50;

interface Row {
  id: string;
  status_ts: string;
  task: unknown;
}

function encodeCursor(ts: string, id: string): string {
  return Buffer.from(`${ts}|${id}`).toString("base64");
}

function decodeCursor(token: string): { ts: string; id: string } | undefined {
  const [ts, ...rest] = Buffer.from(token, "base64").toString("utf8").split("|");
  return ts === undefined || rest.length === 0 ? undefined : { ts, id: rest.join("|") };
}

/** Text columns cannot hold NUL; ids and owners from clients could carry one (it then matches nothing stored). */
const clean = (s: string) => s.replaceAll(String.fromCharCode(0), "\ufffd");

export interface PgTaskStoreOptions {
  /** Which agent's tasks (one table holds all three agents'). */
  readonly agent: string;
  readonly ownerResolver?: OwnerResolver;
  /** Clock for `updated_at`, the age retention reads (tests inject one; default the process clock). */
  readonly now?: () => Date;
}

export function createPgTaskStore(db: Database, opts: PgTaskStoreOptions): TaskStore {
  const owner = opts.ownerResolver ?? resolveUserScope;
  const now = opts.now ?? (() => new Date());
  const scope = (context: ServerCallContext) =>
    [opts.agent, clean(context.tenant ?? ""), clean(owner(context))] as const;

  return {
    async save(task, context) {
      await db.query(
        `INSERT INTO isa_a2a_tasks (agent, tenant, owner, id, context_id, state, status_ts, task, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)
         ON CONFLICT (agent, tenant, owner, id) DO UPDATE
         SET context_id = EXCLUDED.context_id, state = EXCLUDED.state, status_ts = EXCLUDED.status_ts,
             task = EXCLUDED.task, updated_at = EXCLUDED.updated_at`,
        [
          ...scope(context),
          clean(task.id),
          clean(task.contextId),
          task.status?.state ?? 0,
          task.status?.timestamp ?? "",
          jsonbText(Task.toJSON(task)),
          now(),
        ],
      );
    },

    async load(taskId, context) {
      const r = await db.query<Row>(
        "SELECT id, status_ts, task FROM isa_a2a_tasks WHERE agent = $1 AND tenant = $2 AND owner = $3 AND id = $4",
        [...scope(context), clean(taskId)],
      );
      const row = r.rows[0];
      return row ? Task.fromJSON(row.task) : undefined;
    },

    async list(params, context) {
      const pageSize = params.pageSize ?? DEFAULT_PAGE_SIZE;
      const where = ["agent = $1", "tenant = $2", "owner = $3"];
      const values: unknown[] = [...scope(context)];
      if (params.contextId) {
        values.push(clean(params.contextId));
        where.push(`context_id = $${values.length}`);
      }
      if (params.status !== undefined && params.status !== 0) {
        values.push(params.status);
        where.push(`state = $${values.length}`);
      }
      const filtered = [...where];
      const filteredValues = [...values];
      let after: { ts: string; id: string } | undefined;
      if (params.pageToken) {
        after = decodeCursor(params.pageToken);
        if (!after) return { tasks: [], nextPageToken: "", pageSize, totalSize: 0 };
        values.push(clean(after.ts), clean(after.id));
        where.push(`(status_ts COLLATE "C", id COLLATE "C") < ($${values.length - 1}, $${values.length})`);
      }
      let rows = (
        await db.query<Row>(
          `SELECT id, status_ts, task FROM isa_a2a_tasks WHERE ${where.join(" AND ")}
           ORDER BY status_ts COLLATE "C" DESC, id COLLATE "C" DESC`,
          values,
        )
      ).rows;
      let total = (
        await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM isa_a2a_tasks WHERE ${filtered.join(" AND ")}`,
          filteredValues,
        )
      ).rows[0]?.n;
      // statusTimestampAfter compares instants, as the SDK's store does (Date parsing), so it is applied here.
      if (params.statusTimestampAfter) {
        const t = new Date(params.statusTimestampAfter).getTime();
        const keep = (ts: string) => ts !== "" && new Date(ts).getTime() > t;
        rows = rows.filter((r) => keep(r.status_ts));
        const all = await db.query<{ status_ts: string }>(
          `SELECT status_ts FROM isa_a2a_tasks WHERE ${filtered.join(" AND ")}`,
          filteredValues,
        );
        total = String(all.rows.filter((r) => keep(r.status_ts)).length);
      }
      const page = rows.slice(0, pageSize);
      const last = page.at(-1);
      return {
        tasks: page.map((r) => {
          const task = Task.fromJSON(r.task);
          if (!params.includeArtifacts) task.artifacts = [];
          return task;
        }),
        nextPageToken: last && rows.length > page.length ? encodeCursor(last.status_ts, last.id) : "",
        pageSize,
        totalSize: Number(total ?? 0),
      };
    },
  };
}
