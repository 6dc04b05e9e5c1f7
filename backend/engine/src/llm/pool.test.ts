// The sequence pool and the push queue: FIFO hand-over, leaving the queue on abort, draining before ending.
import { describe, expect, it } from "vitest";
import { createPool } from "./pool.js";
import { createPushQueue } from "./pushQueue.js";

describe("createPool", () => {
  it("hands items out first-come first-served and queues the rest", async () => {
    const pool = createPool(["seq0"]);
    const a = await pool.acquire();
    const order: string[] = [];
    const b = pool.acquire().then((x) => order.push(`b:${x}`));
    const c = pool.acquire().then((x) => order.push(`c:${x}`));
    expect(pool.waiting).toBe(2);
    pool.release(a);
    await b;
    pool.release("seq0");
    await c;
    expect(order).toEqual(["b:seq0", "c:seq0"]);
  });

  it("rejects a waiter whose signal aborts, and skips it on release", async () => {
    const pool = createPool([1]);
    const held = await pool.acquire();
    const ctrl = new AbortController();
    const gone = pool.acquire(ctrl.signal);
    const next = pool.acquire();
    ctrl.abort(new Error("cancelled"));
    await expect(gone).rejects.toThrow("cancelled");
    expect(pool.waiting).toBe(1);
    pool.release(held);
    await expect(next).resolves.toBe(1);
    await expect(pool.acquire(AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
  });
});

describe("createPushQueue", () => {
  it("drains pushed values, then ends or throws", async () => {
    const q = createPushQueue<number>();
    q.push(1);
    setTimeout(() => {
      q.push(2);
      q.fail(new Error("boom"));
      q.push(3);
    }, 5);
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const v of q) got.push(v);
      })(),
    ).rejects.toThrow("boom");
    expect(got).toEqual([1, 2]);
  });
});
