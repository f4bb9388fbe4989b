import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { type HistoryEvent, stateAsOf, toHistoryEvent } from '@registry/registry';
import { householdStream, REGISTRY_START } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longSteps, play } from '../../services/registry/test/generator.js';
import { registryAsOf } from '../src/queries.js';
import { RegistryProjection } from '../src/registry-projection.js';
import { ProjectionRunner } from '../src/runner.js';
import { verifyRegistry } from '../src/verify.js';

const SEED = 20261124;
const HOUSEHOLDS = 40;
const COUNTY = '320924000000';

/** A generated history as events to append: fresh ids, and some events backdated. */
function toAppend(history: HistoryEvent[], draw: () => number) {
  const ids = new Map(history.map((e) => [e.id, randomUUID()]));
  return history.map((e, i) => {
    let effectiveAt = e.effectiveAt;
    if (i > 0 && draw() % 10 === 0) {
      const d = new Date(`${effectiveAt}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - (1 + (draw() % 400)));
      // Not before the registry's history starts: the store refuses such dates.
      effectiveAt = d.toISOString().slice(0, 10) < REGISTRY_START ? REGISTRY_START : d.toISOString().slice(0, 10);
    }
    const data =
      e.type === 'EventCorrected'
        ? { ...e.data, correctedEventId: ids.get(e.data.correctedEventId) as string }
        : e.data;
    return { id: ids.get(e.id) as string, type: e.type, data: data as never, metadata: { ...e.metadata, effectiveAt } };
  });
}

describe('projection properties over random households (fast-check)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const histories = new Map<string, HistoryEvent[]>();
  let live: RegistryProjection;
  let rebuilt: RegistryProjection;

  beforeAll(async () => {
    db = await createTestDatabase('projprop');
    store = await PostgresEventStore.open({ pool: db.pool });
    const runs = fc.sample(longSteps, { numRuns: HOUSEHOLDS, seed: SEED }).map(play);
    const numbers = fc.sample(fc.nat(100_000), { numRuns: 20_000, seed: SEED });
    let next = 0;
    const draw = () => numbers[next++ % numbers.length] as number;
    live = new RegistryProjection(store, 21);
    // Small random batches, running while the log grows: the incremental path.
    const runner = new ProjectionRunner({ store, pool: db.pool, projection: live, batchSize: 5 });
    await runner.start();
    let last = '';
    for (const [i, run] of runs.entries()) {
      if (run.history.length === 0) continue;
      const id = randomUUID();
      const events = toAppend(run.history, draw);
      // Appended a few events at a time, interleaved with other households, as clerks work.
      for (let from = 0; from < events.length; from += 1 + (i % 4)) {
        const chunk = events.slice(from, from + 1 + (i % 4));
        last = (
          await store.append(householdStream(id), chunk, { expectedRevision: from === 0 ? 'no_stream' : from - 1 })
        ).position;
      }
      histories.set(id, (await store.readStream(householdStream(id))).map(toHistoryEvent));
    }
    await runner.waitFor(last, 60_000);
    await runner.stop();
    rebuilt = new RegistryProjection(store, 22);
    const rebuild = new ProjectionRunner({ store, pool: db.pool, projection: rebuilt, batchSize: 10_000 });
    await rebuild.start();
    await rebuild.waitFor(last, 60_000);
    await rebuild.stop();
  }, 120_000);

  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('generates histories that exercise the hard paths: corrections and backdated events', () => {
    const all = [...histories.values()].flat();
    expect(all.some((e) => e.type === 'EventCorrected')).toBe(true);
    expect(
      all.some(
        (e, i) => i > 0 && e.householdId === all[i - 1]?.householdId && e.effectiveAt < (all[i - 1]?.effectiveAt ?? ''),
      ),
    ).toBe(true);
    expect(all.filter((e) => e.type === 'ExitApproved').length).toBeGreaterThan(0);
  });

  it('the incremental projection equals a rebuild', async () => {
    for (const key of ['households', 'members', 'measures', 'visits', 'audit'] as const) {
      const a = await db.pool.query(`SELECT * FROM ${live.tables[key]} ORDER BY 1, 2`);
      const b = await db.pool.query(`SELECT * FROM ${rebuilt.tables[key]} ORDER BY 1, 2`);
      expect(a.rows, key).toEqual(b.rows);
    }
    const history = (p: RegistryProjection) =>
      db.pool.query(
        `SELECT household_id, status, attribute, monitoring_category, village_code, effective_from, effective_to
           FROM ${p.tables.history} WHERE recorded_to IS NULL ORDER BY household_id, effective_from`,
      );
    expect((await history(live)).rows).toEqual((await history(rebuilt)).rows);
  });

  it("keeps the same households' years whether worked out by SQL event by event or folded in a rebuild", async () => {
    // Live: refreshed by SQL for the years each batch can change; rebuilt: folded in memory
    // with the household's other rows (year-facts-fold.ts), corrections and backdated events included.
    for (const [key, order] of [
      ['years', 'household_id, year'],
      ['yearFunds', 'household_id, year, category, funding_source'],
    ] as const) {
      const a = await db.pool.query(`SELECT * FROM ${live.tables[key]} ORDER BY ${order}`);
      const b = await db.pool.query(`SELECT * FROM ${rebuilt.tables[key]} ORDER BY ${order}`);
      expect(a.rows.length, key).toBeGreaterThan(HOUSEHOLDS);
      expect(b.rows, key).toEqual(a.rows);
    }
  });

  it('both equal the fold of the log (verify finds nothing)', async () => {
    for (const projection of [live, rebuilt]) {
      const report = await verifyRegistry(store, db.pool, projection);
      expect(report.households).toBe(histories.size);
      expect(report.differences).toEqual([]);
    }
  });

  it('as-of queries on both clocks equal the fold as of that date, as known then', async () => {
    const all = [...histories.values()].flat();
    const knownAts = [...new Set(all.map((e) => e.recordedAt))].sort();
    const dates = [...new Set(all.map((e) => e.effectiveAt))].sort();
    const pairs = fc.sample(
      fc.tuple(fc.constantFrom(...dates), fc.constantFrom(...knownAts), fc.integer({ min: -1, max: 1 })),
      { numRuns: 60, seed: SEED },
    );
    for (const [date, known, shift] of pairs) {
      const d = new Date(`${date}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + shift);
      const effectiveOn = d.toISOString().slice(0, 10);
      const rows = await registryAsOf(db.pool, live, { areaCode: COUNTY, effectiveOn, knownAt: known });
      const expected = [...histories.entries()]
        .map(([householdId, history]) => ({ householdId, state: stateAsOf(history, effectiveOn, known) }))
        .filter((h) => h.state.status !== 'none')
        .map((h) => ({
          householdId: h.householdId,
          status: h.state.status,
          attribute: h.state.registration?.attribute ?? null,
        }))
        .sort((a, b) => a.householdId.localeCompare(b.householdId));
      const got = rows.map((r) => ({ householdId: r.householdId, status: r.status, attribute: r.attribute }));
      expect(got, `as of ${effectiveOn} known at ${known}`).toEqual(expected);
    }
  });
});
