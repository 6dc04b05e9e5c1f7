// A tiny FIFO pool: hands out a fixed set of resources (llama.cpp context sequences) one caller at a time,
// so concurrent requests queue instead of interleaving tokens on one sequence.

export interface Pool<T> {
  /** Wait for a free item. Rejects with the signal's reason if it aborts while waiting (and leaves the queue). */
  acquire(signal?: AbortSignal): Promise<T>;
  release(item: T): void;
  /** Callers waiting for an item (for metrics and tests). */
  readonly waiting: number;
}

export function createPool<T>(items: readonly T[]): Pool<T> {
  const free = [...items];
  const waiters: Array<(item: T) => void> = [];

  return {
    get waiting() {
      return waiters.length;
    },
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const item = free.shift();
      if (item !== undefined) return Promise.resolve(item);
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          const i = waiters.indexOf(take);
          if (i !== -1) waiters.splice(i, 1);
          reject(signal?.reason);
        };
        const take = (it: T) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(it);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        waiters.push(take);
      });
    },
    release(item) {
      const next = waiters.shift();
      if (next) next(item);
      else free.push(item);
    },
  };
}
