import { randomUUID } from 'node:crypto';
import type { SubscriptionMessage } from '@registry/eventstore';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { HouseholdCommandHandler } from '@registry/registry';
import { householdStream, NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryIndexes } from '../src/migrations.js';
import { RegistryProjection } from '../src/registry-projection.js';
import { ProjectionBehind, ProjectionRunner } from '../src/runner.js';
import { verifyRegistry } from '../src/verify.js';
import { clerk, clerkFor } from './scenario.js';

/** Every row of every read model, minus generated ids, in a stable order. */
async function dump(pool: pg.Pool, projection: RegistryProjection): Promise<Record<string, unknown[]>> {
  const t = projection.tables;
  const out: Record<string, unknown[]> = {};
  const order: Record<string, string> = {
    households: 'household_id',
    members: 'household_id, member_id',
    measures: 'household_id, measure_id',
    visits: 'household_id, visit_id',
    alerts: 'household_id, alert_id',
    monitoring: 'household_id, period',
    history: 'household_id, recorded_from, effective_from, recorded_to NULLS LAST',
    audit: 'position',
    years: 'household_id, year',
    yearFunds: 'household_id, year, category, funding_source',
    areaYears: 'village_code, year, last, status, county_code, township_code',
    areaYearFunds: 'village_code, year, category, funding_source, county_code, township_code',
    // When they were built differs from build to build; that they were does not.
    yearsBuilt: '1',
  };
  for (const [key, table] of Object.entries(t)) {
    const rows = await pool.query(`SELECT * FROM ${table} ORDER BY ${order[key]}`);
    if (key === 'yearsBuilt') {
      out[key] = [rows.rowCount];
      continue;
    }
    out[key] = rows.rows.map(({ id: _id, ...rest }) => rest);
  }
  return out;
}

describe('projection runner', () => {
  // A build from the start runs stream by stream when it can; the same checks hold for
  // replaying $all (bulkStreams 0), which a build falls back to and a live runner always does.
  describe.each([
    { name: 'building stream by stream', base: 0, crashAt: 2, runner: { bulkStreams: 2 } },
    { name: 'replaying $all', base: 100, crashAt: 4, runner: { bulkStreams: 0 } },
  ])('$name', (mode) => {
    let db: TestDatabase;
    let store: PostgresEventStore;
    let handler: HouseholdCommandHandler;
    let head: string;
    /** The malformed event the failure test appends; later tests build over it. */
    let broken: { position: string } | undefined;
    beforeAll(async () => {
      db = await createTestDatabase(`runner${mode.base}`);
      store = await PostgresEventStore.open({ pool: db.pool });
      handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
      for (let i = 0; i < 6; i++) {
        const c = clerkFor(handler);
        await c.register();
        if (i % 2 === 0) await c.exit(2019);
        if (i % 3 === 0) await c.send('RecordVisit', { notes: '走访' }, '2020-02-01');
      }
      head = (await store.headPosition()) as string;
    });
    afterAll(async () => {
      await store.close();
      await db.close();
    });

    it('given a crash between the batch writes and COMMIT, a restarted runner ends with the same tables as a clean build', async () => {
      const crashing = new RegistryProjection(store, mode.base + 11);
      let batches = 0;
      const first = new ProjectionRunner({
        ...mode.runner,
        store,
        pool: db.pool,
        projection: crashing,
        batchSize: 7,
        beforeCommit: () => {
          if (++batches === mode.crashAt) throw new Error('simulated crash before COMMIT');
        },
      });
      await first.start();
      await expect(first.waitFor(head)).rejects.toThrow(/simulated crash/);
      expect(first.status()).toMatchObject({ state: 'failed', error: 'simulated crash before COMMIT' });
      const recorded = await db.pool.query(
        'SELECT status, error, failed_position FROM projection_checkpoints WHERE name = $1',
        [crashing.name],
      );
      expect(recorded.rows[0]).toMatchObject({ status: 'failed', error: 'simulated crash before COMMIT' });
      expect(recorded.rows[0].failed_position).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}$/);
      // Building stream by stream, the crash came after a committed chunk: the build resumes from it.
      const progress = await db.pool.query('SELECT bulk_after FROM projection_checkpoints WHERE name = $1', [
        crashing.name,
      ]);
      expect(progress.rows[0].bulk_after !== null).toBe(mode.runner.bulkStreams > 0);
      await first.stop();

      const resumed = new ProjectionRunner({
        ...mode.runner,
        store,
        pool: db.pool,
        projection: crashing,
        batchSize: 7,
      });
      await resumed.start();
      await resumed.waitFor(head);
      await resumed.stop();

      const clean = new RegistryProjection(store, mode.base + 12);
      const cleanRunner = new ProjectionRunner({
        ...mode.runner,
        store,
        pool: db.pool,
        projection: clean,
        batchSize: 1000,
      });
      await cleanRunner.start();
      await cleanRunner.waitFor(head);
      await cleanRunner.stop();

      const [a, b] = [await dump(db.pool, crashing), await dump(db.pool, clean)];
      expect(a.audit?.length).toBeGreaterThan(60);
      expect(a).toEqual(b);
      expect((await verifyRegistry(store, db.pool, crashing)).differences).toEqual([]);
    });

    it('reports lag: behind while events wait, not behind once caught up', async () => {
      const projection = new RegistryProjection(store, mode.base + 15);
      const runner = new ProjectionRunner({ ...mode.runner, store, pool: db.pool, projection, batchSize: 4 });
      expect(await runner.lag()).toEqual({ head, checkpoint: null, behind: true });
      // Not started, it cannot reach the head: a wait runs out and says so, by name.
      const behind = await runner.waitFor(head, 50).catch((e: unknown) => e);
      expect(behind).toBeInstanceOf(ProjectionBehind);
      expect(behind).toMatchObject({ position: head, checkpoint: null, timeoutMs: 50 });
      await runner.start();
      await runner.waitFor(head);
      const lag = await runner.lag();
      expect(lag.behind).toBe(false);
      expect(lag.checkpoint !== null && lag.checkpoint >= head).toBe(true);
      for (let i = 0; i < 250 && runner.status().state !== 'caught_up'; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(runner.status().state).toBe('caught_up');
      // Once caught up, the query indexes exist.
      const indexes = await db.pool.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE tablename LIKE $1`,
        [`rm\\_%\\_v${mode.base + 15}`],
      );
      const names = indexes.rows.map((r) => r.indexname);
      for (const index of registryIndexes(mode.base + 15)) expect(names).toContain(index.name);
      await runner.stop();
    });

    it('given two runners of the same projection, one of them stops with a checkpoint conflict', async () => {
      const projection = new RegistryProjection(store, mode.base + 13);
      const one = new ProjectionRunner({ ...mode.runner, store, pool: db.pool, projection, batchSize: 5 });
      const two = new ProjectionRunner({ ...mode.runner, store, pool: db.pool, projection, batchSize: 5 });
      await Promise.all([one.start(), two.start()]);
      await Promise.allSettled([one.waitFor(head), two.waitFor(head)]);
      const states = [one.status(), two.status()];
      expect(states.filter((s) => s.state === 'failed')).toHaveLength(1);
      expect(states.find((s) => s.state === 'failed')?.error).toMatch(/another runner is running it/);
      await Promise.all([one.stop(), two.stop()]);
      expect((await verifyRegistry(store, db.pool, projection)).differences).toEqual([]);
    });

    it('given its connection killed mid-batch (twice), retries from the checkpoint and ends equal to a clean build', async () => {
      const clean = new RegistryProjection(store, mode.base + 15);
      const cleanRunner = new ProjectionRunner({
        ...mode.runner,
        store,
        pool: db.pool,
        projection: clean,
        batchSize: 3,
      });
      await cleanRunner.start();
      await cleanRunner.waitFor(head);
      await cleanRunner.stop();

      const projection = new RegistryProjection(store, mode.base + 16);
      const states: string[] = [];
      let kills = 0;
      const runner = new ProjectionRunner({
        ...mode.runner,
        store,
        pool: db.pool,
        projection,
        batchSize: 3,
        retry: { baseMs: 10, maxMs: 50 },
        onStateChange: (status) => states.push(status.state),
        beforeCommit: async () => {
          if (kills >= 2) return;
          kills++;
          // The runner's own transaction is the one idle in transaction while this hook runs.
          const killed = await db.pool.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()`,
          );
          expect(killed.rowCount).toBe(1);
        },
      });
      await runner.start();
      await runner.waitFor(head, 30_000);
      expect(kills).toBe(2);
      expect(states.filter((s) => s === 'retrying')).toHaveLength(2);
      for (let i = 0; i < 100 && runner.status().state !== 'caught_up'; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(runner.status()).toMatchObject({ state: 'caught_up', checkpoint: head });
      expect(runner.status().error).toBeUndefined();
      await runner.stop();
      expect(await dump(db.pool, projection)).toEqual(await dump(db.pool, clean));
    });

    it('given an event it cannot project, stops there, records the error, and never skips it', async () => {
      const projection = new RegistryProjection(store, mode.base + 14);
      const runner = new ProjectionRunner({ ...mode.runner, store, pool: db.pool, projection, batchSize: 3 });
      await runner.start();
      await runner.waitFor(head);
      // A malformed event written around the command handler (as a buggy importer might).
      broken = await store.append(
        householdStream(randomUUID()),
        [
          {
            id: randomUUID(),
            type: 'VisitRecorded',
            data: { visitId: 'not-a-uuid' },
            metadata: { actor: clerk, effectiveAt: '2020-01-01', correlationId: randomUUID() },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      const c = clerkFor(handler);
      const later = await c.register();
      await expect(runner.waitFor(later.position)).rejects.toThrow(/cannot be projected/);
      const status = runner.status();
      expect(status.state).toBe('failed');
      expect(status.failedPosition).toBe(broken.position);
      expect(status.checkpoint !== null && status.checkpoint < broken.position).toBe(true);
      const row = await db.pool.query(
        'SELECT status, error, failed_position, position FROM projection_checkpoints WHERE name = $1',
        [projection.name],
      );
      expect(row.rows[0]).toMatchObject({ status: 'failed', failed_position: broken.position });
      expect(row.rows[0].error).toMatch(/VisitRecorded/);
      expect(row.rows[0].position < broken.position).toBe(true);
      const roll = await db.pool.query(`SELECT 1 FROM ${projection.tables.households} WHERE household_id = $1`, [
        c.householdId,
      ]);
      expect(roll.rowCount).toBe(0);
      await runner.stop();
    });

    it('given an event it cannot project in the log, a build from the start fails at that event and writes nothing of its chunk', async () => {
      expect(broken).toBeDefined();
      const projection = new RegistryProjection(store, mode.base + 17);
      const runner = new ProjectionRunner({ ...mode.runner, store, pool: db.pool, projection, batchSize: 3 });
      await runner.start();
      await expect(runner.waitFor(head)).rejects.toThrow(/cannot be projected/);
      expect(runner.status()).toMatchObject({ state: 'failed', failedPosition: broken?.position });
      const row = await db.pool.query('SELECT status, failed_position FROM projection_checkpoints WHERE name = $1', [
        projection.name,
      ]);
      expect(row.rows[0]).toMatchObject({ status: 'failed', failed_position: broken?.position });
      const audit = await db.pool.query(`SELECT 1 FROM ${projection.tables.audit} WHERE position = $1`, [
        broken?.position,
      ]);
      expect(audit.rowCount).toBe(0);
      await runner.stop();
    });
  });
});

describe('projection runner, live', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: HouseholdCommandHandler;
  beforeAll(async () => {
    db = await createTestDatabase('runnerlive');
    store = await PostgresEventStore.open({ pool: db.pool });
    handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('flushes an event that reaches a quiet runner at once, whatever its minimum flush interval', async () => {
    // The minimum interval gathers the events of a busy registry into larger batches; a command
    // that comes to a quiet runner gathers nothing by waiting, so its read-your-writes does not wait.
    const c = clerkFor(handler);
    await c.register();
    const projection = new RegistryProjection(store, 41);
    const runner = new ProjectionRunner({ store, pool: db.pool, projection, minFlushIntervalMs: 600_000 });
    await runner.start();
    try {
      await runner.waitFor((await store.headPosition()) as string, 20_000);
      while (runner.status().state !== 'caught_up') await new Promise((resolve) => setTimeout(resolve, 20));
      for (const day of ['2020-03-01', '2020-04-01']) {
        // A quiet moment after the last flush, then one command.
        await new Promise((resolve) => setTimeout(resolve, 50));
        const { position } = await c.send('RecordVisit', { notes: '走访' }, day);
        await runner.waitFor(position, 20_000);
      }
      const visits = await db.pool.query(`SELECT count(*)::int AS n FROM ${projection.tables.visits}`);
      expect(visits.rows[0].n).toBe(2);
    } finally {
      await runner.stop();
    }
  });
});

describe('projection runner, a subscription that fails while a batch is written', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: HouseholdCommandHandler;
  beforeAll(async () => {
    db = await createTestDatabase('runnerreadfail');
    store = await PostgresEventStore.open({ pool: db.pool });
    handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('retries from its checkpoint, and the read that failed during the write never surfaces as an unhandled rejection', async () => {
    // The runner asks for the next message before it writes the batch it has: a database that
    // goes away fails that read while the write is still under way (CI saw it, through an
    // outage test, as the service's "BUG: unhandled promise rejection").
    const c = clerkFor(handler);
    await c.register();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    let failures = 0;
    const failing = Object.create(store) as PostgresEventStore;
    failing.subscribeToAll = (options) => {
      const subscription = store.subscribeToAll(options);
      const inner = subscription[Symbol.asyncIterator]();
      let failNext = false;
      const iterator: AsyncIterator<SubscriptionMessage> = {
        next: async () => {
          if (failNext && failures === 0) {
            failures++;
            throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
          }
          const result = await inner.next();
          // Fail the read asked for just after the first caught-up message, as its batch is written.
          if (!result.done && result.value.kind === 'caughtUp') failNext = true;
          return result;
        },
        return: async () => {
          await subscription.close();
          return { done: true, value: undefined };
        },
      };
      return { ...subscription, [Symbol.asyncIterator]: () => iterator };
    };
    const projection = new RegistryProjection(failing, 42);
    const runner = new ProjectionRunner({
      store: failing,
      pool: db.pool,
      projection,
      bulkStreams: 0,
      retry: { baseMs: 10, maxMs: 10 },
    });
    await runner.start();
    try {
      await runner.waitFor((await store.headPosition()) as string, 20_000);
      const { position } = await c.send('RecordVisit', { notes: '走访' }, '2020-03-01');
      await runner.waitFor(position, 20_000);
      // Two turns of the event loop: an unhandled rejection is reported after the microtasks drain.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(failures).toBe(1);
      expect(unhandled).toEqual([]);
      const visits = await db.pool.query(`SELECT count(*)::int AS n FROM ${projection.tables.visits}`);
      expect(visits.rows[0].n).toBe(1);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await runner.stop();
    }
  });
});
