/**
 * Wakes waiting subscriptions. The counter closes the race between "read found nothing"
 * and "start waiting": a reader notes the counter before reading and waits only if no
 * wake-up arrived in between.
 */
export class Wakeups {
  private counter = 0;
  private waiters = new Set<() => void>();

  get current(): number {
    return this.counter;
  }

  wake(): void {
    this.counter++;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const resolve of waiters) resolve();
  }

  /** Resolves on the next wake-up after `seen`, on timeout, or when the signal aborts. */
  wait(seen: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.counter !== seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }
}
