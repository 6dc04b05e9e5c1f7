// The Bus contract as a reusable vitest suite: the in-process bus and the Kafka adapter (against a real broker) run
// the same tests, so "at-least-once", "ordered per key" and "consumer group" mean the same thing in both modes.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Bus, BusMessage, BusSubscription } from "../bus/bus.js";

export interface BusConformanceTarget {
  /** Makes `topic` exist with `partitions` partitions; called before `open` in each test. */
  createTopic(topic: string, partitions: number): Promise<void>;
  /** A bus for one test; the suite closes it. */
  open(): Promise<Bus>;
}

const fastRetry = { minMs: 10, maxMs: 50 };

/** Polls `cond` until it holds; the bound only turns a hang into a failure that says what was awaited. */
async function until(cond: () => boolean, what: string, boundMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > boundMs) throw new Error(`still waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Both members hold partitions, disjoint, covering all of `topic`'s `partitions` (the group has settled). */
function settled(subs: readonly BusSubscription[], topic: string, partitions: number): boolean {
  const held = subs.map((s) => s.assignment()[topic] ?? []);
  if (held.some((h) => h.length === 0)) return false;
  const all = held.flat();
  return all.length === partitions && new Set(all).size === partitions;
}

export function describeBusConformance(name: string, target: () => BusConformanceTarget): void {
  describe(`Bus conformance: ${name}`, () => {
    const opened: Bus[] = [];
    const topic = async (partitions: number): Promise<string> => {
      const t = `conformance.${randomUUID().slice(0, 8)}`;
      await target().createTopic(t, partitions);
      return t;
    };
    const open = async (): Promise<Bus> => {
      const bus = await target().open();
      opened.push(bus);
      return bus;
    };
    const group = () => `g-${randomUUID().slice(0, 8)}`;

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((b) => b.close()));
    });

    it("delivers key, value and headers as published", async () => {
      const t = await topic(2);
      const bus = await open();
      const got: BusMessage[] = [];
      const sub = await bus.subscribe({
        topics: [t],
        group: group(),
        handler: async (m) => {
          got.push(m);
        },
      });
      await sub.ready;
      const headers = {
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "x-note": "ünïcødé ✓",
      };
      await bus.publish(t, { key: "task-1", value: JSON.stringify({ jsonrpc: "2.0", id: 1 }), headers });
      await bus.publish(t, [
        { key: "task-2", value: "two" },
        { key: "task-3", value: "" },
      ]);
      await until(() => got.length >= 3, "three records");
      const byKey = Object.fromEntries(got.map((m) => [m.key, m]));
      expect(byKey["task-1"]?.value).toBe('{"jsonrpc":"2.0","id":1}');
      expect(byKey["task-1"]?.headers).toMatchObject(headers);
      expect(byKey["task-1"]?.topic).toBe(t);
      expect(byKey["task-1"]?.deliveryAttempt).toBe(1);
      expect(byKey["task-2"]?.value).toBe("two");
      expect(byKey["task-3"]?.value).toBe("");
      expect(byKey["task-2"]?.headers).toEqual({});
    });

    it("redelivers a record whose handler threw, then commits it (at-least-once)", async () => {
      const t = await topic(2);
      const bus = await open();
      const attempts: number[] = [];
      const done: string[] = [];
      const sub = await bus.subscribe({
        topics: [t],
        group: group(),
        retryBackoff: fastRetry,
        handler: async (m) => {
          if (m.key === "flaky") {
            attempts.push(m.deliveryAttempt);
            if (m.deliveryAttempt < 3) throw new Error(`transient failure ${m.deliveryAttempt}`);
          }
          done.push(m.value);
        },
      });
      await sub.ready;
      await bus.publish(t, [
        { key: "flaky", value: "flaky-1" },
        { key: "steady", value: "steady-1" },
      ]);
      await until(() => done.includes("flaky-1") && done.includes("steady-1"), "both records handled");
      expect(attempts).toEqual([1, 2, 3]);
      expect(done.filter((v) => v === "flaky-1")).toHaveLength(1);
    });

    it("keeps the order of records with the same key, across partitions handled concurrently", async () => {
      const t = await topic(4);
      const bus = await open();
      const seen = new Map<string, number[]>();
      const sub = await bus.subscribe({
        topics: [t],
        group: group(),
        concurrency: 4,
        handler: async (m) => {
          // Uneven handler times would reorder records if a partition were ever handled two at a time.
          if (Number(m.value) % 7 === 0) await sleep(3);
          const list = seen.get(m.key) ?? [];
          list.push(Number(m.value));
          seen.set(m.key, list);
        },
      });
      await sub.ready;
      const keys = ["ctx-a", "ctx-b", "ctx-c", "ctx-d", "ctx-e"];
      const perKey = 40;
      for (let i = 0; i < perKey; i += 10) {
        // Mixed batch sizes: one record per call, then a batch of all keys.
        await bus.publish(t, { key: keys[i % keys.length] as string, value: String(i) });
        await bus.publish(
          t,
          keys.flatMap((key) =>
            Array.from({ length: 10 }, (_, j) => ({ key, value: String(i + j) })).filter(
              (r) => !(r.key === keys[i % keys.length] && r.value === String(i)),
            ),
          ),
        );
      }
      await until(
        () => keys.every((k) => (seen.get(k)?.length ?? 0) >= perKey),
        `${perKey} records for each of ${keys.length} keys`,
      );
      for (const k of keys) expect(seen.get(k)).toEqual(Array.from({ length: perKey }, (_, i) => i));
    });

    it("splits partitions between the members of a group; every group gets every record", async () => {
      const partitions = 4;
      const t = await topic(partitions);
      const bus = await open();
      const g = group();
      const byMember: [BusMessage[], BusMessage[]] = [[], []];
      const other: BusMessage[] = [];
      const member = (i: 0 | 1) =>
        bus.subscribe({
          topics: [t],
          group: g,
          handler: async (m) => {
            byMember[i].push(m);
          },
        });
      const a = await member(0);
      const b = await member(1);
      const c = await bus.subscribe({
        topics: [t],
        group: group(),
        handler: async (m) => {
          other.push(m);
        },
      });
      await Promise.all([a.ready, b.ready, c.ready]);
      await until(() => settled([a, b], t, partitions), "the two members to split the partitions");
      const held = [new Set(a.assignment()[t]), new Set(b.assignment()[t])];
      const n = 60;
      await bus.publish(
        t,
        Array.from({ length: n }, (_, i) => ({ key: `task-${i}`, value: String(i) })),
      );
      await until(
        () => new Set([...byMember[0], ...byMember[1]].map((m) => m.value)).size === n,
        "the group to handle every record",
      );
      await until(
        () => new Set(other.map((m) => m.value)).size === n,
        "the second group to handle every record",
      );
      expect(byMember[0].length).toBeGreaterThan(0);
      expect(byMember[1].length).toBeGreaterThan(0);
      byMember.forEach((msgs, i) => {
        for (const m of msgs) expect(held[i]?.has(m.partition)).toBe(true);
      });
    });

    it("gives an uncommitted record to the next member of the group, and not a committed one", async () => {
      const t = await topic(1);
      const bus = await open();
      const g = group();
      const first: string[] = [];
      const one = await bus.subscribe({
        topics: [t],
        group: g,
        retryBackoff: fastRetry,
        handler: async (m) => {
          first.push(m.value);
          if (m.value === "r2") throw new Error("this member cannot handle r2");
        },
      });
      await one.ready;
      await until(() => (one.assignment()[t]?.length ?? 0) === 1, "the first member to hold the partition");
      await bus.publish(t, { key: "k", value: "r1" });
      await until(() => first.includes("r1"), "r1 handled by the first member");
      await bus.publish(t, { key: "k", value: "r2" });
      await until(() => first.filter((v) => v === "r2").length >= 2, "r2 failing on the first member");
      await one.close();
      const second: string[] = [];
      const two = await bus.subscribe({
        topics: [t],
        group: g,
        handler: async (m) => {
          second.push(m.value);
        },
      });
      await two.ready;
      await until(() => second.includes("r2"), "r2 redelivered to the next member");
      expect(second).not.toContain("r1");
    });

    it("starts a new group at the oldest record when asked to", async () => {
      const t = await topic(2);
      const bus = await open();
      await bus.publish(t, [
        { key: "a", value: "before-1" },
        { key: "b", value: "before-2" },
      ]);
      const got: string[] = [];
      const sub = await bus.subscribe({
        topics: [t],
        group: group(),
        fromBeginning: true,
        handler: async (m) => {
          got.push(m.value);
        },
      });
      await sub.ready;
      await until(() => got.length >= 2, "records published before the group existed");
      expect(got.sort()).toEqual(["before-1", "before-2"]);
    });

    it("closes cleanly: in-flight handlers finish first, then publish and subscribe refuse", async () => {
      const t = await topic(1);
      const bus = await open();
      const log: string[] = [];
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const sub = await bus.subscribe({
        topics: [t],
        group: group(),
        handler: async (m) => {
          log.push(`start ${m.value}`);
          await gate;
          log.push(`end ${m.value}`);
        },
      });
      await sub.ready;
      await bus.publish(t, { key: "k", value: "slow" });
      await until(() => log.includes("start slow"), "the handler to start");
      const closing = bus.close().then(() => log.push("closed"));
      await sleep(50);
      release();
      await closing;
      expect(log).toEqual(["start slow", "end slow", "closed"]);
      await expect(bus.publish(t, { key: "k", value: "late" })).rejects.toThrow();
      await expect(bus.subscribe({ topics: [t], group: group(), handler: async () => {} })).rejects.toThrow();
      await bus.close();
    });
  });
}
