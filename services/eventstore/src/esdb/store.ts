import {
  type AllStreamResolvedEvent,
  ANY,
  type AppendExpectedRevision,
  BACKWARDS,
  END,
  EventStoreDBClient,
  eventTypeFilter,
  excludeSystemEvents,
  type Filter,
  FORWARDS,
  jsonEvent,
  MaxAppendSizeExceededError,
  NO_STREAM,
  type ResolvedEvent,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { EventMetadata } from '@registry/schema';
import { InvalidAppend, StreamDeleted, WrongExpectedVersion } from '../errors.js';
import { matchesFilter } from '../filter.js';
import { decodePosition, encodePosition } from '../position.js';
import type {
  AppendResult,
  EventFilter,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonValue,
  ListStreamsOptions,
  Position,
  ReadAllOptions,
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
import { Categories, isCategoryPrefix } from './categories.js';

/** How many events past a caught-up filtered subscription's position are looked at for one that matches. */
const TAIL_SCAN_LIMIT = 10_000;

/** Events read backwards at a time when looking for the log's last user event. */
const HEAD_PAGE = 500;

/** Events a subscription holds before the server is made to wait for a slow consumer. */
const SUBSCRIPTION_BUFFER = 512;

export interface EventStoreDbOptions {
  connectionString: string;
  limits?: Partial<AppendLimits>;
  /** How long a rebuild waits for the server's `$stream_by_category` to reach the log's head before replaying `$all` instead. Default 30 s. */
  listingWaitMs?: number;
}

function toExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected);
}

function toNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${what} ${value} exceeds the safe integer range`);
  return Number(value);
}

function isSystem(event: { streamId: string; type: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

function toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event?.isJson || isSystem(event)) return undefined;
  const position = event.position;
  if (!position)
    throw new Error(`EventStoreDB returned event ${event.id} without a position (server older than 22.x?)`);
  return {
    streamName: event.streamId,
    revision: toNumber(event.revision, 'revision'),
    position: encodePosition(position.commit, position.prepare),
    id: event.id,
    type: event.type,
    data: event.data as JsonValue,
    metadata: event.metadata as EventMetadata,
    recordedAt: event.created.toISOString(),
  };
}

/**
 * EventStoreDB 24.10 sends a filtered subscription's checkpoints as unsigned positions made
 * with `Position.FromInt64` (src/EventStore.Core/Services/Transport/Common/Position.cs), which
 * maps the log's "no position" (TFPos -1,-1) to `ulong.MaxValue`. A subscription from the start
 * whose catch-up ends within one checkpoint interval with nothing matching (a new server holds
 * only system events) starts from (-1,-1) (Enumerator.AllSubscriptionFiltered.cs,
 * `ConvertCheckpoint`) and sends exactly that checkpoint when it goes live or falls behind
 * (`GoLive` / `SendCheckpointToSubscription`). Stored as a position it would sit after every
 * event ever to be written: `waitFor` would resolve at once and a restart would subscribe from
 * the end of time. Such a checkpoint says nothing and is dropped.
 */
const NO_POSITION = (1n << 64n) - 1n;
export function isNoPosition(position: { commit: bigint; prepare: bigint }): boolean {
  return position.commit === NO_POSITION || position.prepare === NO_POSITION;
}

type CheckpointReached = (subscription: unknown, position: { commit: bigint; prepare: bigint }) => void;

/**
 * The server-side filter, reporting the server's checkpoints: with a filter, events that do
 * not match never reach the client, and the client reports how far the server has searched
 * only to a `checkpointReached` callback (db-client 6.2.1, streams/utils/Subscription.js).
 */
function serverFilter(filter: EventFilter | undefined, checkpointReached: CheckpointReached): Filter {
  if (filter?.streamPrefixes?.length) {
    return streamNameFilter({ prefixes: [...filter.streamPrefixes], checkpointReached });
  }
  if (filter?.eventTypes?.length) {
    const alternatives = filter.eventTypes.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    return eventTypeFilter({ regex: `^(${alternatives})$`, checkpointReached });
  }
  return excludeSystemEvents({ checkpointReached });
}

/** A message of ours, pushed into the client's own object stream in order with its events. */
interface Marker {
  marker: 'caughtUp' | 'checkpoint';
  position?: Position;
}
const isMarker = (item: unknown): item is Marker => typeof item === 'object' && item !== null && 'marker' in item;

/**
 * One client per connection string in this process. db-client 6.2.1 keeps its batch-append
 * bookkeeping in a module-level map shared by every client of the process
 * (streams/appendToStream/batchAppend.js, `promiseBank`): one client's stream error rejects
 * the in-flight appends of all, and a response arriving after that throws a TypeError in the
 * gRPC 'data' handler. With a single client no other client's appends are at stake; the
 * TypeError is an uncaught exception, which the service logs as a bug and survives. The
 * renamed client (@kurrent/kurrentdb-client) fixes the map; the project card fixes this one.
 */
const clients = new Map<string, { client: EventStoreDBClient; users: number }>();

/**
 * Event store on EventStoreDB (the production log). Same contract as the PostgreSQL
 * adapter, with one difference EventStoreDB imposes: event-id idempotency is per stream,
 * so reusing an event id in another stream is not detected.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly connectionString: string;
  private readonly limits: AppendLimits;
  private readonly subscriptions = new Set<Subscription>();
  private readonly categories: Categories;

  constructor(options: EventStoreDbOptions) {
    this.connectionString = options.connectionString;
    const shared = clients.get(options.connectionString) ?? {
      client: EventStoreDBClient.connectionString(options.connectionString),
      users: 0,
    };
    shared.users++;
    clients.set(options.connectionString, shared);
    this.client = shared.client;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.categories = new Categories(this.client, options.listingWaitMs);
  }

  async append(
    stream: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    const expected = options?.expectedRevision;
    prepareAppend(stream, events, expected, this.limits);
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as never, metadata: e.metadata })),
        { expectedRevision: toExpected(expected) },
      );
      const nextExpectedRevision = toNumber(result.nextExpectedRevision, 'revision');
      // EventStoreDB answers with the last event's position only: each event's own position
      // and time are read back here, so the port's writers never need to.
      const written = await this.readStream(stream, {
        fromRevision: nextExpectedRevision - events.length + 1,
        maxCount: events.length,
      });
      const last = written.at(-1);
      if (written.length !== events.length || !last) {
        throw new Error(
          `EventStoreDB reported ${events.length} events appended to "${stream}" but ${written.length} read back`,
        );
      }
      return {
        nextExpectedRevision,
        position: last.position,
        events: written.map((e) => ({ position: e.position, recordedAt: e.recordedAt })),
      };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new WrongExpectedVersion(
          stream,
          expected,
          typeof actual === 'bigint' ? toNumber(actual, 'revision') : 'no_stream',
        );
      }
      if (error instanceof MaxAppendSizeExceededError) {
        throw new InvalidAppend('events', `exceed EventStoreDB's maximum append size of ${error.maxAppendSize} bytes`);
      }
      if (error instanceof StreamDeletedError) throw new StreamDeleted(stream);
      throw error;
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateReadStream(stream, options);
    const backwards = options.direction === 'backwards';
    const result: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : START,
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      });
      for await (const resolved of read) {
        const event = toRecorded(resolved);
        if (event) result.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      if (error instanceof StreamDeletedError) throw new StreamDeleted(stream);
      throw error;
    }
    return result;
  }

  async readStreams(streams: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    streams.forEach((stream, i) => {
      validateStreamName(stream, `streams[${i}]`);
    });
    const read = await Promise.all(streams.map(async (s) => [s, await this.readStream(s)] as const));
    return new Map(read);
  }

  /** The category's streams, from the server's `$stream_by_category` projection (see categories.ts). */
  async listStreams(options: ListStreamsOptions): Promise<string[]> {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new RangeError(`limit must be a positive integer, got ${options.limit}`);
    }
    return this.categories.list(options);
  }

  /** Whether `$stream_by_category` runs and has passed `upTo`; when not, rebuilds replay `$all`. */
  canListStreams(upTo: Position): Promise<boolean> {
    return this.categories.covers(upTo);
  }

  /** From `$ce-<category>` (the server's `$by_category` projection); undefined where it does not run. */
  async countEvents(streamPrefixes: readonly string[]): Promise<number | undefined> {
    let total = 0;
    for (const prefix of streamPrefixes) {
      if (!isCategoryPrefix(prefix)) return undefined;
      const n = await this.categories.count(prefix);
      if (n === undefined) return undefined;
      total += n;
    }
    return total;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    validateReadAll(options);
    const wanted = options.maxCount ?? Number.POSITIVE_INFINITY;
    const result: RecordedEvent[] = [];
    let cursor = options.after;
    // EventStoreDB reads $all from a position inclusively and interleaves system events:
    // page until enough user events are collected or the log ends.
    for (;;) {
      const page = Math.min(1000, wanted - result.length + 1);
      let seen = 0;
      let last: Position | undefined;
      const read = this.client.readAll({
        direction: FORWARDS,
        fromPosition: cursor === undefined ? START : this.toEsdbPosition(cursor),
        maxCount: page,
      });
      for await (const resolved of read) {
        seen++;
        const raw = resolved.event;
        if (!raw) continue;
        last = encodePosition(raw.position.commit, raw.position.prepare);
        if (cursor !== undefined && last <= cursor) continue;
        const event = toRecorded(resolved);
        if (event && result.length < wanted) result.push(event);
      }
      if (seen < page || result.length >= wanted || last === undefined) return result;
      cursor = last;
    }
  }

  /**
   * The last user event's position, read backwards from the log's end a page at a time: after a
   * scavenge or on a quiet log the end may be a long run of system events (stats, scavenges,
   * `$settings`), which are skipped without ever reading the log forwards from its start.
   */
  async headPosition(): Promise<Position | undefined> {
    let from: { commit: bigint; prepare: bigint } | typeof END = END;
    for (;;) {
      let seen = 0;
      let last: { commit: bigint; prepare: bigint } | undefined;
      const read = this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: HEAD_PAGE });
      for await (const resolved of read) {
        seen++;
        const raw = resolved.event;
        if (!raw) continue;
        // A backwards read from a position may begin with the event at it: already looked at.
        if (from !== END && raw.position.commit === from.commit && raw.position.prepare === from.prepare) continue;
        last = raw.position;
        const event = toRecorded(resolved);
        if (event) {
          await read.cancel();
          return event.position;
        }
      }
      if (seen < HEAD_PAGE || last === undefined) return undefined;
      from = last;
    }
  }

  /**
   * Catch-up subscription to $all. Read as an async iterable of the client's object stream,
   * so a slow consumer holds the stream back (the stream's buffer, then gRPC flow control)
   * rather than letting events pile up in memory. "Caught up" (sent once, when the
   * subscription first goes live) and the server's checkpoints arrive as stream events, out
   * of band; they are pushed into the same object stream, so they reach the consumer after
   * every event that came before them and never ahead of one.
   */
  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    let esdb: ReturnType<EventStoreDBClient['subscribeToAll']> | undefined;
    const checkpointReached: CheckpointReached = (_subscription, position) => {
      // The server's "no position yet" (TFPos -1,-1): not a place in the log, never stored.
      if (isNoPosition(position)) return;
      esdb?.push({ marker: 'checkpoint', position: encodePosition(position.commit, position.prepare) });
    };
    esdb = this.client.subscribeToAll(
      {
        fromPosition: options.after === undefined ? START : this.toEsdbPosition(options.after),
        filter: serverFilter(options.filter, checkpointReached),
      },
      { highWaterMark: SUBSCRIPTION_BUFFER },
    );
    const stream = esdb;
    stream.on('caughtUp', () => stream.push({ marker: 'caughtUp' }));
    const subscriptions = this.subscriptions;
    let subscription: Subscription;
    /**
     * Where a caught-up subscription stands: the server stops its position at the last
     * matching event, so when none of the events after it up to the log's end matches, the
     * end is where it stands (what matches and comes later has a later position).
     */
    const passNonMatchingTail = async (after: Position | undefined): Promise<Position | undefined> => {
      if (!options.filter) return after;
      let end = after;
      for (let scanned = 0; scanned < TAIL_SCAN_LIMIT; scanned += 1000) {
        const page = await this.readAll(end === undefined ? { maxCount: 1000 } : { after: end, maxCount: 1000 });
        if (page.some((e) => matchesFilter(options.filter, e))) return after;
        if (page.length === 0) return end;
        end = page[page.length - 1]?.position;
        if (page.length < 1000) return end;
      }
      return after;
    };
    /** Set by close(): the stream's end (or its premature-close error) is then the consumer's end, not a failure. */
    let closing = false;
    const iterate = async function* (): AsyncGenerator<SubscriptionMessage> {
      let lastPosition = options.after;
      try {
        for await (const item of stream as AsyncIterable<AllStreamResolvedEvent | Marker>) {
          if (isMarker(item)) {
            if (item.marker === 'checkpoint' && item.position) {
              if (lastPosition === undefined || item.position > lastPosition) lastPosition = item.position;
              yield { kind: 'checkpoint', position: item.position };
            } else if (item.marker === 'caughtUp') {
              lastPosition = await passNonMatchingTail(lastPosition);
              yield { kind: 'caughtUp', position: lastPosition };
            }
            continue;
          }
          const raw = item.event;
          if (!raw) continue;
          const position = encodePosition(raw.position.commit, raw.position.prepare);
          if (lastPosition === undefined || position > lastPosition) lastPosition = position;
          const event = toRecorded(item);
          if (event && matchesFilter(options.filter, event)) yield { kind: 'event', event };
        }
      } catch (error) {
        if (!closing) throw error;
      } finally {
        // Ended by the consumer (a `break` included), by close() or by an error: the server-side
        // subscription is cancelled and forgotten.
        subscriptions.delete(subscription);
        await stream.unsubscribe().catch(() => {});
        stream.destroy();
      }
    };
    const generator = iterate();
    subscription = {
      [Symbol.asyncIterator]: () => generator,
      /**
       * The stream is cancelled and destroyed first: a consumer waiting on `next()` (a quiet log)
       * holds the generator, and an async generator's `return()` queues behind a pending `next()`,
       * so awaiting it first would wait for the next event (db-client 6.2.1: the subscription is
       * a Readable; destroying it ends a pending read).
       */
      close: async () => {
        closing = true;
        subscriptions.delete(subscription);
        await stream.unsubscribe().catch(() => {});
        stream.destroy();
        await generator.return(undefined);
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    const shared = clients.get(this.connectionString);
    if (shared && --shared.users > 0) return;
    clients.delete(this.connectionString);
    await this.client.dispose();
  }

  private toEsdbPosition(token: Position): { commit: bigint; prepare: bigint } {
    const [commit, prepare] = decodePosition(token);
    return { commit, prepare };
  }
}
