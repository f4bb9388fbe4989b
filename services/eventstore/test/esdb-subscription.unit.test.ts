import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { AllStreamResolvedEvent } from '@eventstore/db-client';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStoreDbEventStore } from '../src/esdb/index.js';
import type { RecordedEvent, SubscriptionMessage } from '../src/index.js';
import { encodePosition } from '../src/index.js';
import { metadata } from './fixtures.js';

/**
 * The adapter's subscription on the client's own subscription stream (db-client 6.2.1,
 * streams/utils/Subscription.js: the Transform that turns gRPC read responses into events,
 * emits "caughtUp" and calls `checkpointReached`), fed by a fake gRPC response stream instead
 * of a server. No EventStoreDB can run here; this is how it delivers what the server sends.
 */
const { Subscription } = createRequire(import.meta.url)('@eventstore/db-client/dist/streams/utils/Subscription.js') as {
  Subscription: new (
    create: () => Promise<Readable & { cancel(): void }>,
    convert: (e: unknown) => unknown,
    options: object,
    checkpointReached?: (s: unknown, p: { commit: bigint; prepare: bigint }) => Promise<void> | void,
  ) => Readable & { unsubscribe(): Promise<void> };
};

type Response = {
  hasEvent?: () => boolean;
  getEvent?: () => AllStreamResolvedEvent;
  hasCaughtUp?: () => boolean;
  hasCheckpoint?: () => boolean;
  getCheckpoint?: () => { getCommitPosition: () => string; getPreparePosition: () => string };
};

const at = (n: number) => BigInt(n * 100);
function resolved(n: number, stream: string): AllStreamResolvedEvent {
  return {
    event: {
      streamId: stream,
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      revision: BigInt(n),
      type: 'Tested',
      data: { n },
      metadata: metadata(),
      isJson: true,
      created: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
      position: { commit: at(n), prepare: at(n) },
    },
    commitPosition: at(n),
  } as unknown as AllStreamResolvedEvent;
}
const eventResponse = (n: number, stream = 'household-a'): Response => ({
  hasEvent: () => true,
  getEvent: () => resolved(n, stream),
});
const caughtUp: Response = { hasCaughtUp: () => true };
const checkpoint = (n: number): Response => ({
  hasCheckpoint: () => true,
  getCheckpoint: () => ({ getCommitPosition: () => String(at(n)), getPreparePosition: () => String(at(n)) }),
});
const position = (n: number) => encodePosition(at(n), at(n));

interface Fake {
  store: EventStoreDbEventStore;
  /** Responses the fake server has produced so far. */
  produced(): number;
  cancelled(): boolean;
}

/** An adapter whose client subscribes to a fake server sending `responses` (a function of the index, until it returns undefined). */
function fakeServer(responses: (i: number) => Response | undefined, log: RecordedEvent[] = []): Fake {
  const store = new EventStoreDbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' });
  let produced = 0;
  let cancelled = false;
  const client = {
    dispose: async () => {},
    subscribeToAll: (options: { filter?: { checkpointReached?: never } }, readableOptions: object) =>
      new Subscription(
        async () => {
          const grpc = new Readable({
            objectMode: true,
            highWaterMark: 16,
            read() {
              const next = responses(produced);
              if (next === undefined) return;
              produced++;
              this.push(next);
            },
          }) as Readable & { cancel(): void };
          grpc.cancel = () => {
            cancelled = true;
            grpc.destroy();
          };
          return grpc;
        },
        (e) => e,
        readableOptions,
        options.filter?.checkpointReached,
      ),
  };
  Object.assign(store, { client });
  // The log as readAll sees it, for the caught-up position of a filtered subscription.
  Object.assign(store, {
    readAll: async (o: { after?: string; maxCount?: number }) =>
      log.filter((e) => o.after === undefined || e.position > o.after).slice(0, o.maxCount),
  });
  return { store, produced: () => produced, cancelled: () => cancelled };
}

const stores: EventStoreDbEventStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('EventStoreDB adapter: catch-up subscription', () => {
  it('delivers "caught up" and the server’s checkpoints after every event that came before them, never ahead', async () => {
    const sent = [eventResponse(1), eventResponse(2), checkpoint(3), eventResponse(4), caughtUp, eventResponse(5)];
    const fake = fakeServer((i) => sent[i]);
    stores.push(fake.store);
    const received: SubscriptionMessage[] = [];
    for await (const message of fake.store.subscribeToAll({ filter: { streamPrefixes: ['household-'] } })) {
      // Slow: the client's stream runs ahead into its buffer meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 5));
      received.push(message);
      if (received.length === 6) break;
    }
    expect(received.map((m) => (m.kind === 'event' ? `event ${m.event.revision}` : `${m.kind} ${m.position}`))).toEqual(
      ['event 1', 'event 2', `checkpoint ${position(3)}`, 'event 4', `caughtUp ${position(4)}`, 'event 5'],
    );
  });

  it('makes the server wait for a slow consumer instead of holding the backlog in memory', async () => {
    const fake = fakeServer((i) => (i < 100_000 ? eventResponse(i + 1) : undefined));
    stores.push(fake.store);
    let consumed = 0;
    let mostAhead = 0;
    for await (const message of fake.store.subscribeToAll({})) {
      if (message.kind !== 'event') continue;
      consumed++;
      mostAhead = Math.max(mostAhead, fake.produced() - consumed);
      await new Promise((resolve) => setImmediate(resolve));
      if (consumed === 5_000) break;
    }
    // What the server has sent beyond what was consumed: the stream buffers, not the backlog.
    expect(mostAhead).toBeLessThan(1_200);
    expect(fake.produced()).toBeLessThan(7_000);
  });

  it('stands at the log’s end once caught up when no event after its last match matches', async () => {
    const tail = [3, 4].map((n) => ({
      ...(resolved(n, 'area-320924000000').event as unknown as RecordedEvent),
      streamName: 'area-320924000000',
      revision: n,
      position: position(n),
      recordedAt: new Date().toISOString(),
    }));
    const sent = [eventResponse(1), eventResponse(2), caughtUp];
    const fake = fakeServer((i) => sent[i], tail);
    stores.push(fake.store);
    const received: SubscriptionMessage[] = [];
    for await (const message of fake.store.subscribeToAll({ filter: { streamPrefixes: ['household-'] } })) {
      received.push(message);
      if (message.kind === 'caughtUp') break;
    }
    expect(received.at(-1)).toEqual({ kind: 'caughtUp', position: position(4) });
  });

  it('cancels the server-side subscription when the consumer breaks off', async () => {
    const fake = fakeServer((i) => (i < 1_000 ? eventResponse(i + 1) : undefined));
    stores.push(fake.store);
    for await (const message of fake.store.subscribeToAll({})) if (message.kind === 'event') break;
    expect(fake.cancelled()).toBe(true);
  });

  it('drops the server’s “no position” checkpoint of a fresh log, so no position past every event is ever stored', async () => {
    // EventStoreDB 24.10 sends (-1,-1) as ulong.MaxValue when catch-up ends before any match.
    const max = String((1n << 64n) - 1n);
    const none: Response = {
      hasCheckpoint: () => true,
      getCheckpoint: () => ({ getCommitPosition: () => max, getPreparePosition: () => max }),
    };
    const sent = [none, caughtUp, none, eventResponse(1), checkpoint(2)];
    const fake = fakeServer((i) => sent[i]);
    stores.push(fake.store);
    const received: string[] = [];
    for await (const message of fake.store.subscribeToAll({ filter: { streamPrefixes: ['household-'] } })) {
      received.push(
        message.kind === 'event' ? `event ${message.event.revision}` : `${message.kind} ${message.position}`,
      );
      if (message.kind === 'checkpoint') break;
    }
    expect(received).toEqual(['caughtUp undefined', 'event 1', `checkpoint ${position(2)}`]);
  });

  it('stops at once on a quiet log, though its consumer is waiting for the next message', async () => {
    // The server sends one event and "caught up", then nothing: the consumer's next() is pending.
    const sent = [eventResponse(1), caughtUp];
    const fake = fakeServer((i) => sent[i]);
    stores.push(fake.store);
    const subscription = fake.store.subscribeToAll({});
    const received: string[] = [];
    const consumed = (async () => {
      for await (const message of subscription) received.push(message.kind);
    })();
    await expect.poll(() => received).toEqual(['event', 'caughtUp']);
    const stopped = await Promise.race([
      subscription.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2_000)),
    ]);
    expect(stopped).toBe('closed');
    // The consumer's loop ends without an error: a stop is not a failure.
    await expect(consumed).resolves.toBeUndefined();
    expect(fake.cancelled()).toBe(true);
  });

  it('names each bad stream of a multi-stream read by its place', async () => {
    const store = new EventStoreDbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' });
    stores.push(store);
    await expect(store.readStreams(['household-a', '$all'])).rejects.toThrow(/^streams\[1\]: /);
  });
});

describe('EventStoreDB adapter: the log’s head', () => {
  /** A client whose $all holds `log` (oldest first), read as the server reads it, every read recorded. */
  function withLog(log: AllStreamResolvedEvent[]) {
    const store = new EventStoreDbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' });
    const reads: string[] = [];
    const client = {
      dispose: async () => {},
      readAll: (o: { direction: string; fromPosition: unknown; maxCount: number }) => {
        reads.push(o.direction);
        const from = o.fromPosition as { commit: bigint } | string;
        const ordered = o.direction === 'backwards' ? [...log].reverse() : log;
        // Inclusive of the position read from, as the worst case of the server's reads.
        const page = ordered
          .filter((e) =>
            typeof from === 'string'
              ? true
              : o.direction === 'backwards'
                ? (e.event?.position.commit ?? 0n) <= from.commit
                : (e.event?.position.commit ?? 0n) >= from.commit,
          )
          .slice(0, o.maxCount);
        return Object.assign(Readable.from(page), { cancel: async () => {} });
      },
    };
    Object.assign(store, { client });
    return { store, reads };
  }
  const system = (n: number) => {
    const e = resolved(n, '$stats-127.0.0.1:2113');
    return { ...e, event: { ...e.event, type: '$statsCollected' } } as AllStreamResolvedEvent;
  };

  it('is found reading backwards past a long run of system events, never walking the log from its start', async () => {
    const log = [
      ...Array.from({ length: 3 }, (_, i) => resolved(i + 1, 'household-a')),
      ...Array.from({ length: 1_200 }, (_, i) => system(i + 4)),
    ];
    const { store, reads } = withLog(log);
    stores.push(store);
    expect(await store.headPosition()).toBe(position(3));
    expect(reads.every((d) => d === 'backwards')).toBe(true);
    expect(reads.length).toBeLessThanOrEqual(4);
  });

  it('is none on a log of system events only', async () => {
    const { store } = withLog(Array.from({ length: 700 }, (_, i) => system(i + 1)));
    stores.push(store);
    expect(await store.headPosition()).toBeUndefined();
  });
});

describe('EventStoreDB adapter: streams and events by category, from the server’s system projections', () => {
  /** A client whose $stream_by_category and $by_category stand at `at` (running unless `stopped`). */
  function withProjections(state: { at: string; stopped?: boolean }, names: string[], ceRevision: bigint) {
    const store = new EventStoreDbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false', listingWaitMs: 300 });
    const client = {
      dispose: async () => {},
      getProjectionStatus: async (name: string) => {
        if (!name.startsWith('$')) throw new Error('no such projection');
        return { projectionStatus: state.stopped ? 'Stopped' : 'Running', position: state.at };
      },
      readStream: (stream: string) => {
        const events =
          stream === '$category-household'
            ? names.map((n, i) => ({ event: { type: '$@', revision: BigInt(i), data: new TextEncoder().encode(n) } }))
            : stream === '$ce-household'
              ? [{ event: { type: '$>', revision: ceRevision, data: new Uint8Array() } }]
              : [];
        return Object.assign(Readable.from(events), { cancel: async () => {} });
      },
    };
    Object.assign(store, { client });
    Object.assign((store as unknown as { categories: object }).categories, { client });
    return store;
  }

  it('lists a category’s streams in name order, page by page, each once', async () => {
    const store = withProjections(
      { at: 'C:500/P:500' },
      ['household-c', 'household-a', 'household-b', 'household-a'],
      0n,
    );
    stores.push(store);
    expect(await store.listStreams({ prefix: 'household-', limit: 2 })).toEqual(['household-a', 'household-b']);
    expect(await store.listStreams({ prefix: 'household-', after: 'household-b', limit: 2 })).toEqual(['household-c']);
    await expect(store.listStreams({ prefix: 'house', limit: 2 })).rejects.toThrow(/^prefix: /);
  });

  it('trusts its listing only once $stream_by_category runs and has passed the position asked for', async () => {
    const state = { at: 'C:500/P:500', stopped: false };
    const store = withProjections(state, [], 0n);
    stores.push(store);
    expect(await store.canListStreams(position(5))).toBe(true);
    // Behind the head: waits (here 300 ms), then says no; a rebuild replays $all instead.
    expect(await store.canListStreams(position(6))).toBe(false);
    state.stopped = true;
    expect(await store.canListStreams(position(4))).toBe(false);
  });

  it('counts a category’s events from $ce-<category>, and only what it can count', async () => {
    const state = { at: 'C:500/P:500', stopped: false };
    const store = withProjections(state, [], 41n);
    stores.push(store);
    expect(await store.countEvents(['household-'])).toBe(42);
    expect(await store.countEvents(['household-a'])).toBeUndefined();
    state.stopped = true;
    expect(await store.countEvents(['household-'])).toBeUndefined();
  });
});
