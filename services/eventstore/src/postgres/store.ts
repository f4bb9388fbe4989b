import { migrate } from '@registry/postgres';
import type { EventMetadata } from '@registry/schema';
import pg from 'pg';
import { EventIdConflict, WrongExpectedVersion } from '../errors.js';
import { matchesFilter } from '../filter.js';
import { decodePosition, encodeDecimalPosition } from '../position.js';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonValue,
  ListStreamsOptions,
  Position,
  ReadAllOptions,
  ReadBlockage,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionMessage,
} from '../types.js';
import {
  type AppendLimits,
  DEFAULT_LIMITS,
  prepareAppend,
  validateReadAll,
  validateReadStream,
  validateStreamName,
} from '../validate.js';
import { EVENT_STORE_MIGRATIONS } from './migrations.js';
import { Wakeups } from './wakeups.js';

export interface PostgresEventStoreOptions {
  pool: pg.Pool;
  limits?: Partial<AppendLimits>;
  /** Page size of `$all` reads inside subscriptions. */
  subscriptionBatchSize?: number;
  /** How often a caught-up subscription looks for events when no wake-up came. */
  pollIntervalMs?: number;
  /** LISTEN/NOTIFY across processes; polling still covers a lost notification. */
  notify?: boolean;
  onError?: (error: Error, context: string) => void;
}

const CHANNEL = 'es_events';
const NOTIFY_INTERVAL_MS = 50;
const EXPECTED_CODES: Record<string, number> = { any: -2, no_stream: -1, stream_exists: -4 };
/** What es_append answers: the stream's next revision, and each event's place and time. */
interface AppendRow {
  next_revision: string;
  tx: string;
  positions: string[];
  recorded_at: string;
  duplicate: boolean;
}

const APPEND_COLUMNS =
  "next_revision, tx::text AS tx, positions::text[] AS positions, (recorded_at AT TIME ZONE 'UTC')::text AS recorded_at, duplicate";

function appendResult(row: AppendRow): AppendResult {
  const recordedAt = isoFromUtcText(row.recorded_at);
  const events = row.positions.map((position) => ({ position: encodeDecimalPosition(row.tx, position), recordedAt }));
  const last = events.at(-1);
  if (!last) throw new Error('es_append answered with no events');
  return { nextExpectedRevision: Number(row.next_revision), position: last.position, events, duplicate: row.duplicate };
}

/**
 * The recording time comes as UTC text, made ISO by `isoFromUtcText`: parsing it into a Date
 * and formatting it again was a tenth of a projection rebuild's client time.
 */
const EVENT_COLUMNS = `transaction_id::text AS tx, position, stream_name, revision, event_id, event_type, data, metadata,
  (recorded_at AT TIME ZONE 'UTC')::text AS recorded_at`;

/** '2019-03-02 08:00:00.5' (PostgreSQL's UTC timestamp text) as '2019-03-02T08:00:00.500Z'. */
export function isoFromUtcText(text: string): string {
  const fraction = text.length > 19 ? text.slice(20, 23).padEnd(3, '0') : '000';
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction}Z`;
}

/** Column order of EVENT_COLUMNS; rows come back as arrays, which spares one object per event. */
type EventRow = [
  tx: string,
  position: string,
  streamName: string,
  revision: string,
  eventId: string,
  eventType: string,
  data: JsonValue,
  metadata: EventMetadata,
  recordedAt: string,
];

function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamName: row[2],
    revision: Number(row[3]),
    position: encodeDecimalPosition(row[0], row[1]),
    id: row[4],
    type: row[5],
    data: row[6],
    metadata: row[7],
    recordedAt: isoFromUtcText(row[8]),
  };
}

/**
 * Event store on PostgreSQL. Appends are one call of `es_append` (one round trip, one
 * transaction). `$all` is read in (transaction id, position) order, only below the
 * snapshot's xmin, so a reader never passes an event whose transaction may still commit.
 */
/** Streams per statement of one appendMany (they share its transaction). */
const APPEND_MANY_SLICE = 5000;

export class PostgresEventStore implements EventStore {
  private readonly pool: pg.Pool;
  private readonly limits: AppendLimits;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly notify: boolean;
  private readonly onError: (error: Error, context: string) => void;
  private readonly wakeups = new Wakeups();
  private readonly closing = new AbortController();
  private readonly subscriptions = new Set<Subscription>();
  private listener: pg.Client | undefined;
  private listenerStarting: Promise<void> | undefined;
  private notifyTimer: NodeJS.Timeout | undefined;
  private lastNotify = 0;

  private constructor(options: PostgresEventStoreOptions) {
    this.pool = options.pool;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.batchSize = options.subscriptionBatchSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.notify = options.notify ?? true;
    this.onError = options.onError ?? (() => {});
  }

  /** Applies the store's migrations, then returns a ready store. */
  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    await migrate(options.pool, 'eventstore', EVENT_STORE_MIGRATIONS);
    return new PostgresEventStore(options);
  }

  async append(
    stream: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    const expected = options?.expectedRevision;
    const prepared = prepareAppend(stream, events, expected, this.limits);
    const payload = `[${prepared
      .map((e) => `{"id":"${e.id}","type":${JSON.stringify(e.type)},"data":${e.dataJson},"metadata":${e.metadataJson}}`)
      .join(',')}]`;
    const code = typeof expected === 'number' ? expected : (EXPECTED_CODES[expected] as number);
    for (let attempt = 1; ; attempt++) {
      try {
        // Named, so each connection parses and plans the call once.
        const result = await this.pool.query<AppendRow>({
          name: 'es_append_v2',
          text: `SELECT ${APPEND_COLUMNS} FROM es_append($1, $2, $3::jsonb)`,
          values: [stream, code, payload],
        });
        const row = result.rows[0];
        if (!row) throw new Error('es_append returned no row');
        if (!row.duplicate) this.afterAppend();
        return appendResult(row);
      } catch (error) {
        const pgError = error as { code?: string; detail?: string; constraint?: string; message: string };
        if (pgError.code === 'RE001') {
          const actual = Number(pgError.detail);
          throw new WrongExpectedVersion(stream, expected, actual < 0 ? 'no_stream' : actual);
        }
        if (pgError.code === 'RE002') throw new EventIdConflict(stream, pgError.message);
        // The same ids raced in from a concurrent retry: look again, now that it has committed.
        if (pgError.code === '23505' && pgError.constraint === 'es_events_event_id_key') {
          if (attempt < 2) continue;
          throw new EventIdConflict(stream, 'an event id of this append is already stored in another append');
        }
        throw error;
      }
    }
  }

  /**
   * Appends to many streams in one transaction and one round trip, each at its expected
   * revision: all or nothing. Used by the registry's claims on keys and by bulk loads.
   */
  async appendMany(
    items: readonly { stream: string; events: readonly EventToAppend[]; expectedRevision: ExpectedRevision }[],
  ): Promise<AppendResult[]> {
    if (items.length === 0) return [];
    const streams: string[] = [];
    const codes: number[] = [];
    const payloads: string[] = [];
    for (const item of items) {
      const prepared = prepareAppend(item.stream, item.events, item.expectedRevision, this.limits);
      streams.push(item.stream);
      codes.push(
        typeof item.expectedRevision === 'number'
          ? item.expectedRevision
          : (EXPECTED_CODES[item.expectedRevision] as number),
      );
      payloads.push(
        `[${prepared
          .map(
            (e) =>
              `{"id":"${e.id}","type":${JSON.stringify(e.type)},"data":${e.dataJson},"metadata":${e.metadataJson}}`,
          )
          .join(',')}]`,
      );
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Large loads (an imported roll) go in slices, all in the one transaction.
      const rows: AppendRow[] = [];
      for (let from = 0; from < streams.length; from += APPEND_MANY_SLICE) {
        const to = from + APPEND_MANY_SLICE;
        const result = await client.query<AppendRow>(
          `SELECT ${APPEND_COLUMNS}
             FROM unnest($1::text[], $2::bigint[], $3::jsonb[]) WITH ORDINALITY AS u(stream, expected, events, n),
                  LATERAL es_append(u.stream, u.expected, u.events) AS r
            ORDER BY u.n`,
          [streams.slice(from, to), codes.slice(from, to), payloads.slice(from, to)],
        );
        rows.push(...result.rows);
      }
      await client.query('COMMIT');
      this.afterAppend();
      return rows.map(appendResult);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      const pgError = error as { code?: string; detail?: string; message: string };
      if (pgError.code === 'RE001') throw await this.misplaced(items);
      if (pgError.code === 'RE002') throw new EventIdConflict(items.map((i) => i.stream).join(', '), pgError.message);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The first stream of a failed appendMany that is not at its expected revision (the function reports only the revision). */
  private async misplaced(
    items: readonly { stream: string; expectedRevision: ExpectedRevision }[],
  ): Promise<WrongExpectedVersion> {
    for (const item of items) {
      const last = (await this.readStream(item.stream, { direction: 'backwards', maxCount: 1 }))[0];
      const actual = last ? last.revision : -1;
      const e = item.expectedRevision;
      const fits =
        e === 'any' ||
        (e === 'no_stream' && actual === -1) ||
        (e === 'stream_exists' && actual >= 0) ||
        (typeof e === 'number' && e === actual);
      if (!fits) return new WrongExpectedVersion(item.stream, e, actual < 0 ? 'no_stream' : actual);
    }
    // Moved back into place between the failure and this look: still a conflict, to retry.
    const first = items[0];
    return new WrongExpectedVersion(first?.stream ?? '', first?.expectedRevision ?? 'any', 'no_stream');
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateReadStream(stream, options);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const limit = options.maxCount ?? null;
    const result = await this.pool.query<EventRow>({
      text: `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_name = $1 AND revision ${backwards ? '<=' : '>='} $2
       ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      values: [stream, from, limit],
      rowMode: 'array',
    });
    return result.rows.map(toRecorded);
  }

  async readStreams(streams: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    streams.forEach((stream, i) => {
      validateStreamName(stream, `streams[${i}]`);
    });
    const result = new Map<string, RecordedEvent[]>(streams.map((s) => [s, []]));
    if (streams.length === 0) return result;
    const rows = await this.pool.query<EventRow>({
      text: `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_name = ANY($1::text[]) ORDER BY stream_name, revision`,
      values: [streams],
      rowMode: 'array',
    });
    for (const row of rows.rows) result.get(row[2])?.push(toRecorded(row));
    return result;
  }

  async listStreams(options: ListStreamsOptions): Promise<string[]> {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new RangeError(`limit must be a positive integer, got ${options.limit}`);
    }
    // Every stream has exactly one event at revision 0; the (stream_name, revision) key
    // walks the names in order from `after`.
    const rows = await this.pool.query<[string]>({
      text: `SELECT stream_name FROM es_events
              WHERE revision = 0 AND left(stream_name, length($1)) = $1 AND ($2::text IS NULL OR stream_name > $2)
              ORDER BY stream_name LIMIT $3`,
      values: [options.prefix, options.after ?? null, options.limit],
      rowMode: 'array',
    });
    return rows.rows.map((r) => r[0]);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    validateReadAll(options);
    const [tx, position] = options.after === undefined ? [0n, 0n] : decodePosition(options.after);
    const result = await this.pool.query<EventRow>({
      text: `SELECT ${EVENT_COLUMNS} FROM es_events
        WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
          AND transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
        ORDER BY transaction_id, position LIMIT $3`,
      values: [tx.toString(), position.toString(), options.maxCount ?? null],
      rowMode: 'array',
    });
    return result.rows.map(toRecorded);
  }

  async headPosition(): Promise<Position | undefined> {
    const result = await this.pool.query<{ tx: string; position: string }>(
      `SELECT transaction_id::text AS tx, position FROM es_events
        WHERE transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
        ORDER BY transaction_id DESC, position DESC LIMIT 1`,
    );
    const row = result.rows[0];
    return row ? encodeDecimalPosition(row.tx, row.position) : undefined;
  }

  async countEvents(streamPrefixes: readonly string[]): Promise<number> {
    const patterns = streamPrefixes.map((p) => `${p.replace(/[\\%_]/g, '\\$&')}%`);
    const result = await this.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM es_events WHERE stream_name LIKE ANY ($1::text[])',
      [patterns],
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  async readBlockage(): Promise<ReadBlockage | undefined> {
    // Committed rows beyond the xmin horizon: visible to this snapshot, hidden from readers.
    const held = await this.pool.query<{ tx: string; position: string; n: string }>(
      `WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
       SELECT max(transaction_id)::text AS tx,
              (array_agg(position ORDER BY transaction_id DESC, position DESC))[1]::text AS position,
              count(*) AS n
         FROM es_events, horizon WHERE transaction_id >= horizon.xmin`,
    );
    const row = held.rows[0];
    if (!row?.tx || row.n === '0') return undefined;
    const blocker = await this.pool.query<{
      pid: number;
      since: Date;
      application: string;
      state: string;
      query: string;
    }>(
      `SELECT pid, xact_start AS since, application_name AS application, coalesce(state, '') AS state,
              left(coalesce(query, ''), 200) AS query
         FROM pg_stat_activity
        WHERE backend_xid IS NOT NULL AND xact_start IS NOT NULL AND pid <> pg_backend_pid()
        ORDER BY age(backend_xid) DESC LIMIT 1`,
    );
    const b = blocker.rows[0];
    return {
      committedHead: encodeDecimalPosition(row.tx, row.position),
      events: Number(row.n),
      ...(b ? { transaction: { ...b, since: b.since.toISOString() } } : {}),
    };
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    if (options.after !== undefined) decodePosition(options.after);
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, this.closing.signal]);
    if (this.notify) void this.ensureListener();
    const iterate = async function* (this: PostgresEventStore): AsyncGenerator<SubscriptionMessage> {
      const read = (after: Position | undefined) =>
        this.readAll(after === undefined ? { maxCount: this.batchSize } : { after, maxCount: this.batchSize });
      let after = options.after;
      let caughtUp = false;
      let seen = this.wakeups.current;
      let next: Promise<RecordedEvent[]> | undefined;
      while (!signal.aborted) {
        const page = await (next ?? read(after));
        next = undefined;
        const full = page.length === this.batchSize;
        // While the consumer works through this page, the next one is already on its way.
        // Its failure (the database went away) is seen when the loop comes back to it, and
        // must not count as unhandled while the consumer still works through this page.
        if (full) {
          next = read(page[page.length - 1]?.position);
          next.catch(() => {});
        }
        for (const event of page) {
          if (signal.aborted) return;
          after = event.position;
          if (matchesFilter(options.filter, event)) yield { kind: 'event', event };
        }
        if (full) {
          caughtUp = false;
          continue;
        }
        if (!caughtUp || page.length > 0) yield { kind: 'caughtUp', position: after };
        caughtUp = true;
        await this.wakeups.wait(seen, this.pollIntervalMs, signal);
        seen = this.wakeups.current;
      }
    }.bind(this);
    const generator = iterate();
    const subscription: Subscription = {
      [Symbol.asyncIterator]: () => generator,
      close: async () => {
        stop.abort();
        this.subscriptions.delete(subscription);
        await generator.return(undefined);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    this.closing.abort();
    clearTimeout(this.notifyTimer);
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    const listener = this.listener;
    this.listener = undefined;
    if (listener) await listener.end().catch(() => {});
  }

  private afterAppend(): void {
    this.wakeups.wake();
    if (!this.notify || this.notifyTimer) return;
    // Other processes are told at once when the log was quiet, then at most once per
    // interval: a NOTIFY per append would cost a round trip each, and NOTIFY inside the
    // append would serialise all commits on PostgreSQL's notification-queue lock.
    const wait = Math.max(0, this.lastNotify + NOTIFY_INTERVAL_MS - Date.now());
    this.notifyTimer = setTimeout(() => {
      this.lastNotify = Date.now();
      this.pool
        .query('SELECT pg_notify($1, $2)', [CHANNEL, ''])
        .catch((error: Error) => this.onError(error, 'NOTIFY'))
        .finally(() => {
          this.notifyTimer = undefined;
        });
    }, wait);
    this.notifyTimer.unref();
  }

  private ensureListener(): Promise<void> {
    if (this.listener || this.closing.signal.aborted) return Promise.resolve();
    this.listenerStarting ??= (async () => {
      const client = new pg.Client(this.pool.options);
      client.on('notification', () => this.wakeups.wake());
      client.on('error', (error) => {
        this.onError(error, 'LISTEN connection');
        if (this.listener === client) this.listener = undefined;
        // Polling keeps subscriptions going meanwhile; try to listen again later.
        setTimeout(() => void this.ensureListener(), 1000).unref();
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
        if (this.closing.signal.aborted) await client.end();
        else this.listener = client;
      } catch (error) {
        this.onError(error as Error, 'LISTEN connection');
        await client.end().catch(() => {});
      }
    })().finally(() => {
      this.listenerStarting = undefined;
    });
    return this.listenerStarting;
  }
}
