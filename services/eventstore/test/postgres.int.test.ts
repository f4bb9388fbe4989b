import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPool, freePort, migrate, startEmbeddedPostgres } from '@registry/postgres';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventIdConflict } from '../src/index.js';
import { PostgresEventStore } from '../src/postgres/index.js';
import { EVENT_STORE_MIGRATIONS } from '../src/postgres/migrations.js';
import { eventStoreContract } from './contract.js';
import { collect, events, streamName } from './fixtures.js';

const OVERSIZE = 64 * 1024;

eventStoreContract('PostgreSQL', async () => {
  // Its own server, so the contract can restart it under the store.
  const dir = await mkdtemp(path.join(tmpdir(), 'es-contract-'));
  await chmod(dir, 0o755);
  const port = await freePort();
  const start = () =>
    startEmbeddedPostgres({
      dataDir: path.join(dir, 'pg'),
      port,
      persistent: true,
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
  let server = await start();
  const url = server.url('postgres');
  const pools: pg.Pool[] = [];
  const newPool = (max: number) => {
    const pool = createPool({ connectionString: url, max }, () => {});
    pools.push(pool);
    return pool;
  };
  const open = (pool: pg.Pool) =>
    PostgresEventStore.open({ pool, limits: { maxEventBytes: OVERSIZE }, subscriptionBatchSize: 50 });
  const store = await open(newPool(20));
  const others: PostgresEventStore[] = [];
  return {
    store,
    oversizeBytes: OVERSIZE,
    // Polls only once a minute, so the test sees LISTEN/NOTIFY doing the waking.
    secondStore: async () => {
      const other = await PostgresEventStore.open({ pool: newPool(4), pollIntervalMs: 60_000 });
      others.push(other);
      return other;
    },
    restartServer: async () => {
      await server.stop();
      server = await start();
    },
    dispose: async () => {
      await Promise.all([store, ...others].map((s) => s.close()));
      await Promise.all(pools.map((p) => p.end()));
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('PostgreSQL event store: guarantees the database itself keeps', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase('es_pg');
    store = await PostgresEventStore.open({ pool: db.pool });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it.each([
    ['UPDATE', "UPDATE es_events SET event_type = 'Forged'"],
    ['DELETE', 'DELETE FROM es_events'],
    ['TRUNCATE', 'TRUNCATE es_events'],
  ])('given stored events, when a client runs %s, then the database refuses it', async (_op, sql) => {
    const stream = streamName();
    await store.append(stream, events(2), { expectedRevision: 'no_stream' });
    const before = await store.readStream(stream);
    await expect(db.pool.query(sql)).rejects.toThrow(/refused: stored events are immutable/);
    expect(await store.readStream(stream)).toEqual(before);
  });

  // EventStoreDB only recognises a retried id within its stream; this store keeps ids unique.
  it('refuses event ids reused in another stream, writing nothing', async () => {
    const batch = events(1);
    await store.append(streamName(), batch, { expectedRevision: 'any' });
    const other = streamName();
    await expect(store.append(other, batch, { expectedRevision: 'any' })).rejects.toBeInstanceOf(EventIdConflict);
    expect(await store.readStream(other)).toEqual([]);
  });

  it('lists the streams of a prefix in name order, a page at a time, each once however many events it holds', async () => {
    const prefix = `list${randomUUID().slice(0, 8)}-`;
    const names = Array.from({ length: 5 }, () => streamName(prefix.slice(0, -1)));
    for (const [i, name] of names.entries()) await store.append(name, events(1 + i), { expectedRevision: 'no_stream' });
    await store.append(streamName(`${prefix.slice(0, -1)}x`), events(1), { expectedRevision: 'no_stream' });
    const sorted = [...names].sort();
    const first = await store.listStreams({ prefix, limit: 3 });
    expect(first).toEqual(sorted.slice(0, 3));
    expect(await store.listStreams({ prefix, after: first.at(-1), limit: 3 })).toEqual(sorted.slice(3));
    expect(await store.listStreams({ prefix, after: sorted.at(-1), limit: 3 })).toEqual([]);
    await expect(store.listStreams({ prefix, limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
  });

  it('applies its migrations once, however often it is opened', async () => {
    const again = await PostgresEventStore.open({ pool: db.pool });
    await again.close();
    const { rows } = await db.pool.query('SELECT version FROM eventstore_migrations ORDER BY version');
    expect(rows).toEqual(EVENT_STORE_MIGRATIONS.map((m) => ({ version: m.version })));
  });

  it('given a log written before appends answered with every position, a retry of an old append after the upgrade answers with its stored events', async () => {
    const old = await createTestDatabase('es_upgrade');
    try {
      await migrate(old.pool, 'eventstore', EVENT_STORE_MIGRATIONS.slice(0, 1));
      const stream = streamName();
      const batch = events(2);
      const payload = JSON.stringify(
        batch.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
      );
      await old.pool.query('SELECT * FROM es_append($1, -1, $2::jsonb)', [stream, payload]);
      const upgraded = await PostgresEventStore.open({ pool: old.pool });
      try {
        const retry = await upgraded.append(stream, batch, { expectedRevision: 'no_stream' });
        const stored = await upgraded.readStream(stream);
        expect(retry.duplicate).toBe(true);
        expect(retry.events).toEqual(stored.map((e) => ({ position: e.position, recordedAt: e.recordedAt })));
        const next = await upgraded.append(stream, events(1), { expectedRevision: 1 });
        expect(next.events).toHaveLength(1);
        expect(next.nextExpectedRevision).toBe(2);
      } finally {
        await upgraded.close();
      }
    } finally {
      await old.close();
    }
  });

  it('given a long open write transaction, subscribers wait for it and then receive everything in order', async () => {
    const head = await store.headPosition();
    const subscription = store.subscribeToAll(head === undefined ? {} : { after: head });
    const received: string[] = [];
    const consuming = collect(subscription, (r) => {
      received.length = 0;
      received.push(...r.map((e) => e.streamName));
      return r.length === 4;
    });

    const slow = new pg.Client({ connectionString: db.url });
    await slow.connect();
    const slowStream = streamName('slow');
    const fastStream = streamName('fast');
    try {
      await slow.query('BEGIN');
      const batch = events(2);
      await slow.query('SELECT * FROM es_append($1, -1, $2::jsonb)', [
        slowStream,
        JSON.stringify(batch.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata }))),
      ]);
      // Later transaction ids commit first: visible in the table, but not yet below xmin.
      await store.append(fastStream, events(2), { expectedRevision: 'no_stream' });
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(received).toEqual([]);
      const committed = await db.pool.query('SELECT count(*)::int AS n FROM es_events WHERE stream_name = $1', [
        fastStream,
      ]);
      expect(committed.rows[0].n).toBe(2);
      // The store says what is held back, and by whom.
      const slowPid = (await slow.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      const blockage = await store.readBlockage();
      expect(blockage).toMatchObject({ events: 2, transaction: { pid: slowPid, state: 'idle in transaction' } });
      expect(blockage?.committedHead.localeCompare((await store.headPosition()) ?? '')).toBe(1);

      await slow.query('COMMIT');
    } finally {
      await slow.end();
    }
    const all = await consuming;
    expect(all.map((e) => e.streamName)).toEqual([slowStream, slowStream, fastStream, fastStream]);
    expect(await store.readBlockage()).toBeUndefined();
  });
});
