import { PostgresEventStore } from '@registry/eventstore/postgres';
import { drawSample, frameDigest, HouseholdCommandHandler } from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryFrame } from '../src/assessment.js';
import { RegistryProjection } from '../src/registry-projection.js';
import { ProjectionRunner } from '../src/runner.js';
import { clerkFor, person, VILLAGE } from './scenario.js';

const SEED = 'frame-test-seed-0123456789';
const SIZES = { poorVillages: 0, otherVillages: 1, exitedPerVillage: 1, registeredPerVillage: 2 };

/** What an assessment's draw reads: the same at its two dates, however much is recorded or rebuilt later. */
describe('the sampling frame of an assessment', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const exited: ReturnType<typeof clerkFor>[] = [];
  let knownAt = '';

  const project = async (version: number) => {
    const projection = new RegistryProjection(store, version);
    const runner = new ProjectionRunner({ store, pool: db.pool, projection });
    await runner.start();
    await runner.waitFor((await store.headPosition()) as string);
    await runner.stop();
    return projection;
  };

  beforeAll(async () => {
    db = await createTestDatabase('frame');
    store = await PostgresEventStore.open({ pool: db.pool });
    const handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
    for (let i = 0; i < 5; i++) {
      const c = clerkFor(handler);
      await c.register();
      if (i < 2) {
        await c.exit(2019);
        exited.push(c);
      }
    }
    // An applicant is in the village but in neither stratum.
    await clerkFor(handler).send(
      'ApplyForRegistration',
      { household: { villageCode: VILLAGE, address: '1号' }, members: [person('head')] },
      '2019-06-01',
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    knownAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Found later: the first exit was wrong. The household is on the roll again from its exit date.
    await exited[0]?.send(
      'AnnulExit',
      { year: 2019, source: 'assessment', finding: '收入未稳定超过标准' },
      '2019-12-31',
    );
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('reads the households by their status at the cut-off as known then, not as corrected since', async () => {
    const v1 = await project(1);
    const frame = await registryFrame(db.pool, v1, {
      areaCode: VILLAGE.slice(0, 6) + '000000',
      effectiveOn: '2019-12-31',
      knownAt,
    });
    expect(frame.villages).toEqual([VILLAGE]);
    expect(
      frame.households
        .filter((h) => h.stratum === 'exited')
        .map((h) => h.householdId)
        .sort(),
    ).toEqual(exited.map((c) => c.householdId).sort());
    expect(frame.households.filter((h) => h.stratum === 'registered')).toHaveLength(3);
    expect(frame.area).toEqual({ registeredPeople: 6, exitedPeople: 4, cardedPeople: 10 });
    const now = await registryFrame(db.pool, v1, {
      areaCode: '320924000000',
      effectiveOn: '2019-12-31',
      knownAt: new Date().toISOString(),
    });
    expect(now.area).toEqual({ registeredPeople: 8, exitedPeople: 2, cardedPeople: 10 });
  });

  it('gives the same frame, digest and draw on a registry rebuilt from the log', async () => {
    const query = { areaCode: '320924000000', effectiveOn: '2019-12-31', knownAt };
    const first = await registryFrame(db.pool, await project(1), query);
    const rebuilt = await registryFrame(db.pool, await project(2), query);
    expect(rebuilt).toEqual(first);
    expect(frameDigest(rebuilt)).toBe(frameDigest(first));
    expect(drawSample(rebuilt, SEED, SIZES, [])).toEqual(drawSample(first, SEED, SIZES, []));
    expect(drawSample(first, SEED, SIZES, []).households).toHaveLength(3);
  });
});
