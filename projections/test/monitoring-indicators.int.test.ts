import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { HouseholdCommandHandler } from '@registry/registry';
import { type Actor, ALL_CONDITIONS_MET, NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MonitoringWay, monitoringIndicators } from '../src/monitoring-indicators.js';
import { monitoringPeriodsSql } from '../src/monitoring-periods.js';
import { RegistryProjection } from '../src/registry-projection.js';
import { ProjectionRunner } from '../src/runner.js';
import { verifyRegistry } from '../src/verify.js';
import { clerkFor } from './scenario.js';

// A county of its own, built by hand: six households of one village, each with one story of
// 2020–2022 monitoring, and the figures they must give, counted by hand.
const COUNTY = '320982000000';
const VILLAGE = '320982101201';
const villageClerk: Actor = { id: 'village-li', role: 'clerk', unit: VILLAGE };
const townshipClerk: Actor = { id: 'township-zhao', role: 'clerk', unit: '320982101000' };
const countyClerk: Actor = { id: 'county-sun', role: 'clerk', unit: COUNTY };

describe('防返贫 monitoring indicators per area and year, by two clocks', () => {
  let db: TestDatabase;
  let handler: HouseholdCommandHandler;
  let projection: RegistryProjection;
  let runner: ProjectionRunner;
  let beforeElimination = '';
  let storeRef: PostgresEventStore;
  let last = '';

  /** An exited household (registered 2015, exited 2019) driven by the level that records each step. */
  const household = async () => {
    const h = clerkFor(handler);
    await h.register(VILLAGE);
    await h.exit(2019);
    let n = 100;
    const as = async (actor: Actor, type: string, data: unknown, effectiveAt: string, reason?: string) => {
      const outcome = await handler.handle(
        {
          commandId: `${h.householdId}-m${++n}`,
          householdId: h.householdId,
          effectiveAt,
          ...(reason ? { reason } : {}),
        },
        type,
        data,
        actor,
      );
      last = outcome.position;
      return outcome;
    };
    return { ...h, as };
  };

  const conditions = { ...ALL_CONDITIONS_MET };

  beforeAll(async () => {
    db = await createTestDatabase('monitoring_indicators');
    const store = await PostgresEventStore.open({ pool: db.pool });
    handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });

    // A: monitored directly in 2020 (before the regime); its risk eliminated in November 2022.
    const a = await household();
    await a.as(countyClerk, 'StartMonitoring', { category: 'unstable_exited', risks: ['因病'] }, '2020-06-01');
    // B: monitored in 2020; the household is gone in June 2022 (自然减少: natural elimination).
    const b = await household();
    await b.as(countyClerk, 'StartMonitoring', { category: 'unstable_exited', risks: ['因残'] }, '2020-07-01');
    await b.as(countyClerk, 'RecordNaturalDecrease', { reason: 'died_out' }, '2022-06-01');
    // C: a family's own report in March 2022, verified in time, taken in, identified; a 2022 measure.
    const c = await household();
    const alertC = randomUUID();
    await c.as(
      villageClerk,
      'RaiseRiskAlert',
      { alertId: alertC, channel: 'self_report', risks: ['illness'], detail: '户主住院' },
      '2022-03-01',
    );
    await c.as(
      villageClerk,
      'VerifyRiskAlert',
      {
        alertId: alertC,
        outcome: 'taken_in',
        incomePerCapitaFen: 500_000,
        rigidExpenditureFen: 3_000_000,
        category: 'unstable_exited',
        risks: ['illness'],
      },
      '2022-03-05',
    );
    await c.as(villageClerk, 'RecordVillageReview', { approved: true }, '2022-03-06');
    await c.as(villageClerk, 'OpenPublicNotice', {}, '2022-03-06');
    await c.as(villageClerk, 'ClosePublicNotice', {}, '2022-03-13');
    await c.as(townshipClerk, 'RecordTownshipReview', { approved: true }, '2022-03-14');
    await c.as(countyClerk, 'ApproveMonitoring', {}, '2022-03-15');
    await c.as(
      villageClerk,
      'PlanAssistance',
      { category: 'health_aid', description: '大病救助', amountFen: 200_000, fundingSource: 'central', year: 2022 },
      '2022-04-01',
    );
    // D: a 医保 screening in April, verified late (after its seven days): not at risk.
    const d = await household();
    const alertD = randomUUID();
    await d.as(
      countyClerk,
      'RaiseRiskAlert',
      {
        alertId: alertD,
        channel: 'department',
        department: 'medical_insurance',
        indicator: '个人自付医疗费用',
        amountFen: 1_500_000,
        risks: ['illness'],
        detail: '医保部门筛查',
      },
      '2022-04-01',
    );
    await d.as(
      townshipClerk,
      'VerifyRiskAlert',
      {
        alertId: alertD,
        outcome: 'excluded',
        incomePerCapitaFen: 900_000,
        rigidExpenditureFen: 500_000,
        notes: '医保报销后自付不高，收入稳定',
      },
      '2022-04-20',
    );
    // E: a petition in May 2022, never verified: pending and overdue.
    const e = await household();
    await e.as(
      countyClerk,
      'RaiseRiskAlert',
      { alertId: randomUUID(), channel: 'petition', risks: ['housing_insecure'], detail: '来信反映房屋漏雨' },
      '2022-05-01',
    );
    // F: monitored in 2020; fell back into poverty in September 2022 (返贫).
    const f = await household();
    await f.as(countyClerk, 'StartMonitoring', { category: 'unstable_exited', risks: ['因灾'] }, '2020-08-01');
    await f.as(
      countyClerk,
      'ReportReturnToPoverty',
      { attribute: 'ordinary', mainCause: 'disaster', otherCauses: [] },
      '2022-09-01',
      '洪灾返贫',
    );
    // A's elimination: assessed above the 2022 standard, proposed, reviewed, posted, approved.
    await a.as(
      villageClerk,
      'AssessConditions',
      { year: 2022, incomePerCapitaFen: 800_000, ...conditions },
      '2022-11-15',
    );
    await a.as(villageClerk, 'ProposeRiskElimination', { year: 2022 }, '2022-11-20');
    await a.as(villageClerk, 'RecordVillageReview', { approved: true }, '2022-11-21');
    await a.as(villageClerk, 'OpenPublicNotice', {}, '2022-11-21');
    await a.as(villageClerk, 'ClosePublicNotice', {}, '2022-11-28');

    storeRef = store;
    projection = new RegistryProjection(store);
    runner = new ProjectionRunner({ store, pool: db.pool, projection, batchSize: 50 });
    await runner.start();
    await runner.waitFor(last);
    beforeElimination = new Date().toISOString();
    await a.as(countyClerk, 'ApproveRiskElimination', {}, '2022-11-29');
    await runner.waitFor(last);
  }, 120_000);

  afterAll(async () => {
    await runner?.stop();
    await storeRef?.close();
    await db?.close();
  });

  const ask = (year: number, knownAt: string, way: MonitoringWay, today = '2026-12-07') =>
    monitoringIndicators(db.pool, projection, { areaCode: COUNTY, year, knownAt, today, way });

  it('counts 2022 as built by hand, the kept and the exact way alike', async () => {
    const now = new Date().toISOString();
    for (const way of ['kept', 'exact'] as const) {
      const answer = await ask(2022, now, way);
      expect(answer.alerts, way).toEqual({
        raised: 3,
        byChannel: [
          { channel: 'department', count: 1 },
          { channel: 'petition', count: 1 },
          { channel: 'self_report', count: 1 },
        ],
        verified: 2,
        verifiedInTime: 1,
        due: 3,
        inTimeRate: 1 / 3,
        pending: 1,
        overdue: 1,
        byOutcome: [
          { outcome: 'excluded', count: 1 },
          { outcome: 'taken_in', count: 1 },
        ],
      });
      expect(answer.monitoring, way).toEqual({
        started: 1,
        startedByCategory: [{ category: 'unstable_exited', households: 1 }],
        eliminated: 1,
        returnedToPoverty: 1,
        naturallyEnded: 1,
        endOfYear: {
          households: 1,
          people: 2,
          byCategory: [{ category: 'unstable_exited', households: 1, people: 2 }],
          byRisk: [{ risk: 'illness', households: 1 }],
          withMeasures: 1,
          withMeasuresRate: 1,
        },
      });
    }
  });

  it('counts 2021: three households monitored since 2020, none begun or ended, no alerts', async () => {
    const now = new Date().toISOString();
    for (const way of ['kept', 'exact'] as const) {
      const answer = await ask(2021, now, way);
      expect(answer.alerts.raised, way).toBe(0);
      expect(answer.alerts.inTimeRate, way).toBeNull();
      expect(answer.monitoring, way).toMatchObject({
        started: 0,
        eliminated: 0,
        returnedToPoverty: 0,
        naturallyEnded: 0,
      });
      expect(answer.monitoring.endOfYear, way).toMatchObject({
        households: 3,
        people: 6,
        byRisk: [
          { risk: '因残', households: 1 },
          { risk: '因灾', households: 1 },
          { risk: '因病', households: 1 },
        ],
        // Their measures were of 2015's registration year, none of 2021.
        withMeasures: 0,
        withMeasuresRate: 0,
      });
    }
  });

  it('answers as known before the elimination was approved: A still monitored at the end of 2022', async () => {
    const answer = await ask(2022, beforeElimination, 'exact');
    expect(answer.monitoring.eliminated).toBe(0);
    expect(answer.monitoring.endOfYear.households).toBe(2);
    expect(answer.monitoring.endOfYear.byRisk).toEqual([
      { risk: 'illness', households: 1 },
      { risk: '因病', households: 1 },
    ]);
    // Counted at a date before the petition's deadline, it is pending but not yet overdue.
    const early = await ask(2022, beforeElimination, 'exact', '2022-05-05');
    expect(early.alerts).toMatchObject({ pending: 1, overdue: 0, due: 2, inTimeRate: 0.5 });
  });

  it('keeps the periods the fold gives (verify), the same rows the migration works out from the audit', async () => {
    const report = await verifyRegistry(storeRef, db.pool, projection);
    expect(report.differences).toEqual([]);
    const t = projection.tables;
    const columns = `household_id, period, category, risks, started_on::text, ended_on::text, ended`;
    const kept = await db.pool.query(`SELECT ${columns} FROM ${t.monitoring} ORDER BY 1, 2`);
    const worked = await db.pool.query(
      `SELECT ${columns} FROM (${monitoringPeriodsSql(t, "'infinity'::timestamptz")}) p ORDER BY 1, 2`,
    );
    expect(kept.rows).toHaveLength(4);
    expect(worked.rows).toEqual(kept.rows);
  });
});
