// Serialises writes within one process: LanceDB commits are optimistic, and two of our own writes racing on one
// table would only cost retries or conflicts. A failed task does not block the ones queued after it.

export class WriteQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Run `task` after every task queued before it has settled; resolves or rejects with the task's outcome. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Settles when everything queued so far has settled. */
  async idle(): Promise<void> {
    await this.#tail;
  }
}
