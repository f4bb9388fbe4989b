import { PostgresEventStore } from '@registry/eventstore/postgres';
import { migrate } from '@registry/postgres';
import {
  areaIndicators,
  type IndicatorsWay,
  indicatorsWay,
  type MonitoringWay,
  monitoringIndicators,
  ProjectionRunner,
  ReferenceProjection,
  RegistryProjection,
  registryTables,
  verifyRegistry,
} from '@registry/projections';
import { NATIONAL_POLICY } from '@registry/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/index.js';
import { planCounty } from './plan.js';
import { simulate } from './run.js';

const OPTIONS = { households: 90, seed: 21, groupSize: 30 };

/**
 * The indicators have two ways to one answer (projections/src/indicators.ts): the households'
 * years kept by the projection (as known now) and the same definitions worked out from the
 * two-clock history and the audit (as known at any time). On a simulated county — every kind
 * of case, late corrections, returns, removals — both must agree for every year and level,
 * whether the projection built its years in bulk or kept them event by event.
 */
async function periodsOf(b: { db: TestDatabase; registry: RegistryProjection }) {
  return (await b.db.pool.query(`SELECT * FROM ${b.registry.tables.monitoring} ORDER BY household_id, period`)).rows;
}

describe('indicators kept by the projection agree with the exact as-of answer', () => {
  const county = planCounty(OPTIONS);
  const township = county.townships[0]?.code as string;
  const villages = county.townships.flatMap((t) => t.villages.map((v) => v.code)).slice(0, 3);
  const areas = [county.code, township, ...villages, `${county.code.slice(0, 2)}0000000000`];
  const years = Array.from({ length: 14 }, (_, i) => 2013 + i);

  const built: Record<'bulk' | 'live', { db: TestDatabase; store: PostgresEventStore; registry: RegistryProjection }> =
    {} as never;
  const runners: ProjectionRunner[] = [];
  let reference: ReferenceProjection;

  beforeAll(async () => {
    for (const mode of ['live', 'bulk'] as const) {
      const db = await createTestDatabase(`kept_${mode}`);
      const store = await PostgresEventStore.open({ pool: db.pool });
      const registry = new RegistryProjection(store);
      reference = new ReferenceProjection();
      const start = async () => {
        const r = new ProjectionRunner({ store, pool: db.pool, projection: registry, batchSize: 50 });
        const p = new ProjectionRunner({ store, pool: db.pool, projection: reference });
        runners.push(r, p);
        await Promise.all([r.start(), p.start()]);
        return [r, p];
      };
      // Live: the runners catch up on an empty log and keep the years event by event while
      // the clerks (the command handler) work; bulk: the log first, the read models after.
      const live = mode === 'live' ? await start() : [];
      const result = await simulate({ ...OPTIONS, mode: mode === 'live' ? 'handler' : 'bulk', store });
      expect(result.unexpected).toEqual([]);
      const running = mode === 'live' ? live : await start();
      const head = await store.headPosition();
      if (head) await Promise.all(running.map((r) => r.waitFor(head)));
      // The years are built once the runner has caught up (after its checkpoint reaches the head).
      for (let tries = 0; ; tries++) {
        const done = await db.pool.query(`SELECT 1 FROM ${registry.tables.yearsBuilt}`);
        if (done.rowCount) break;
        if (tries > 600) throw new Error('the years were not built');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      built[mode] = { db, store, registry };
    }
  });

  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    for (const b of Object.values(built)) {
      await b.store.close();
      await b.db.close();
    }
  });

  it('keeps the same years whether built in bulk or event by event', async () => {
    const rows = async (mode: 'bulk' | 'live') => {
      const { db, registry } = built[mode];
      const years = await db.pool.query(`SELECT * FROM ${registry.tables.years} ORDER BY household_id, year`);
      const funds = await db.pool.query(
        `SELECT * FROM ${registry.tables.yearFunds} ORDER BY household_id, year, category, funding_source`,
      );
      // The roll-up by village: built once in bulk, summed again village-year by village-year live.
      const areaYears = await db.pool.query(
        `SELECT * FROM ${registry.tables.areaYears} ORDER BY village_code, year, last, status, county_code, township_code`,
      );
      const areaFunds = await db.pool.query(
        `SELECT * FROM ${registry.tables.areaYearFunds}
          ORDER BY village_code, year, category, funding_source, county_code, township_code`,
      );
      return { years: years.rows, funds: funds.rows, areaYears: areaYears.rows, areaFunds: areaFunds.rows };
    };
    const bulk = await rows('bulk');
    expect(bulk.years.length).toBeGreaterThan(OPTIONS.households * 5);
    expect(bulk.funds.length).toBeGreaterThan(0);
    // Fewer rows than households' years, or the roll-up would not be worth keeping.
    expect(bulk.areaYears.length).toBeGreaterThan(0);
    expect(bulk.areaYears.length).toBeLessThan(bulk.years.length / 2);
    expect(bulk.areaFunds.length).toBeGreaterThan(0);
    expect(await rows('live')).toEqual(bulk);
  });

  it('verifies the kept years against the history and audit, and names an edited one', async () => {
    const { db, store, registry } = built.live;
    expect((await verifyRegistry(store, db.pool, registry)).differences).toEqual([]);
    const edited = await db.pool.query<{ household_id: string; year: number }>(
      `UPDATE ${registry.tables.years} SET visits = visits + 1
        WHERE (household_id, year) IN (SELECT household_id, year FROM ${registry.tables.years} LIMIT 1) RETURNING household_id, year`,
    );
    const differences = (await verifyRegistry(store, db.pool, registry)).differences;
    // The household's row, and its village-year of the roll-up (no longer the sum of the rows).
    expect(differences.map((d) => [d.householdId, d.table])).toEqual([
      [edited.rows[0]?.household_id, registry.tables.years],
      [undefined, registry.tables.areaYears],
      [undefined, registry.tables.areaYears],
    ]);
    await db.pool.query(
      `UPDATE ${registry.tables.years} SET visits = visits - 1 WHERE household_id = $1 AND year = $2`,
      [edited.rows[0]?.household_id, edited.rows[0]?.year],
    );
    expect((await verifyRegistry(store, db.pool, registry)).differences).toEqual([]);
    // An edited roll-up row is named by its village and year.
    const area = await db.pool.query<{ village_code: string; year: number; last: boolean; status: string }>(
      `UPDATE ${registry.tables.areaYears} SET households = households + 1
        WHERE (village_code, year, last, status) IN (SELECT village_code, year, last, status FROM ${registry.tables.areaYears}
                                                      WHERE village_code <> '' LIMIT 1)
        RETURNING village_code, year, last, status`,
    );
    const { village_code: village, year, last, status } = area.rows[0] as (typeof area.rows)[number];
    expect((await verifyRegistry(store, db.pool, registry)).differences).toEqual([
      {
        table: registry.tables.areaYears,
        detail: `village ${village} ${year}: a stored row is not the sum of the kept years`,
      },
      {
        table: registry.tables.areaYears,
        detail: `village ${village} ${year}: a sum of the kept years is not stored`,
      },
    ]);
    await db.pool.query(
      `UPDATE ${registry.tables.areaYears} SET households = households - 1
        WHERE village_code = $1 AND year = $2 AND last = $3 AND status = $4`,
      [village, year, last, status],
    );
    expect((await verifyRegistry(store, db.pool, registry)).differences).toEqual([]);
  });

  it('gives the exact answer for every year and level, with every count in use', async () => {
    const { db, registry } = built.bulk;
    const knownAt = new Date().toISOString();
    const ask = (areaCode: string, year: number, way: IndicatorsWay) =>
      areaIndicators(db.pool, { registry, reference }, { areaCode, year, policy: NATIONAL_POLICY, knownAt, way });
    const seen = new Set<string>();
    for (const areaCode of areas) {
      for (const year of years) {
        const kept = await ask(areaCode, year, 'kept');
        expect(kept, `${areaCode} ${year}`).toEqual(await ask(areaCode, year, 'exact'));
        for (const [key, value] of Object.entries({ ...kept.during, ...kept.fiveItems.missing })) {
          if (value > 0) seen.add(key);
        }
        if (kept.visits.compliant > 0) seen.add('compliant');
        if (kept.funds.some((f) => f.deliveredFen > 0)) seen.add('delivered');
      }
    }
    // Compliance with other visit minimums (policy data): the roll-up keeps a histogram.
    for (const minVisitsPerYear of [0, 1, 3, 366]) {
      const policy = { ...NATIONAL_POLICY, minVisitsPerYear };
      for (const year of years) {
        const at = (way: IndicatorsWay) =>
          areaIndicators(db.pool, { registry, reference }, { areaCode: county.code, year, policy, knownAt, way });
        const [kept, exact] = [await at('kept'), await at('exact')];
        expect(kept.visits, `${minVisitsPerYear} ${year}`).toEqual(exact.visits);
        if (minVisitsPerYear === 1 && kept.visits.compliant > 0) seen.add('compliant at 1');
      }
    }
    // The comparison means something only if the county has each kind of count.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'compliant',
        'compliant at 1',
        'delivered',
        'exits',
        'registrations',
        'removals',
        'returns',
        'measures',
      ]),
    );
  });

  it('gives the monitoring indicators (防返贫) the kept and the exact way alike, every year and level, both builds', async () => {
    const seen = new Set<string>();
    for (const mode of ['bulk', 'live'] as const) {
      const { db, registry } = built[mode];
      const knownAt = new Date().toISOString();
      const periods = async () =>
        (await db.pool.query(`SELECT * FROM ${registry.tables.monitoring} ORDER BY household_id, period`)).rows;
      if (mode === 'live') expect(await periods()).toEqual(await periodsOf(built.bulk));
      for (const areaCode of areas) {
        for (let year = 2020; year <= 2026; year++) {
          const ask = (way: MonitoringWay) =>
            monitoringIndicators(db.pool, registry, { areaCode, year, knownAt, today: '2026-12-07', way });
          const kept = await ask('kept');
          expect(kept, `${mode} ${areaCode} ${year}`).toEqual(await ask('exact'));
          const { endOfYear, startedByCategory: _s, ...flows } = kept.monitoring;
          for (const [key, value] of Object.entries({ ...flows, ...kept.alerts, monitored: endOfYear.households })) {
            if (typeof value === 'number' && value > 0) seen.add(key);
          }
          if (endOfYear.withMeasures > 0) seen.add('withMeasures');
        }
      }
    }
    // The comparison means something only if the county has each kind of count.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'raised',
        'verifiedInTime',
        'overdue',
        'started',
        'eliminated',
        'monitored',
        'withMeasures',
      ]),
    );
  });

  it('rolls up, on upgrade, the years a deployment kept before the roll-up existed', async () => {
    const { db, registry } = built.bulk;
    const t = registry.tables;
    const table = async (name: string) =>
      (await db.pool.query(`SELECT * FROM ${name}`)).rows.map((r) => JSON.stringify(r)).sort();
    const before = { years: await table(t.areaYears), funds: await table(t.areaYearFunds) };
    // As a deployment at migration 4 stands: kept years built, no roll-up.
    await db.pool.query(`DROP TABLE ${t.areaYears}, ${t.areaYearFunds}`);
    await db.pool.query(`DELETE FROM ${registry.name}_migrations WHERE version = 5`);
    expect(await migrate(db.pool, registry.name, registryTables(registry.version))).toEqual([5]);
    expect({ years: await table(t.areaYears), funds: await table(t.areaYearFunds) }).toEqual(before);
  });

  it('gives the exact answer as known at earlier times by amending the roll-up for the households recorded since', async () => {
    // Live: the clerks recorded over time, so an earlier time has households recorded since.
    const { db, registry } = built.live;
    const times = await db.pool.query<{ at: Date }>(
      `SELECT unnest(percentile_disc(ARRAY[0.1, 0.5, 0.9]) WITHIN GROUP (ORDER BY recorded_at)) AS at
         FROM ${registry.tables.audit}`,
    );
    const knownAts = times.rows.map((r) => new Date(r.at).toISOString());
    expect(new Set(knownAts).size).toBe(3);
    let differsFromNow = 0;
    for (const knownAt of knownAts) {
      for (const areaCode of [county.code, township, villages[0] as string]) {
        for (const year of years) {
          const at = (way: IndicatorsWay) =>
            areaIndicators(db.pool, { registry, reference }, { areaCode, year, policy: NATIONAL_POLICY, knownAt, way });
          const amended = await at('amended');
          expect(amended, `${knownAt} ${areaCode} ${year}`).toEqual(await at('exact'));
          if (JSON.stringify({ ...amended, knownAt: '' }) !== JSON.stringify({ ...(await at('kept')), knownAt: '' }))
            differsFromNow++;
        }
      }
    }
    // The comparison means something only if those times' answers are not today's.
    expect(differsFromNow).toBeGreaterThan(10);
  });

  it('takes the roll-up as known now, amends it before the last recording, and works it out before it is built', async () => {
    const { db, registry } = built.bulk;
    const t = registry.tables;
    const last = await db.pool.query<{ at: Date }>(`SELECT max(recorded_at) AS at FROM ${t.audit}`);
    const lastAt = new Date(last.rows[0]?.at ?? 0).getTime();
    expect(lastAt).toBeGreaterThan(0);
    expect(await indicatorsWay(db.pool, t, new Date(lastAt + 1000).toISOString())).toBe('kept');
    expect(await indicatorsWay(db.pool, t, new Date(lastAt).toISOString())).toBe('kept');
    expect(await indicatorsWay(db.pool, t, new Date(lastAt - 1).toISOString())).toBe('amended');
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`DELETE FROM ${t.yearsBuilt}`);
      expect(await indicatorsWay(client, t, new Date(lastAt + 1000).toISOString())).toBe('exact');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    // Empty the roll-up (the last test): an answer as known now that counts nobody came from it.
    await db.pool.query(`DELETE FROM ${t.areaYears}`);
    const now = await areaIndicators(
      db.pool,
      { registry, reference },
      { areaCode: county.code, year: 2016, policy: NATIONAL_POLICY, knownAt: new Date(lastAt + 1000).toISOString() },
    );
    expect(now.endOfYear.byStatus).toEqual({});
  });
});
