import type { EventStore } from '@registry/eventstore';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { HouseholdCommandHandler } from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryProjection } from '../src/registry-projection.js';
import { ProjectionRunner } from '../src/runner.js';
import { verifyRegistry } from '../src/verify.js';
import { clerkFor, person } from './scenario.js';

/**
 * Records entered late (effective before ones already projected) on a household with a long
 * history: clerks record last month's visits every day. What each costs the projection is
 * counted in the work it does, not timed: the streams it reads back and the status-history
 * rows it rewrites.
 */
describe('late records on a long household', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: HouseholdCommandHandler;
  let projection: RegistryProjection;
  let runner: ProjectionRunner;
  const streamsRead: string[] = [];
  let c: ReturnType<typeof clerkFor>;

  const historyRows = async () =>
    Number(
      (
        await db.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${projection.tables.history} WHERE household_id = $1`,
          [c.householdId],
        )
      ).rows[0]?.n,
    );

  beforeAll(async () => {
    db = await createTestDatabase('late');
    store = await PostgresEventStore.open({ pool: db.pool });
    handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
    c = clerkFor(handler);
    await c.register();
    // Six years of monthly visits: a few hundred events.
    for (let year = 2015; year <= 2020; year++) {
      for (let month = 6; month <= 12; month++) {
        await c.send(
          'RecordVisit',
          { notes: `${year}年${month}月走访` },
          `${year}-${String(month).padStart(2, '0')}-15`,
        );
      }
    }
    await c.exit(2020);
    const counting: EventStore = Object.create(store);
    counting.readStreams = (streams) => {
      streamsRead.push(...streams);
      return store.readStreams(streams);
    };
    projection = new RegistryProjection(counting, 31);
    runner = new ProjectionRunner({ store: counting, pool: db.pool, projection, bulkStreams: 0 });
    await runner.start();
    await runner.waitFor((await store.headPosition()) as string, 30_000);
  });
  afterAll(async () => {
    await runner?.stop();
    await store.close();
    await db.close();
  });

  it('a late visit is projected like a timely one: no stream read back, no status-history row rewritten', async () => {
    const rows = await historyRows();
    streamsRead.length = 0;
    const late = await c.send('RecordVisit', { notes: '补录2018年走访' }, '2018-03-15');
    await runner.waitFor(late.position);
    expect(streamsRead).toEqual([]);
    expect(await historyRows()).toBe(rows);
    const visits = await db.pool.query(`SELECT 1 FROM ${projection.tables.visits} WHERE household_id = $1`, [
      c.householdId,
    ]);
    expect(visits.rowCount).toBe(43);
    expect((await verifyRegistry(store, db.pool, projection)).differences).toEqual([]);
  });

  it('a late change of status or members reads the stream once and gives the status history as known from then', async () => {
    streamsRead.length = 0;
    const born = person('child', 'female', '2017-08-01');
    const late = await c.send('AddMember', { member: born, reason: 'birth' }, '2017-08-01');
    await runner.waitFor(late.position);
    expect(streamsRead).toEqual([`household-${c.householdId}`]);
    const asOf = await db.pool.query<{ member_count: number }>(
      `SELECT member_count FROM ${projection.tables.history}
        WHERE household_id = $1 AND recorded_to IS NULL AND effective_from <= '2018-01-01'
          AND (effective_to IS NULL OR effective_to > '2018-01-01')`,
      [c.householdId],
    );
    expect(asOf.rows).toEqual([{ member_count: 3 }]);
    expect((await verifyRegistry(store, db.pool, projection)).differences).toEqual([]);
  });
});
