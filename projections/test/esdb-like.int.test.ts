import { randomUUID } from 'node:crypto';
import type {
  EventStore,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionMessage,
} from '@registry/eventstore';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { AreaReferenceHandler, HouseholdCommandHandler } from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryProjection } from '../src/registry-projection.js';
import { BACKLOG_SCAN_LIMIT, ProjectionRunner } from '../src/runner.js';
import { verifyRegistry } from '../src/verify.js';
import { clerk, clerkFor } from './scenario.js';

/**
 * The PostgreSQL store, subscribed to as EventStoreDB's client delivers a catch-up
 * subscription: "caught up" once, when it first goes live, never again; and a server-side
 * filter, so events that do not match never arrive and that one caught-up position is the
 * last matching event's, not the log's head.
 */
function likeEventStoreDb(
  store: PostgresEventStore,
  options: { paceMs?: number; delivered?: (n: number) => void; recordedAt?: (e: RecordedEvent) => string } = {},
): EventStore {
  const wrapped: EventStore = Object.create(store);
  const pace = options;
  wrapped.subscribeToAll = (options: SubscribeOptions = {}): Subscription => {
    const inner = store.subscribeToAll(options.after ? { after: options.after } : {});
    const prefixes = options.filter?.streamPrefixes;
    const matches = (e: RecordedEvent) => !prefixes || prefixes.some((p) => e.streamName.startsWith(p));
    const messages = (async function* (): AsyncGenerator<SubscriptionMessage> {
      let told = false;
      let lastMatching = options.after;
      let delivered = 0;
      for await (const message of inner) {
        if (message.kind === 'event') {
          if (!matches(message.event)) continue;
          lastMatching = message.event.position;
          // A steady stream: never quiet for the runner's idle interval.
          if (pace.paceMs) await new Promise((resolve) => setTimeout(resolve, pace.paceMs));
          pace.delivered?.(++delivered);
          yield pace.recordedAt
            ? { ...message, event: { ...message.event, recordedAt: pace.recordedAt(message.event) } }
            : message;
        } else if (!told) {
          told = true;
          yield { kind: 'caughtUp', position: lastMatching };
        }
      }
    })();
    return {
      [Symbol.asyncIterator]: () => messages,
      close: async () => {
        await inner.close();
        await messages.return(undefined);
      },
    };
  };
  return wrapped;
}

describe('projection runner on a store that says it caught up only once and filters on the server', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: HouseholdCommandHandler;
  beforeAll(async () => {
    db = await createTestDatabase('esdblike');
    store = await PostgresEventStore.open({ pool: db.pool });
    handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('projects live events without a caught-up signal after each, and reports itself caught up', async () => {
    await clerkFor(handler).register();
    const projection = new RegistryProjection(store, 21);
    const runner = new ProjectionRunner({
      store: likeEventStoreDb(store),
      pool: db.pool,
      projection,
      bulkStreams: 0,
      batchSize: 50,
    });
    await runner.start();
    try {
      await runner.waitFor((await store.headPosition()) as string, 15_000);
      // Live now. Each command's events must reach the read models, though no "caught up" follows them.
      for (let i = 0; i < 3; i++) {
        const c = clerkFor(handler);
        await c.register();
        const visit = await c.send('RecordVisit', { notes: '走访' }, '2020-02-01');
        await runner.waitFor(visit.position, 5_000);
        const visits = await db.pool.query(`SELECT 1 FROM ${projection.tables.visits} WHERE household_id = $1`, [
          c.householdId,
        ]);
        expect(visits.rowCount).toBe(1);
      }
      // The log ends with an event the filter drops: the runner is caught up all the same.
      await new AreaReferenceHandler(store).recordRuralPopulation(
        {
          commandId: 'population-2020',
          areaCode: '320924000000',
          year: 2020,
          population: 5000,
          effectiveAt: '2020-12-31',
        },
        clerk,
      );
      // Waiting for the log's head ends (a rebuild waits so): the runner moves past the end
      // once it sees none of the events there is its own.
      await runner.waitFor((await store.headPosition()) as string, 5_000);
      expect(runner.status().state).toBe('caught_up');
      expect((await runner.lag()).behind).toBe(false);
      expect((await verifyRegistry(store, db.pool, projection)).differences).toEqual([]);
    } finally {
      await runner.stop();
    }
  });

  it('counts a filtered backlog reading a bounded stretch of the log, and says "at least" beyond it', async () => {
    const projection = new RegistryProjection(store, 23);
    let read = 0;
    const counting: EventStore = Object.create(store);
    counting.readAll = async (options) => {
      const page = await store.readAll(options);
      read += page.length;
      return page;
    };
    const runner = new ProjectionRunner({ store: counting, pool: db.pool, projection, bulkStreams: 0 });
    await runner.start();
    await runner.waitFor((await store.headPosition()) as string, 15_000);
    await runner.stop();
    // More of the log than the scan limit, none of it the projection's (as the reference
    // family sees the households' events).
    for (let s = 0; s < 12; s++) {
      await store.append(
        `load-${randomUUID()}`,
        Array.from({ length: 1_000 }, (_, i) => ({
          id: randomUUID(),
          type: 'Loaded',
          data: { i },
          metadata: { actor: clerk, effectiveAt: '2020-01-01', correlationId: randomUUID() },
        })),
        { expectedRevision: 'no_stream' },
      );
    }
    read = 0;
    const backlog = await runner.backlog(100);
    expect(backlog).toEqual({ events: 0, atLeast: true, oldestRecordedAt: null });
    expect(read).toBeLessThanOrEqual(BACKLOG_SCAN_LIMIT);
  });

  it('replays $all when the store cannot list its streams up to the head, and will not finish a build begun stream by stream without the listing', async () => {
    for (let i = 0; i < 12; i++) await clerkFor(handler).register();
    let listed = 0;
    const unlisted: EventStore = Object.create(store);
    unlisted.listStreams = async (options) => {
      listed++;
      return store.listStreams(options);
    };
    // As EventStoreDB with its $stream_by_category projection off or behind.
    unlisted.canListStreams = async () => false;
    const projection = new RegistryProjection(store, 24);
    const replaying = new ProjectionRunner({ store: unlisted, pool: db.pool, projection, bulkStreams: 5 });
    await replaying.start();
    try {
      await replaying.waitFor((await store.headPosition()) as string, 15_000);
      expect(listed).toBe(0);
      expect((await verifyRegistry(store, db.pool, projection)).differences).toEqual([]);
    } finally {
      await replaying.stop();
    }
    // A build begun stream by stream (cut off after its first chunk) cannot go on by replaying $all.
    const begun = new RegistryProjection(store, 25);
    let chunks = 0;
    const first = new ProjectionRunner({
      store,
      pool: db.pool,
      projection: begun,
      bulkStreams: 5,
      beforeCommit: () => {
        if (++chunks === 2) throw new Error('cut off');
      },
    });
    await first.start();
    await expect.poll(() => first.status().state).toBe('failed');
    await first.stop();
    const second = new ProjectionRunner({ store: unlisted, pool: db.pool, projection: begun, bulkStreams: 5 });
    await second.start();
    try {
      await expect.poll(() => second.status().state).toBe('failed');
      expect(second.status().error).toMatch(/began stream by stream/);
    } finally {
      await second.stop();
    }
  });

  it('keeps one recording clock per household in the audit and the status history when the leader’s clock steps back', async () => {
    const c = clerkFor(handler);
    await c.register();
    const events = await store.readStream(`household-${c.householdId}`);
    const last = events.at(-1) as RecordedEvent;
    // The last step recorded by a new leader whose clock is an hour behind the old one's.
    const stepped = new Date(Date.parse(last.recordedAt) - 3_600_000).toISOString();
    const projection = new RegistryProjection(store, 26);
    const runner = new ProjectionRunner({
      store: likeEventStoreDb(store, { recordedAt: (e) => (e.id === last.id ? stepped : e.recordedAt) }),
      pool: db.pool,
      projection,
      bulkStreams: 0,
    });
    await runner.start();
    try {
      await runner.waitFor(last.position, 15_000);
      const audit = await db.pool.query<{ at: Date }>(
        `SELECT recorded_at AS at FROM ${projection.tables.audit} WHERE household_id = $1 ORDER BY revision`,
        [c.householdId],
      );
      const times = audit.rows.map((r) => r.at.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      // The registration's row of the status history is known from the same time as its event in the audit.
      const open = await db.pool.query<{ at: Date }>(
        `SELECT recorded_from AS at FROM ${projection.tables.history} WHERE household_id = $1 AND recorded_to IS NULL`,
        [c.householdId],
      );
      expect(open.rows.map((r) => r.at.getTime())).toContain(times.at(-1));
    } finally {
      await runner.stop();
    }
  });

  it('flushes within a bound under a steady stream that is never quiet for its idle interval', async () => {
    for (let i = 0; i < 20; i++) {
      const c = clerkFor(handler);
      await c.register();
      await c.send('RecordVisit', { notes: '走访' }, '2020-02-01');
    }
    const log = (await store.readAll()).filter((e) => e.streamName.startsWith('household-'));
    expect(log.length).toBeGreaterThan(150);
    let delivered = 0;
    const runner = new ProjectionRunner({
      store: likeEventStoreDb(store, { paceMs: 10, delivered: (n) => (delivered = n) }),
      pool: db.pool,
      projection: new RegistryProjection(store, 22),
      bulkStreams: 0,
      maxFlushDelayMs: 200,
    });
    await runner.start();
    try {
      // Waiting for an early event ends while the stream still flows: its batch was flushed
      // within the bound, not held until the stream paused or a batch filled.
      await runner.waitFor(log[20]?.position as string, 10_000);
      expect(delivered).toBeLessThan(log.length);
    } finally {
      await runner.stop();
    }
  });
});
