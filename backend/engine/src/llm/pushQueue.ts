// A push → pull bridge: callback APIs (node-llama-cpp's onTextChunk) feed it, an async iterator drains it.
// Unbounded on purpose: a generation produces at most maxTokens items, so there is nothing to push back on.

export interface PushQueue<T> extends AsyncIterable<T> {
  push(value: T): void;
  /** No more values: the iterator finishes after draining what was pushed. */
  end(): void;
  /** The iterator throws `err` after draining what was pushed. */
  fail(err: unknown): void;
}

export function createPushQueue<T>(): PushQueue<T> {
  const items: T[] = [];
  let finished = false;
  let failure: { err: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  return {
    push(value) {
      if (finished) return;
      items.push(value);
      notify();
    },
    end() {
      finished = true;
      notify();
    },
    fail(err) {
      if (finished) return;
      failure = { err };
      finished = true;
      notify();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = items.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (finished) {
          if (failure) throw failure.err;
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
