import type pg from 'pg';

export interface LeaseOptions {
  pool: pg.Pool;
  /** What the lease is for, e.g. `projections:registry`; its lock key is derived from it. */
  name: string;
  /** How often a process without the lease tries for it, and the holder checks it still has it. */
  everyMs?: number;
  /** Called once the lease is held: start the work it guards. */
  onAcquired: () => Promise<void>;
  /** Called when the lease is lost or given up: stop the work, at once. */
  onLost: (reason: string) => Promise<void>;
  /** A failed attempt or check (the database away): tried again at the next tick. */
  onError?: (error: Error) => void;
}

/**
 * A named lease on a shared PostgreSQL, held by one process at a time: a session-level
 * advisory lock (`pg_try_advisory_lock`) on a connection kept for as long as the lease. The
 * server releases it when that connection ends — its process killed with -9, the connection
 * terminated (`pg_terminate_backend`), the network cut once the server notices — and another
 * process waiting for it takes it at its next try. The holder checks its connection at every
 * tick and stops the guarded work as soon as it fails or does not answer within three ticks.
 *
 * A lease alone cannot stop a holder that has lost it from writing for the moment before it
 * notices: the work it guards must fence its own writes (the projection runners' checkpoints
 * are compare-and-set, so such a batch is refused whole).
 */
export class Lease {
  private client: pg.PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private readonly everyMs: number;

  constructor(private readonly options: LeaseOptions) {
    this.everyMs = options.everyMs ?? 1_000;
  }

  get name(): string {
    return this.options.name;
  }

  /** Whether this process holds the lease now. */
  get held(): boolean {
    return this.client !== undefined;
  }

  /** Tries for the lease once now (awaited), then at every tick until stopped. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.tickOnce();
    this.timer = setInterval(() => void this.tickOnce(), this.everyMs);
    this.timer.unref();
  }

  /** Stops the guarded work (if held) and lets the lease go for another process to take. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    await this.options.onLost('stopping');
    try {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [this.key]);
      client.release();
    } catch (error) {
      client.release(error as Error);
    }
  }

  private get key(): string {
    return `lease:${this.options.name}`;
  }

  private tickOnce(): Promise<void> {
    this.ticking ??= (this.client ? this.check() : this.acquire())
      .catch((error: Error) => this.options.onError?.(error))
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  private async acquire(): Promise<void> {
    if (this.stopped) return;
    const client = await this.options.pool.connect();
    let got = false;
    try {
      const row = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got', [
        this.key,
      ]);
      got = row.rows[0]?.got === true;
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    if (!got || this.stopped) {
      if (got) await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [this.key]).catch(() => {});
      client.release();
      return;
    }
    try {
      await this.options.onAcquired();
    } catch (error) {
      // The work could not start (the database away): what started is stopped, the lease let
      // go, and tried for again at the next tick.
      await this.options.onLost(`its work could not start: ${(error as Error).message}`).catch(() => {});
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [this.key]).catch(() => {});
      client.release(error as Error);
      throw error;
    }
    this.client = client;
    // The connection's end is the lease's end: told at once, not only at the next check.
    client.once('error', (error: Error) => {
      // Stopping the work may fail too (the database is away): reported, never unhandled.
      this.lose(client, `its connection failed: ${error.message}`).catch((e: Error) => this.options.onError?.(e));
    });
  }

  private async check(): Promise<void> {
    const client = this.client;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${3 * this.everyMs} ms`)), 3 * this.everyMs);
    });
    try {
      await Promise.race([client.query('SELECT 1'), late]);
    } catch (error) {
      await this.lose(client, `its connection did not answer: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private async lose(client: pg.PoolClient, reason: string): Promise<void> {
    if (this.client !== client) return;
    this.client = undefined;
    client.release(new Error(reason));
    await this.options.onLost(reason);
  }
}
