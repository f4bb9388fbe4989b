import {
  type EventFilter,
  type EventStore,
  isTransientStoreError,
  matchesFilter,
  type Position,
  type RecordedEvent,
} from '@registry/eventstore';
import { migrate } from '@registry/postgres';
import type pg from 'pg';
import { RUNNER_MIGRATIONS } from './migrations.js';

/** A read model fed from `$all`. */
export interface Projection {
  /** Also the checkpoint's key; a new version of a projection is a new name. */
  readonly name: string;
  readonly filter?: EventFilter;
  /** Creates the projection's tables (idempotent). */
  setUp(pool: pg.Pool): Promise<void>;
  /** Applies a batch in `tx`, with set-based SQL. Must not commit; throwing rolls the batch back. */
  apply(events: RecordedEvent[], tx: pg.PoolClient): Promise<void>;
  /** Runs each time the runner reaches the head after catching up (e.g. to build query indexes). */
  onCaughtUp?(pool: pg.Pool): Promise<void>;
  /**
   * Stream-by-stream loading for a build from the start (optional; needs a filter with one
   * stream prefix). Folds whole streams of which the read models hold nothing yet — each
   * stream's events in revision order, up to one log position — and returns the writes, to
   * run later in a transaction. Build every row before returning the writer (it should only
   * send), and yield to the event loop now and then while folding: the previous chunk's
   * writes proceed meanwhile. Must give the same tables as `apply` over the same events.
   */
  bulk?(streams: readonly (readonly RecordedEvent[])[]): Promise<(tx: pg.PoolClient) => Promise<void>>;
}

export type RunnerState = 'starting' | 'catching_up' | 'caught_up' | 'retrying' | 'failed' | 'stopped';

export interface RunnerStatus {
  name: string;
  state: RunnerState;
  checkpoint: Position | null;
  processed: number;
  eventsPerSecond: number;
  error?: string;
  failedPosition?: string;
}

/** What a projection has yet to apply. */
export interface Backlog {
  /** Its events after the checkpoint (at most the cap asked for, plus one). */
  events: number;
  /** Whether there are more than the cap. */
  atLeast: boolean;
  /** When the oldest of them was recorded; null when there are none. */
  oldestRecordedAt: string | null;
}

/**
 * A projection's own events in the log after `checkpoint`: how many (counted up to `cap` + 1)
 * and when the oldest was recorded. With a filter, at most `scanLimit` events of the log are
 * read, and beyond them the answer is "at least".
 */
export async function backlogAfter(
  store: EventStore,
  filter: EventFilter | undefined,
  checkpoint: Position | null,
  cap: number,
  scanLimit = BACKLOG_SCAN_LIMIT,
): Promise<Backlog> {
  let events = 0;
  let oldestRecordedAt: string | null = null;
  let after = checkpoint ?? undefined;
  // A filter that matches few events (the reference family's) would otherwise read on until
  // cap + 1 of them: the whole log while catching up. Past the scan limit the answer is "at least".
  let scanned = 0;
  while (events <= cap) {
    if (filter && scanned >= scanLimit) {
      return { events, atLeast: true, oldestRecordedAt };
    }
    const want = filter ? 1000 : Math.min(1000, cap + 1 - events);
    const page = await store.readAll(after === undefined ? { maxCount: want } : { after, maxCount: want });
    scanned += page.length;
    for (const event of page) {
      if (!matchesFilter(filter, event)) continue;
      events++;
      oldestRecordedAt ??= event.recordedAt;
    }
    if (page.length < want) break;
    after = page[page.length - 1]?.position;
  }
  return { events: Math.min(events, cap + 1), atLeast: events > cap, oldestRecordedAt };
}

export class ProjectionFailed extends Error {}

/** A wait for the read models to reach a position ran out of time: they are behind, not broken. */
export class ProjectionBehind extends Error {
  constructor(
    readonly projection: string,
    readonly position: string,
    readonly checkpoint: string | null,
    readonly timeoutMs: number,
  ) {
    super(
      `projection ${projection} did not reach ${position} within ${timeoutMs} ms (it is at ${checkpoint ?? 'the start'})`,
    );
    this.name = 'ProjectionBehind';
  }
}
export class CheckpointConflict extends Error {}

const IDLE = Symbol('idle');
/** How long a caught-up, filtered runner waits in silence before it checks the log's end. */
const QUIET_MS = 1_000;

/** Events a filtered runner's backlog reads past its checkpoint at most (the readiness probe asks it). */
export const BACKLOG_SCAN_LIMIT = 10_000;

/** An event delivered this soon after a flush ended was waiting during it: the runner is busy. */
const BUSY_WITHIN_MS = 3;

/** The next message, or IDLE when none comes within `ms`. */
async function raceIdle<T>(next: Promise<T>, ms: number): Promise<T | typeof IDLE> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<typeof IDLE>((resolve) => {
    timer = setTimeout(() => resolve(IDLE), ms);
  });
  try {
    return await Promise.race([next, idle]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether an error is the connection's, not the event's: the database or the event store
 * restarted, failed over or dropped the connection, a deadlock. Worth retrying; anything else
 * stops the projection.
 */
export const isTransient = isTransientStoreError;

export interface RunnerOptions {
  store: EventStore;
  pool: pg.Pool;
  projection: Projection;
  batchSize?: number;
  onStateChange?: (status: RunnerStatus) => void;
  /**
   * Once caught up and busy (events waiting when a flush ends), flush at most this often:
   * events arriving meanwhile join the next batch, so a busy live registry writes a few large
   * batches rather than one per command. Adds at most this much to read-your-writes; an
   * event that reaches a quiet runner is flushed at once. Default 20 ms.
   */
  minFlushIntervalMs?: number;
  /**
   * With events received and no message for this long, flush them: the live edge, for a
   * store that does not say it caught up after each live batch. Default 50 ms.
   */
  idleFlushMs?: number;
  /**
   * Events received are flushed within this long however busy the stream: the idle timer
   * restarts with every message (EventStoreDB sends a filtered subscription's checkpoints
   * every few dozen events), so under a steady stream it alone would wait for a full batch.
   * Default 200 ms.
   */
  maxFlushDelayMs?: number;
  /** Backoff after a transient error: doubles from `baseMs` up to `maxMs`. */
  retry?: { baseMs: number; maxMs: number };
  /** Test hook: runs inside the batch transaction after the writes, before COMMIT. */
  beforeCommit?: (events: RecordedEvent[]) => void | Promise<void>;
  /**
   * Build from the start stream by stream (when the store can list streams and the
   * projection has `bulk`), this many streams per transaction; 0 replays `$all` instead.
   * Default 100. See `ProjectionRunner.bulkLoad`.
   */
  bulkStreams?: number;
}

/**
 * Runs one projection: reads `$all` in order, applies each batch and stores the checkpoint
 * in the same transaction, so a crash anywhere loses nothing and counts nothing twice. The
 * checkpoint is compare-and-set: a second runner of the same projection finds it moved and
 * stops. A failing batch is rolled back, recorded, and stops the projection; it is never skipped.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private state: RunnerState = 'stopped';
  private checkpoint: Position | null = null;
  private processed = 0;
  private rateWindow: { at: number; processed: number }[] = [];
  private error: string | undefined;
  private failedPosition: string | undefined;
  private subscription: ReturnType<EventStore['subscribeToAll']> | undefined;
  private loop: Promise<void> | undefined;
  private waiters: { position: Position; resolve: () => void; reject: (e: Error) => void }[] = [];
  /** Whether a batch committed since the last (re)start: resets the backoff. */
  private progressed = false;
  private lastFlushAt = 0;
  /**
   * Whether the batch being gathered began with an event that was already waiting when the
   * last flush ended (delivered within a few ms of it): the registry is busy, so the batch
   * waits out the minimum flush interval to gather more. An event that came to a quiet
   * runner is flushed at once: waiting would gather nothing and only delay read-your-writes.
   */
  private busy = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: RunnerOptions) {
    this.batchSize = options.batchSize ?? 2000;
  }

  get name(): string {
    return this.options.projection.name;
  }

  status(): RunnerStatus {
    return {
      name: this.name,
      state: this.state,
      checkpoint: this.checkpoint,
      processed: this.processed,
      eventsPerSecond: this.rate(),
      ...(this.error ? { error: this.error } : {}),
      ...(this.failedPosition ? { failedPosition: this.failedPosition } : {}),
    };
  }

  /** Sets up tables, loads the checkpoint and starts catching up in the background. */
  async start(): Promise<void> {
    const { pool, projection } = this.options;
    await migrate(pool, 'projections', RUNNER_MIGRATIONS);
    await projection.setUp(pool);
    await pool.query('INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [
      this.name,
    ]);
    const row = await pool.query<{ position: string | null }>(
      'SELECT position FROM projection_checkpoints WHERE name = $1',
      [this.name],
    );
    this.checkpoint = row.rows[0]?.position ?? null;
    this.processed = 0;
    this.error = undefined;
    this.failedPosition = undefined;
    this.setState('starting');
    this.loop = this.supervise();
  }

  async stop(): Promise<void> {
    if (this.state !== 'failed') this.setState('stopped');
    this.wake?.();
    await this.subscription?.close();
    await this.loop;
  }

  /**
   * Runs until stopped. A transient error (connection lost, server restarting, deadlock)
   * rolls its batch back and restarts from the checkpoint after a pause, doubling up to a
   * limit; any other error stops the projection and is recorded.
   */
  private async supervise(): Promise<void> {
    // At most 5 s: the read models should follow within seconds of the database's return.
    const { baseMs, maxMs } = this.options.retry ?? { baseMs: 500, maxMs: 5_000 };
    let attempt = 0;
    for (;;) {
      this.progressed = false;
      try {
        await this.run();
        return;
      } catch (error) {
        if (this.isStopped()) return;
        if (!isTransient(error) || error instanceof CheckpointConflict) {
          await this.fail(error as Error);
          return;
        }
        attempt = this.progressed ? 1 : attempt + 1;
        await this.subscription?.close().catch(() => {});
        this.error = `retrying after a transient error (attempt ${attempt}): ${(error as Error).message}`;
        this.setState('retrying');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        if (this.isStopped()) return;
        this.error = undefined;
      }
    }
  }

  /**
   * How far behind the log the read models are: the log's head, the checkpoint, and whether
   * events lie between them (positions are opaque, so the distance is not a count).
   */
  async lag(): Promise<{ head: Position | null; checkpoint: Position | null; behind: boolean }> {
    const head = (await this.options.store.headPosition()) ?? null;
    const checkpoint = this.checkpoint;
    const filtered = this.options.projection.filter !== undefined;
    // A filtered projection may stop short of the head when the last events are not its own.
    const behind =
      head !== null && (checkpoint === null || checkpoint < head) && !(filtered && this.state === 'caught_up');
    return { head, checkpoint, behind };
  }

  /**
   * The projection's own events in the log after its checkpoint: how many (counted up to
   * `cap` + 1, so a deep backlog costs no more than that) and when the oldest was recorded.
   * A filtered projection's count reads at most `scanLimit` events of the log past its
   * checkpoint, and says "at least" beyond.
   */
  backlog(cap: number, scanLimit = BACKLOG_SCAN_LIMIT): Promise<Backlog> {
    return backlogAfter(this.options.store, this.options.projection.filter, this.checkpoint, cap, scanLimit);
  }

  /** Resolves once everything up to `position` is in the read models (read-your-writes). */
  waitFor(position: Position, timeoutMs = 10_000): Promise<void> {
    if (this.checkpoint !== null && this.checkpoint >= position) return Promise.resolve();
    if (this.state === 'failed') return Promise.reject(new ProjectionFailed(this.error));
    return new Promise((resolve, reject) => {
      const waiter = { position, resolve, reject };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new ProjectionBehind(this.name, position, this.checkpoint, timeoutMs));
      }, timeoutMs).unref();
    });
  }

  private async run(): Promise<void> {
    const { store, projection } = this.options;
    if (this.checkpoint === null && this.bulkPrefix() !== undefined) {
      await this.bulkLoad();
      if (this.isStopped()) return;
    }
    const subscription = store.subscribeToAll({
      ...(this.checkpoint ? { after: this.checkpoint } : {}),
      ...(projection.filter ? { filter: projection.filter } : {}),
    });
    this.subscription = subscription;
    this.setState('catching_up');
    const iterator = subscription[Symbol.asyncIterator]();
    // The next message is asked for before the batch in hand is written: a read that fails
    // meanwhile (the database went away) is seen when the loop comes back to it, and must not
    // count as unhandled in between.
    const ask = () => {
      const promise = iterator.next();
      promise.catch(() => {});
      return promise;
    };
    let next = ask();
    let batch: RecordedEvent[] = [];
    /** The furthest position up to which everything matching has been delivered: the last event's, or a checkpoint after it. */
    let reached: Position | undefined;
    const idleMs = this.options.idleFlushMs ?? 50;
    const maxDelayMs = this.options.maxFlushDelayMs ?? 200;
    const ahead = () => reached !== undefined && (this.checkpoint === null || reached > this.checkpoint);
    /** Since when what was received has waited for a flush. */
    let waitingSince: number | undefined;
    for (;;) {
      // A subscriber may not count on a caught-up message after every live batch (EventStoreDB
      // sends one, when it first goes live): what was delivered is flushed when messages stop
      // coming. Quiet for a while and caught up, a filtered runner moves its checkpoint past
      // the log's end when none of the events there is its own (EventStoreDB's filter never
      // delivers them, and its caught-up position stops at the last matching event).
      const pending = batch.length > 0 || ahead();
      if (!pending) waitingSince = undefined;
      else waitingSince ??= performance.now();
      const overdue = waitingSince !== undefined && performance.now() - waitingSince >= maxDelayMs;
      const result = overdue
        ? IDLE
        : pending
          ? await raceIdle(next, idleMs)
          : this.state === 'caught_up' && projection.filter
            ? await raceIdle(next, QUIET_MS)
            : await next;
      if (result === IDLE) {
        if (pending) {
          await this.flush(batch, reached as Position);
          batch = [];
          await this.caughtUp();
        } else {
          await this.passTheEnd();
        }
        continue;
      }
      if (result.done || this.state === 'stopped' || this.state === 'failed') break;
      next = ask();
      const message = result.value;
      if (message.kind === 'event') {
        if (batch.length === 0) this.busy = performance.now() - this.lastFlushAt < BUSY_WITHIN_MS;
        batch.push(message.event);
        reached = message.event.position;
        if (batch.length >= this.batchSize) {
          // A full batch: more are waiting; the read models are behind until they drain.
          if (this.state === 'caught_up') this.setState('catching_up');
          await this.flush(batch, reached);
          batch = [];
        }
      } else if (message.kind === 'checkpoint') {
        if (reached === undefined || message.position > reached) reached = message.position;
      } else {
        const position = [message.position, reached, batch.at(-1)?.position]
          .filter((p): p is Position => p !== undefined)
          .sort()
          .at(-1);
        if (position && (batch.length > 0 || this.checkpoint === null || position > this.checkpoint)) {
          if (batch.length > 0 && this.state === 'caught_up' && this.busy) {
            const wait = this.lastFlushAt + (this.options.minFlushIntervalMs ?? 20) - performance.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          }
          await this.flush(batch, position);
          batch = [];
        }
        reached = undefined;
        await this.caughtUp();
      }
    }
  }

  /**
   * Caught up and quiet: when the log's end lies beyond the checkpoint and none of the events
   * in between is this projection's, move the checkpoint to the end, so waiting for the log's
   * head (read-your-writes, a rebuild) ends.
   */
  private async passTheEnd(): Promise<void> {
    const head = await this.options.store.headPosition();
    if (head === undefined || (this.checkpoint !== null && head <= this.checkpoint)) return;
    if ((await this.backlog(0, Number.POSITIVE_INFINITY)).events > 0) return;
    await this.flush([], head);
  }

  /** The runner has all there is for now: build what waits for that, and say so once. */
  private async caughtUp(): Promise<void> {
    if (this.state === 'caught_up') return;
    await this.options.projection.onCaughtUp?.(this.options.pool);
    this.setState('caught_up');
  }

  /** The stream prefix to bulk-load by, when the store, the projection and the options allow it. */
  private bulkPrefix(): string | undefined {
    const { store, projection, bulkStreams } = this.options;
    const prefixes = projection.filter?.streamPrefixes;
    if (bulkStreams === 0 || !store.listStreams || !projection.bulk || prefixes?.length !== 1) return undefined;
    return prefixes[0];
  }

  /**
   * A build from the start, stream by stream: the log's head H is fixed first, then the
   * projection's streams are listed in name order and folded a chunk at a time, each stream
   * with its events up to H. Each chunk is one transaction that also advances the bulk
   * progress (compare-and-set, like the checkpoint: a second runner finds it moved and
   * stops), so a crash resumes after the last committed chunk. When every stream is done the
   * checkpoint becomes H and the runner follows `$all` from there.
   *
   * Why: replaying `$all` in order interleaves every household of a registry, so each batch
   * touches nearly as many households as it has events, and each must be loaded and written
   * back; folding each stream whole loads nothing and writes each household once. Reading
   * the next chunk and folding it overlap the previous chunk's writes.
   */
  private async bulkLoad(): Promise<void> {
    const { store, pool, projection } = this.options;
    const prefix = this.bulkPrefix() as string;
    const listStreams = store.listStreams?.bind(store) as NonNullable<EventStore['listStreams']>;
    const bulk = projection.bulk?.bind(projection) as NonNullable<Projection['bulk']>;
    const limit = this.options.bulkStreams ?? 100;
    const progress = await pool.query<{ position: string | null; bulk_head: string | null; bulk_after: string | null }>(
      'SELECT position, bulk_head, bulk_after FROM projection_checkpoints WHERE name = $1',
      [this.name],
    );
    const row = progress.rows[0];
    if (row?.position) {
      this.checkpoint = row.position;
      return;
    }
    let head = row?.bulk_head ?? null;
    let after = row?.bulk_after ?? null;
    if (head !== null && store.canListStreams && !(await store.canListStreams(head))) {
      // Begun stream by stream: replaying $all now would fold the streams already loaded twice.
      throw new Error(
        `projection ${this.name}: its build began stream by stream and cannot go on while the store cannot list the streams up to ${head} (on EventStoreDB: the $stream_by_category projection stopped or behind)`,
      );
    }
    if (head === null) {
      head = (await store.headPosition()) ?? null;
      if (head === null) return;
      // A store whose listing is not whole up to the head (EventStoreDB with its system
      // projections off or behind): the build replays $all instead.
      if (store.canListStreams && !(await store.canListStreams(head))) return;
      const claimed = await pool.query(
        `UPDATE projection_checkpoints SET bulk_head = $2, bulk_after = NULL, status = 'running', updated_at = now()
          WHERE name = $1 AND position IS NULL AND bulk_head IS NULL`,
        [this.name, head],
      );
      if (claimed.rowCount !== 1) {
        throw new CheckpointConflict(`projection ${this.name}: another runner is running it (it began the build)`);
      }
    }
    const upTo = head;
    this.setState('catching_up');
    const read = async (from: string | null) => {
      const names = await listStreams({ prefix, ...(from === null ? {} : { after: from }), limit });
      if (names.length === 0) return undefined;
      const streams = [...(await store.readStreams(names)).values()]
        .map((events) => events.filter((e) => e.position <= upTo))
        .filter((events) => events.length > 0);
      return { last: names.at(-1) as string, streams };
    };
    const quiet = <T>(promise: Promise<T>) => {
      promise.catch(() => {});
      return promise;
    };
    let next = quiet(read(after));
    let inflight: Promise<void> = Promise.resolve();
    // One connection for the whole build: a chunk is written on it while the next one folds.
    await this.withConnection(async (client) => {
      for (;;) {
        const chunk = await next;
        if (!chunk || this.isStopped()) break;
        next = quiet(read(chunk.last));
        const events = chunk.streams.flat();
        let write: (tx: pg.PoolClient) => Promise<void>;
        try {
          write = await bulk(chunk.streams);
        } catch (error) {
          // An event it cannot fold (its position is the error's `failedPosition`). Let the
          // previous chunk finish first, so its commit cannot land after the failure is recorded.
          await inflight.catch(() => {});
          throw error;
        }
        await inflight;
        const from = after;
        after = chunk.last;
        inflight = quiet(
          this.inTransaction(client, events, async (tx) => {
            await this.claim(tx, 'bulk_after = $3', 'bulk_head = $2 AND bulk_after IS NOT DISTINCT FROM $4', [
              upTo,
              chunk.last,
              from,
            ]);
            await write(tx);
          }).then(() => {
            this.processed += events.length;
            this.noteRate();
          }),
        );
      }
      await inflight;
      if (this.isStopped()) return;
      await this.inTransaction(client, [], (tx) =>
        this.claim(
          tx,
          'position = $2, bulk_head = NULL, bulk_after = NULL',
          'position IS NULL AND bulk_head = $2 AND bulk_after IS NOT DISTINCT FROM $3',
          [upTo, after],
        ),
      );
    });
    if (this.isStopped()) return;
    this.reached(upTo);
  }

  /** Compare-and-set on the projection's checkpoint row; a second runner finds it moved and stops. */
  private async claim(client: pg.PoolClient, set: string, where: string, values: unknown[]): Promise<void> {
    const moved = await client.query(
      `UPDATE projection_checkpoints SET ${set}, status = 'running', error = NULL, failed_position = NULL, updated_at = now()
        WHERE name = $1 AND ${where}`,
      [this.name, ...values],
    );
    if (moved.rowCount !== 1) {
      throw new CheckpointConflict(`projection ${this.name}: its progress moved; another runner is running it`);
    }
  }

  /**
   * Runs `work` with a connection of the pool. A connection that failed (a transient error,
   * or dropped while checked out) is discarded, not returned to the pool.
   */
  private async withConnection(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.options.pool.connect();
    let broken: Error | undefined;
    // A connection dropped while checked out emits 'error' as well as failing the query.
    const onConnectionError = (error: Error) => {
      broken ??= error;
    };
    client.on('error', onConnectionError);
    try {
      await work(client);
    } catch (error) {
      if (isTransient(error)) broken ??= error as Error;
      throw error;
    } finally {
      client.off('error', onConnectionError);
      client.release(broken);
    }
  }

  /**
   * BEGIN, `work`, the test hook, COMMIT; on any failure ROLLBACK, and the error carries the
   * position it failed at (the event's own when the projection named it, else the first).
   */
  private async inTransaction(
    client: pg.PoolClient,
    events: RecordedEvent[],
    work: (client: pg.PoolClient) => Promise<void>,
  ): Promise<void> {
    try {
      await client.query('BEGIN');
      await work(client);
      await this.options.beforeCommit?.(events);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      const failedPosition = (error as { failedPosition?: string }).failedPosition ?? events[0]?.position;
      throw Object.assign(error as Error, failedPosition ? { failedPosition } : {});
    }
    this.progressed = true;
  }

  private async flush(events: RecordedEvent[], position: Position): Promise<void> {
    const { projection } = this.options;
    await this.withConnection((client) =>
      this.inTransaction(client, events, async (tx) => {
        // Compare-and-set first: a second runner waits on this row, then finds it moved.
        await this.claim(tx, 'position = $2', 'position IS NOT DISTINCT FROM $3', [position, this.checkpoint]);
        if (events.length > 0) await projection.apply(events, tx);
      }),
    );
    this.lastFlushAt = performance.now();
    this.processed += events.length;
    this.noteRate();
    this.reached(position);
  }

  private noteRate(): void {
    this.rateWindow.push({ at: Date.now(), processed: this.processed });
    if (this.rateWindow.length > 20) this.rateWindow.shift();
  }

  /** The read models now hold everything up to `position`: release those waiting for it. */
  private reached(position: Position): void {
    this.checkpoint = position;
    const reached = this.waiters.filter((w) => w.position <= position);
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const w of reached) w.resolve();
  }

  private async fail(error: Error & { failedPosition?: string }): Promise<void> {
    await this.subscription?.close().catch(() => {});
    this.error = error.message;
    this.failedPosition = error.failedPosition;
    this.setState('failed');
    if (!(error instanceof CheckpointConflict)) {
      await this.options.pool
        .query(
          `UPDATE projection_checkpoints SET status = 'failed', error = $2, failed_position = $3, updated_at = now() WHERE name = $1`,
          [this.name, error.message, error.failedPosition ?? null],
        )
        .catch(() => {});
    }
    for (const w of this.waiters) w.reject(new ProjectionFailed(error.message));
    this.waiters = [];
  }

  private isStopped(): boolean {
    return this.state === 'stopped';
  }

  private setState(state: RunnerState): void {
    this.state = state;
    this.options.onStateChange?.(this.status());
  }

  private rate(): number {
    const first = this.rateWindow[0];
    const last = this.rateWindow.at(-1);
    if (!first || !last || last.at === first.at) return 0;
    return ((last.processed - first.processed) * 1000) / (last.at - first.at);
  }
}
