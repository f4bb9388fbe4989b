import { PostgresEventStore } from '@registry/eventstore/postgres';
import { HouseholdCommandHandler } from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryVersionFollower } from '../src/follower.js';
import { RegistryProjection } from '../src/registry-projection.js';
import { ProjectionRunner } from '../src/runner.js';
import { switchVersion } from '../src/versions.js';
import { clerkFor } from './scenario.js';

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('following the active registry version', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: HouseholdCommandHandler;
  beforeAll(async () => {
    db = await createTestDatabase('follow');
    store = await PostgresEventStore.open({ pool: db.pool });
    handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('given a rebuild switched the active version, the service moves to it once caught up and stops the old one', async () => {
    const c = clerkFor(handler);
    await c.register();
    const switches: string[] = [];
    const follower = new RegistryVersionFollower({
      store,
      pool: db.pool,
      pollMs: 30,
      onSwitch: (from, to) => switches.push(`${from}->${to}`),
    });
    await follower.start();
    try {
      expect(follower.projection.version).toBe(1);
      await until(() => follower.runner.status().state === 'caught_up', 'v1 caught up');

      // A rebuild builds v2 and switches; the follower is still serving v1.
      const head = (await store.headPosition()) as string;
      const rebuild = new ProjectionRunner({ store, pool: db.pool, projection: new RegistryProjection(store, 2) });
      await rebuild.start();
      await rebuild.waitFor(head);
      await rebuild.stop();
      await switchVersion(db.pool, 'registry', 2, head);

      const visit = await c.send('RecordVisit', { notes: '切换后走访' }, '2019-03-01');
      await until(() => follower.projection.version === 2, 'the follower serves v2');
      // Caught up with the visit itself: a filtered runner that says it is caught up may not yet
      // have been handed an event appended a moment before (lag() does not count it as behind).
      await follower.runner.waitFor(visit.position, 15_000);
      expect(switches).toEqual(['1->2']);
      const visits = async (v: number) =>
        Number(
          (await db.pool.query(`SELECT count(*) AS n FROM rm_visits_v${v} WHERE household_id = $1`, [c.householdId]))
            .rows[0].n,
        );
      expect(await visits(2)).toBe(1);
      expect(
        follower.runner.status().checkpoint !== null &&
          (follower.runner.status().checkpoint as string) >= visit.position,
      ).toBe(true);

      // The old version is no longer fed.
      const before = await visits(1);
      const later = await c.send('RecordVisit', { notes: '再次走访' }, '2019-04-01');
      await until(() => (follower.runner.status().checkpoint ?? '') >= later.position, 'v2 has the later visit');
      expect(await visits(2)).toBe(2);
      expect(await visits(1)).toBe(before);
    } finally {
      await follower.stop();
    }
  });
});
