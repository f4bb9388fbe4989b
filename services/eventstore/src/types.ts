import type { EventMetadata } from '@registry/schema';

/**
 * Global position in `$all`: an opaque token whose string order is the log order
 * (`<16 hex>-<16 hex>`). Tokens never carry numbers, so no bigint reaches JSON or GraphQL.
 */
export type Position = string;

/** `any`, `no_stream`, `stream_exists`, or the 0-based revision of the stream's last event. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface EventToAppend {
  /** UUID chosen by the caller, so a retried append is recognised and not written twice. */
  id: string;
  type: string;
  data: JsonValue;
  metadata: EventMetadata;
}

export interface RecordedEvent {
  streamName: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  position: Position;
  id: string;
  type: string;
  data: JsonValue;
  metadata: EventMetadata;
  /** System time the store recorded the event (ISO 8601, UTC, milliseconds). */
  recordedAt: string;
}

export interface AppendResult {
  /** Revision of the last event now in the stream: pass it as the next expected revision. */
  nextExpectedRevision: number;
  /** Position of the last appended event. */
  position: Position;
  /**
   * Each appended event's position and recording time, in the order given (for a retry, those
   * of the events stored by the first write): a writer need not read back what it wrote.
   */
  events: { position: Position; recordedAt: string }[];
  /**
   * True when every event was already stored by an earlier append (a retry): nothing was
   * written. The PostgreSQL adapter always tells; EventStoreDB answers a retry exactly as it
   * answered the first write, so its adapter leaves this undefined.
   */
  duplicate?: boolean;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** First revision to return; defaults to the start (forwards) or the end (backwards). */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omitted: from the beginning. */
  after?: Position;
  maxCount?: number;
}

export interface EventFilter {
  streamPrefixes?: readonly string[];
  eventTypes?: readonly string[];
}

export interface SubscribeOptions {
  after?: Position;
  filter?: EventFilter;
}

/**
 * What a catch-up subscription delivers. A subscriber may rely on: every matching event
 * exactly once, in log order; and one `caughtUp` when the subscription first reaches the live
 * edge. It may not rely on a `caughtUp` after later live events: the PostgreSQL adapter sends
 * one after each live page, EventStoreDB never again. A consumer that batches must flush when
 * events stop coming (ProjectionRunner does, after 50 ms), not wait for a signal.
 */
export type SubscriptionMessage =
  | { kind: 'event'; event: RecordedEvent }
  /**
   * Everything committed and visible up to `position` has been delivered (with a filter,
   * `position` may be past the last delivered event: checkpointing it skips nothing that matches).
   */
  | { kind: 'caughtUp'; position: Position | undefined }
  /**
   * Every matching event up to `position` has been delivered; more may follow at once. A
   * filtered subscription reports how far the server has searched (EventStoreDB's
   * checkpoints), so a consumer can move its checkpoint past events that do not match.
   */
  | { kind: 'checkpoint'; position: Position };

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  close(): Promise<void>;
}

/**
 * The event store port. Adapters: PostgreSQL (embedded default) and EventStoreDB.
 * Both satisfy one contract suite (`test/contract.ts`).
 */
/** Committed events readers cannot see yet, and the open transaction that holds them back. */
export interface ReadBlockage {
  /** The last committed event, beyond the readable head. */
  committedHead: Position;
  /** Committed events not yet readable. */
  events: number;
  /** The oldest open transaction that holds them back, when the store can tell. */
  transaction?: { pid: number; since: string; application: string; state: string; query: string };
}

export interface ListStreamsOptions {
  prefix: string;
  after?: string;
  limit: number;
}

export interface EventStore {
  /**
   * Appends all the events or none. Idempotent by event id: the same events sent again come
   * back with the first result and nothing is written. How far that holds depends on the
   * expected revision on EventStoreDB: with an exact revision or `no_stream` the server
   * compares the ids with the stream itself (durable); with `any` or `stream_exists` it
   * recognises them only from an in-memory cache, so after a server restart a retry is
   * written twice. Writers that must be idempotent (every command handler here) append at an
   * exact revision. PostgreSQL recognises a retry whatever the expected revision.
   */
  append(
    stream: string,
    events: readonly EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  /**
   * Appends to several streams in one transaction, each at its expected revision: all or
   * nothing, in the order given. Optional: EventStoreDB has no multi-stream transaction, and
   * writers that need one (the registry's claims on ID and card numbers) fall back to ordered
   * single appends there. A stream not at its revision throws WrongExpectedVersion naming it.
   */
  appendMany?(
    items: readonly { stream: string; events: readonly EventToAppend[]; expectedRevision: ExpectedRevision }[],
  ): Promise<AppendResult[]>;
  /** Events of one stream; a stream that does not exist reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of several streams at once (each in revision order); missing streams read as empty. */
  readStreams(streams: readonly string[]): Promise<Map<string, RecordedEvent[]>>;
  /**
   * Names of the streams that start with `prefix`, in name order, after `after`; at most
   * `limit`. Optional: a projection rebuild uses it to fold the log stream by stream (see
   * ProjectionRunner). An adapter that cannot list streams cheaply leaves it out, and
   * rebuilds then replay `$all`.
   */
  listStreams?(options: ListStreamsOptions): Promise<string[]>;
  /**
   * Whether `listStreams` lists every stream with an event at or before `upTo`, now. Optional:
   * a store whose listing is always whole (PostgreSQL) leaves it out. EventStoreDB lists from a
   * system projection, which may be off or behind the log.
   */
  canListStreams?(upTo: Position): Promise<boolean>;
  /** Events of all streams in log order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the last visible event in the log, or undefined for an empty log. */
  headPosition(): Promise<Position | undefined>;
  /**
   * How many events the streams with these name prefixes hold: for progress bars. Optional: a
   * store that can only count by reading every event leaves it out; one that can count only
   * some prefixes, or only sometimes (EventStoreDB, from a system projection), answers
   * undefined for the rest.
   */
  countEvents?(streamPrefixes: readonly string[]): Promise<number | undefined>;
  /**
   * Whether committed events are held back from readers, and by what. PostgreSQL hides an
   * event from readers until every transaction older than it has ended (so none is ever
   * skipped); a transaction left open anywhere on the server holds back everything committed
   * after it began. Optional: a store whose readers see every committed event at once
   * (EventStoreDB) leaves it out.
   */
  readBlockage?(): Promise<ReadBlockage | undefined>;
  /**
   * Catch-up subscription over `$all`: every committed event exactly once, in log order,
   * from `after` on; then live. Ends when closed.
   */
  subscribeToAll(options?: SubscribeOptions): Subscription;
  close(): Promise<void>;
}
