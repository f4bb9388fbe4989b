import type { EventFilter, EventStore, Position } from '@registry/eventstore';
import type pg from 'pg';
import { RegistryProjection } from './registry-projection.js';
import {
  BACKLOG_SCAN_LIMIT,
  type Backlog,
  backlogAfter,
  ProjectionBehind,
  ProjectionFailed,
  type RunnerState,
  type RunnerStatus,
} from './runner.js';

export interface WatcherOptions {
  /** Where the projection's tables and checkpoint are read (a replica's pool, if queries go there). */
  pool: pg.Pool;
  store: EventStore;
  projection: { readonly name: string; readonly filter?: EventFilter };
  /** How often the checkpoint is read for readiness. */
  refreshMs?: number;
  /** How often it is read while a request waits for a position. */
  waitPollMs?: number;
}

interface CheckpointRow {
  position: string | null;
  status: string;
  error: string | null;
  failed_position: string | null;
}

/**
 * A projection that another process runs, followed from its checkpoint row: what a process
 * serving queries without running projections (ROLE=api) needs — read-your-writes
 * (`waitFor`), status, lag and backlog for readiness. The row is read every `refreshMs`, and
 * every `waitPollMs` while a request waits. The row is committed in the same transaction as the
 * rows it vouches for, so where it says a position is in, it is in — on a streaming replica too.
 */
export class CheckpointWatcher {
  private row: CheckpointRow | undefined;
  /** Whether none of the projection's events lay past the checkpoint at the last full read. */
  private caughtUp = false;
  private waiters: { position: Position; resolve: () => void; reject: (e: Error) => void }[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private lastError: string | undefined;

  constructor(private readonly options: WatcherOptions) {}

  get name(): string {
    return this.options.projection.name;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.refreshTimer = setInterval(() => void this.refresh(), this.options.refreshMs ?? 1_000);
    this.refreshTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.refreshTimer);
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    await this.reading;
  }

  status(): RunnerStatus {
    return {
      name: this.name,
      state: this.state(),
      checkpoint: this.row?.position ?? null,
      processed: 0,
      eventsPerSecond: 0,
      ...(this.row?.status === 'failed' && this.row.error ? { error: this.row.error } : {}),
      ...(this.lastError ? { error: this.lastError } : {}),
      ...(this.row?.failed_position ? { failedPosition: this.row.failed_position } : {}),
    };
  }

  async lag(): Promise<{ head: Position | null; checkpoint: Position | null; behind: boolean }> {
    const head = (await this.options.store.headPosition()) ?? null;
    const checkpoint = this.row?.position ?? null;
    return { head, checkpoint, behind: head !== null && (checkpoint === null || checkpoint < head) };
  }

  /** Reads the checkpoint afresh first: readiness asks this, and must not judge a second-old row. */
  async backlog(cap: number, scanLimit = BACKLOG_SCAN_LIMIT): Promise<Backlog> {
    await this.refresh();
    return backlogAfter(this.options.store, this.options.projection.filter, this.row?.position ?? null, cap, scanLimit);
  }

  /** Resolves once the checkpoint row says `position` is in the read models. */
  waitFor(position: Position, timeoutMs = 10_000): Promise<void> {
    const at = this.row?.position ?? null;
    if (at !== null && at >= position) return Promise.resolve();
    if (this.row?.status === 'failed') return Promise.reject(new ProjectionFailed(this.row.error ?? 'failed'));
    return new Promise((resolve, reject) => {
      const waiter = { position, resolve, reject };
      this.waiters.push(waiter);
      this.pollWhileWaiting();
      setTimeout(() => {
        if (!this.waiters.includes(waiter)) return;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new ProjectionBehind(this.name, position, this.row?.position ?? null, timeoutMs));
      }, timeoutMs).unref();
    });
  }

  private state(): RunnerState {
    if (this.lastError) return 'retrying';
    if (!this.row) return 'starting';
    if (this.row.status === 'failed') return 'failed';
    return this.caughtUp ? 'caught_up' : 'catching_up';
  }

  private pollWhileWaiting(): void {
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => {
      if (this.waiters.length === 0) {
        clearInterval(this.pollTimer);
        this.pollTimer = undefined;
        return;
      }
      void this.refresh(false);
    }, this.options.waitPollMs ?? 20);
    this.pollTimer.unref();
  }

  /** Reads the row (and, for readiness, whether its events lie past it); one read at a time. */
  private async refresh(full = true): Promise<void> {
    // A quick read in flight does not answer a full one: wait for it, then read again.
    while (this.reading) {
      const reading = this.reading;
      await reading;
      if (!full) return;
    }
    this.reading = this.read(full).finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(full: boolean): Promise<void> {
    try {
      const rows = await this.options.pool.query<CheckpointRow>(
        'SELECT position, status, error, failed_position FROM projection_checkpoints WHERE name = $1',
        [this.name],
      );
      this.row = rows.rows[0];
      if (full) {
        // A filtered projection's checkpoint may stop short of the log's end (the last events
        // are not its own): caught up means none of its events lies past the checkpoint.
        const past = await backlogAfter(
          this.options.store,
          this.options.projection.filter,
          this.row?.position ?? null,
          0,
          1_000,
        );
        this.caughtUp = this.row !== undefined && past.events === 0 && !past.atLeast;
      }
      this.lastError = undefined;
    } catch (error) {
      // The table not made yet (no worker has started) is "starting", not an error.
      if ((error as { code?: string }).code === '42P01') this.row = undefined;
      else this.lastError = `cannot read the checkpoint: ${(error as Error).message}`;
      return;
    }
    const at = this.row?.position ?? null;
    if (this.row?.status === 'failed') {
      for (const w of this.waiters) w.reject(new ProjectionFailed(this.row.error ?? 'failed'));
      this.waiters = [];
      return;
    }
    if (at === null) return;
    const reached = this.waiters.filter((w) => w.position <= at);
    this.waiters = this.waiters.filter((w) => w.position > at);
    for (const w of reached) w.resolve();
  }
}

/**
 * The registry read models as a process that does not run them sees them: the active version,
 * followed through its checkpoint. When a rebuild switches the active version, queries move
 * to it once its checkpoint has reached the old one's, so they never read a version behind.
 */
export class RegistryVersionWatcher {
  private current: { projection: RegistryProjection; watcher: CheckpointWatcher } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly options: Omit<WatcherOptions, 'projection'> & {
      pollMs?: number;
      onSwitch?: (from: number, to: number) => void;
      onCheckFailed?: (error: Error) => void;
    },
  ) {}

  get projection(): RegistryProjection {
    if (!this.current) throw new Error('the registry version watcher is not started');
    return this.current.projection;
  }

  get watcher(): CheckpointWatcher {
    if (!this.current) throw new Error('the registry version watcher is not started');
    return this.current.watcher;
  }

  async start(): Promise<void> {
    this.current = await this.watch(await this.active());
    this.timer = setInterval(() => {
      this.checking ??= this.check()
        .catch((error: Error) => this.options.onCheckFailed?.(error))
        .finally(() => {
          this.checking = undefined;
        });
    }, this.options.pollMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
    await this.current?.watcher.stop();
  }

  /** Looks once for a switched version; moves to it when it has caught up with the serving one. */
  async check(): Promise<void> {
    const current = this.current;
    if (!current) return;
    const active = await this.active();
    if (active === current.projection.version) return;
    const next = await this.watch(active);
    const was = current.watcher.status().checkpoint;
    const now = next.watcher.status().checkpoint;
    if (was !== null && (now === null || now < was)) {
      await next.watcher.stop();
      return;
    }
    this.current = next;
    this.options.onSwitch?.(current.projection.version, active);
    await current.watcher.stop();
  }

  /**
   * The active version, read only (the pool may be a replica's, where nothing is made): 1
   * until a rebuild switches it, or while no worker has made the table yet.
   */
  private async active(): Promise<number> {
    try {
      const rows = await this.options.pool.query<{ version: number }>(
        "SELECT version FROM projection_active WHERE family = 'registry'",
      );
      return rows.rows[0]?.version ?? 1;
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return 1;
      throw error;
    }
  }

  private async watch(version: number) {
    const projection = new RegistryProjection(this.options.store, version);
    const watcher = new CheckpointWatcher({ ...this.options, projection });
    await watcher.start();
    return { projection, watcher };
  }
}
