// What every A2A TaskStore of ours must do, run against the SDK's own InMemoryTaskStore (the reference) and the
// PostgreSQL one: scoping by (tenant, owner) on every operation, overwrite on save, and tasks/list's order, filters
// and pages.
import { Task } from "@a2a-js/sdk";
import type { TaskStore } from "@a2a-js/sdk/server";
import { ServerCallContext } from "@a2a-js/sdk/server";
import { describe, expect, it } from "vitest";

export interface TaskStoreHarness {
  /** A fresh, empty store scope (tests use a new tenant each, so leftovers from others cannot show). */
  open(): Promise<TaskStore>;
}

const user = (name: string) => ({ isAuthenticated: true, userName: name });

export function ctx(owner: string, tenant?: string): ServerCallContext {
  return new ServerCallContext({ user: user(owner), ...(tenant === undefined ? {} : { tenant }) });
}

let n = 0;
export function task(
  over: { id?: string; contextId?: string; state?: string; timestamp?: string } = {},
): Task {
  n++;
  return Task.fromJSON({
    id: over.id ?? `task-${n}-${Math.random().toString(36).slice(2)}`,
    contextId: over.contextId ?? "ctx-1",
    status: {
      state: over.state ?? "TASK_STATE_COMPLETED",
      timestamp: over.timestamp ?? new Date(Date.UTC(2026, 10, 24, 20, 0, n)).toISOString(),
      message: {
        messageId: `m-${n}`,
        role: "ROLE_AGENT",
        parts: [{ text: `Answer ${n}: ünïcödé 😀 [1]` }],
      },
    },
    history: [{ messageId: `u-${n}`, role: "ROLE_USER", parts: [{ text: "How do I deploy?" }] }],
    artifacts: [
      {
        artifactId: `a-${n}`,
        name: "answer",
        parts: [
          { data: { citations: [{ n: 1, path: "eng/deploy.md" }] } },
          { raw: Buffer.from([0, 1, 2, 255]).toString("base64") },
        ],
      },
    ],
    metadata: { traceId: "0123456789abcdef0123456789abcdef" },
  });
}

const tenantOf = () => `t-${Math.random().toString(36).slice(2)}`;

export function describeTaskStore(name: string, h: TaskStoreHarness): void {
  describe(`TaskStore conformance: ${name}`, () => {
    it("round-trips a task exactly, and overwrites on save", async () => {
      const s = await h.open();
      const c = ctx("alice", tenantOf());
      const t = task();
      await s.save(t, c);
      expect(Task.toJSON((await s.load(t.id, c)) as Task)).toEqual(Task.toJSON(t));
      const t2 = Task.fromJSON({ ...(Task.toJSON(t) as object), metadata: { v: 2 } });
      await s.save(t2, c);
      expect((await s.load(t.id, c))?.metadata).toEqual({ v: 2 });
    });

    it("another owner, or the same owner in another tenant, cannot load, list or overwrite it", async () => {
      const s = await h.open();
      const tenant = tenantOf();
      const t = task();
      await s.save(t, ctx("alice", tenant));
      expect(await s.load(t.id, ctx("mallory", tenant))).toBeUndefined();
      expect(await s.load(t.id, ctx("alice", `${tenant}-other`))).toBeUndefined();
      const listed = await s.list(
        { tenant, contextId: "", status: 0, pageToken: "", statusTimestampAfter: undefined },
        ctx("mallory", tenant),
      );
      expect(listed.tasks).toEqual([]);
      expect(listed.totalSize).toBe(0);
      // mallory saving the same id makes mallory's own task; alice's is untouched.
      const forged = Task.fromJSON({ ...(Task.toJSON(t) as object), metadata: { forged: true } });
      await s.save(forged, ctx("mallory", tenant));
      expect((await s.load(t.id, ctx("alice", tenant)))?.metadata).toEqual(t.metadata);
    });

    it("lists newest status first, filters by context and state, pages with nextPageToken, drops artifacts unless asked", async () => {
      const s = await h.open();
      const tenant = tenantOf();
      const c = ctx("alice", tenant);
      const ts = (i: number) => new Date(Date.UTC(2026, 10, 24, 21, 0, i)).toISOString();
      const saved = [
        task({ id: "a", timestamp: ts(1), contextId: "x" }),
        task({ id: "b", timestamp: ts(3), contextId: "x", state: "TASK_STATE_FAILED" }),
        task({ id: "c", timestamp: ts(2), contextId: "y" }),
        task({ id: "d", timestamp: ts(4), contextId: "x" }),
        task({ id: "e", timestamp: ts(4), contextId: "x" }),
      ];
      for (const t of saved) await s.save(t, c);
      const base = {
        tenant,
        contextId: "",
        status: 0,
        pageToken: "",
        statusTimestampAfter: undefined,
      } as const;
      const all = await s.list({ ...base }, c);
      expect(all.tasks.map((t) => t.id)).toEqual(["e", "d", "b", "c", "a"]);
      expect(all.totalSize).toBe(5);
      expect(all.nextPageToken).toBe("");
      expect(all.tasks.every((t) => t.artifacts.length === 0)).toBe(true);
      const withArtifacts = await s.list({ ...base, includeArtifacts: true }, c);
      expect(withArtifacts.tasks[0]?.artifacts).toHaveLength(1);
      expect((await s.list({ ...base, contextId: "x" }, c)).tasks.map((t) => t.id)).toEqual([
        "e",
        "d",
        "b",
        "a",
      ]);
      const failed = (saved[1] as Task).status?.state ?? 0;
      expect((await s.list({ ...base, status: failed }, c)).tasks.map((t) => t.id)).toEqual(["b"]);
      expect((await s.list({ ...base, statusTimestampAfter: ts(2) }, c)).tasks.map((t) => t.id)).toEqual([
        "e",
        "d",
        "b",
      ]);
      const p1 = await s.list({ ...base, pageSize: 2 }, c);
      expect(p1.tasks.map((t) => t.id)).toEqual(["e", "d"]);
      expect(p1.nextPageToken).not.toBe("");
      const p2 = await s.list({ ...base, pageSize: 2, pageToken: p1.nextPageToken }, c);
      expect(p2.tasks.map((t) => t.id)).toEqual(["b", "c"]);
      const p3 = await s.list({ ...base, pageSize: 2, pageToken: p2.nextPageToken }, c);
      expect(p3.tasks.map((t) => t.id)).toEqual(["a"]);
      expect(p3.nextPageToken).toBe("");
      expect(p3.totalSize).toBe(5);
    });
  });
}
