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
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { EventMetadata } from '@registry/schema';
import { InvalidAppend, WrongExpectedVersion } from '../errors.js';
import { matchesFilter } from '../filter.js';
import { decodePosition, encodePosition } from '../position.js';
import type {
  AppendResult,
  EventFilter,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonValue,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionMessage,
} from '../types.js';
import { type AppendLimits, DEFAULT_LIMITS, prepareAppend, validateReadAll, validateReadStream } from '../validate.js';

export interface EventStoreDbOptions {
  connectionString: string;
  limits?: Partial<AppendLimits>;
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

function serverFilter(filter: EventFilter | undefined): Filter {
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter?.eventTypes?.length) {
    const alternatives = filter.eventTypes.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    return eventTypeFilter({ regex: `^(${alternatives})$` });
  }
  return excludeSystemEvents();
}

/**
 * Event store on EventStoreDB (the production log). Same contract as the PostgreSQL
 * adapter, with one difference EventStoreDB imposes: event-id idempotency is per stream,
 * so reusing an event id in another stream is not detected.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly limits: AppendLimits;
  private readonly subscriptions = new Set<Subscription>();

  constructor(options: EventStoreDbOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
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
      const position = result.position;
      if (!position) {
        const [last] = await this.readStream(stream, { fromRevision: nextExpectedRevision, maxCount: 1 });
        if (!last) throw new Error(`EventStoreDB reported no position for the append to "${stream}"`);
        return { nextExpectedRevision, position: last.position };
      }
      return { nextExpectedRevision, position: encodePosition(position.commit, position.prepare) };
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
      throw error;
    }
    return result;
  }

  async readStreams(streams: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const read = await Promise.all(streams.map(async (s) => [s, await this.readStream(s)] as const));
    return new Map(read);
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

  async headPosition(): Promise<Position | undefined> {
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 100 });
    for await (const resolved of read) {
      const event = toRecorded(resolved);
      if (event) {
        await read.cancel();
        return event.position;
      }
    }
    const [any] = await this.readAll({ maxCount: 1 });
    if (!any) return undefined;
    // Over 100 system events at the end: walk forwards from the start instead.
    let head: Position | undefined;
    let cursor: Position | undefined;
    for (;;) {
      const page = await this.readAll(cursor === undefined ? { maxCount: 1000 } : { after: cursor, maxCount: 1000 });
      if (page.length === 0) return head;
      head = page[page.length - 1]?.position;
      cursor = head;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const esdb = this.client.subscribeToAll({
      fromPosition: options.after === undefined ? START : this.toEsdbPosition(options.after),
      filter: serverFilter(options.filter),
    });
    const queue: SubscriptionMessage[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    let failure: Error | undefined;
    let lastPosition = options.after;
    const push = (message: SubscriptionMessage) => {
      queue.push(message);
      wake?.();
    };
    esdb.on('data', (resolved: AllStreamResolvedEvent) => {
      const event = toRecorded(resolved);
      if (!event) return;
      lastPosition = event.position;
      if (matchesFilter(options.filter, event)) push({ kind: 'event', event });
    });
    esdb.on('caughtUp', () => push({ kind: 'caughtUp', position: lastPosition }));
    esdb.on('error', (error: Error) => {
      failure = error;
      wake?.();
    });
    esdb.on('end', () => {
      ended = true;
      wake?.();
    });
    const subscriptions = this.subscriptions;
    const iterator = async function* (): AsyncGenerator<SubscriptionMessage> {
      try {
        for (;;) {
          const next = queue.shift();
          if (next) {
            yield next;
            continue;
          }
          if (failure) throw failure;
          if (ended) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      } finally {
        await esdb.unsubscribe().catch(() => {});
      }
    };
    const generator = iterator();
    const subscription: Subscription = {
      [Symbol.asyncIterator]: () => generator,
      close: async () => {
        ended = true;
        wake?.();
        subscriptions.delete(subscription);
        await generator.return(undefined);
        await esdb.unsubscribe().catch(() => {});
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    await this.client.dispose();
  }

  private toEsdbPosition(token: Position): { commit: bigint; prepare: bigint } {
    const [commit, prepare] = decodePosition(token);
    return { commit, prepare };
  }
}
