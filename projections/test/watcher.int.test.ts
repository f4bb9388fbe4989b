import { PostgresEventStore } from '@registry/eventstore/postgres';
import { HouseholdCommandHandler } from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryProjection } from '../src/registry-projection.js';
import { ProjectionBehind, ProjectionFailed, ProjectionRunner } from '../src/runner.js';
import { switchVersion } from '../src/versions.js';
import { RegistryVersionWatcher } from '../src/watcher.js';
import { clerkFor } from './scenario.js';

/**
 * What an API process that runs no projections sees (ROLE=api): the registry followed through
 * its checkpoint rows, by another pool, as another process would.
 */
describe('following projections that another process runs', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: HouseholdCommandHandler;
  beforeAll(async () => {
    db = await createTestDatabase('watch');
    store = await PostgresEventStore.open({ pool: db.pool });
    handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('waits for its writes through the checkpoint row, says when it is behind or failed, and moves to a rebuilt version only once it has caught up', async () => {
    const runner = new ProjectionRunner({ store, pool: db.pool, projection: new RegistryProjection(store, 1) });
    await runner.start();
    const switches: string[] = [];
    const watcher = new RegistryVersionWatcher({
      store,
      pool: db.newPool(4),
      pollMs: 60_000,
      onSwitch: (from, to) => switches.push(`${from}->${to}`),
    });
    await watcher.start();
    try {
      const c = clerkFor(handler);
      const registered = await c.register();
      // Read-your-writes: resolved by the row the runner commits with the rows.
      await watcher.watcher.waitFor(registered.position, 10_000);
      const row = await db.pool.query(
        `SELECT status FROM ${watcher.projection.tables.households} WHERE household_id = $1`,
        [registered.householdId],
      );
      expect(row.rows[0]?.status).toBe('registered');
      await watcher.watcher.backlog(100);
      expect(watcher.watcher.status()).toMatchObject({ name: 'registry_v1', state: 'caught_up' });

      // The runner stopped: a write it never projects is waited for, then answered as behind.
      await runner.stop();
      const visit = await c.send('RecordVisit', { notes: '走访' }, '2019-03-01');
      await expect(watcher.watcher.waitFor(visit.position, 300)).rejects.toBeInstanceOf(ProjectionBehind);
      expect((await watcher.watcher.backlog(100)).events).toBe(1);
      expect(watcher.watcher.status().state).toBe('catching_up');

      // A version made active while behind the serving one (nothing built yet) is not followed.
      await db.pool.query("INSERT INTO projection_checkpoints (name) VALUES ('registry_v3')");
      await db.pool.query("UPDATE projection_active SET version = 3 WHERE family = 'registry'").then(async (r) => {
        if (r.rowCount === 0)
          await db.pool.query("INSERT INTO projection_active (family, version) VALUES ('registry', 3)");
      });
      await watcher.check();
      expect(watcher.projection.version).toBe(1);
      expect(switches).toEqual([]);

      // A rebuilt version that has caught up: followed at the next look.
      const head = (await store.headPosition()) as string;
      const rebuild = new ProjectionRunner({ store, pool: db.pool, projection: new RegistryProjection(store, 2) });
      await rebuild.start();
      await rebuild.waitFor(head);
      await switchVersion(db.pool, 'registry', 2, head);
      await watcher.check();
      expect(watcher.projection.version).toBe(2);
      expect(switches).toEqual(['1->2']);
      await watcher.watcher.waitFor(visit.position, 1_000);
      await rebuild.stop();

      // A version that failed: waiting for it fails at once, naming the failure.
      await db.pool.query(
        "UPDATE projection_checkpoints SET status = 'failed', error = 'a bad event' WHERE name = 'registry_v2'",
      );
      const later = await c.send('RecordVisit', { notes: '再次走访' }, '2019-04-01');
      await expect(watcher.watcher.waitFor(later.position, 5_000)).rejects.toBeInstanceOf(ProjectionFailed);
      expect(watcher.watcher.status()).toMatchObject({ state: 'failed', error: 'a bad event' });
    } finally {
      await watcher.stop();
      await runner.stop();
    }
  });
});
