import { PostgresEventStore } from '@registry/eventstore/postgres';
import { HouseholdCommandHandler } from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryAsOf } from '../src/queries.js';
import { RegistryProjection } from '../src/registry-projection.js';
import { ProjectionRunner } from '../src/runner.js';
import { verifyRegistry } from '../src/verify.js';
import { cardNumberOf, clerk, clerkFor, VILLAGE } from './scenario.js';

describe('registry read models: given events, then rows', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: HouseholdCommandHandler;
  let projection: RegistryProjection;
  let runner: ProjectionRunner;
  beforeAll(async () => {
    db = await createTestDatabase('proj');
    store = await PostgresEventStore.open({ pool: db.pool });
    handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
    projection = new RegistryProjection(store);
    runner = new ProjectionRunner({ store, pool: db.pool, projection, batchSize: 50 });
    await runner.start();
  });
  afterAll(async () => {
    await runner.stop();
    await store.close();
    await db.close();
  });

  it('projects the roll, members, measures, visits and the audit trail of a registered household', async () => {
    const c = clerkFor(handler);
    await c.register();
    await c.send(
      'PlanAssistance',
      { category: 'industry', description: '养殖湖羊', amountFen: 500_000, fundingSource: 'central', year: 2016 },
      '2016-03-01',
    );
    const plan = (await handler.history(c.householdId)).at(-1);
    if (plan?.type !== 'AssistancePlanned') throw new Error('the plan was not recorded');
    const measureId = plan.data.measureId;
    await c.send('RecordAssistanceDelivered', { measureId, amountFen: 300_000 }, '2016-04-01');
    await c.send('RecordVisit', { notes: '走访' }, '2016-05-01', { reason: '月度走访' });
    const last = await c.send(
      'UpdateMember',
      { memberId: c.spouse.memberId, changes: { health: 'chronic_illness' } },
      '2016-06-01',
    );
    await runner.waitFor(last.position);

    const t = projection.tables;
    const roll = await db.pool.query(`SELECT * FROM ${t.households} WHERE household_id = $1`, [c.householdId]);
    expect(roll.rows[0]).toMatchObject({
      status: 'registered',
      county_code: '320924000000',
      township_code: '320924101000',
      village_code: VILLAGE,
      card_number: cardNumberOf(c.householdId),
      attribute: 'ordinary',
      main_cause: 'illness',
      other_causes: ['lack_of_capital'],
      helper_id: 'cadre-042',
      member_count: 2,
      version: String(last.version),
    });
    const members = await db.pool.query(
      `SELECT member_id, health, relation FROM ${t.members} WHERE household_id = $1 ORDER BY relation`,
      [c.householdId],
    );
    expect(members.rows).toEqual([
      { member_id: c.head.memberId, health: 'healthy', relation: 'head' },
      { member_id: c.spouse.memberId, health: 'chronic_illness', relation: 'spouse' },
    ]);
    const measures = await db.pool.query(
      `SELECT category, amount_fen, delivered_fen FROM ${t.measures} WHERE household_id = $1`,
      [c.householdId],
    );
    expect(measures.rows).toEqual([{ category: 'industry', amount_fen: '500000', delivered_fen: '300000' }]);
    const visits = await db.pool.query(
      `SELECT helper_id, to_char(visited_on, 'YYYY-MM-DD') AS on FROM ${t.visits} WHERE household_id = $1`,
      [c.householdId],
    );
    expect(visits.rows).toEqual([{ helper_id: 'cadre-042', on: '2016-05-01' }]);
    const audit = await db.pool.query(
      `SELECT event_type, actor_id, actor_role, actor_unit, reason, to_char(effective_at, 'YYYY-MM-DD') AS effective_at, village_code
         FROM ${t.audit} WHERE household_id = $1 ORDER BY revision`,
      [c.householdId],
    );
    expect(audit.rows).toHaveLength(last.version + 1);
    expect(audit.rows.find((r) => r.event_type === 'VisitRecorded')).toEqual({
      event_type: 'VisitRecorded',
      actor_id: clerk.id,
      actor_role: 'clerk',
      actor_unit: clerk.unit,
      reason: '月度走访',
      effective_at: '2016-05-01',
      village_code: VILLAGE,
    });
  });

  it('answers "as effective on D, as known at K": an exit effective in December but recorded later, and a correction after the cut-off', async () => {
    const c = clerkFor(handler);
    await c.register();
    const beforeExit = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Effective 2019-12-31, recorded now (long after): the exit takes effect in the past.
    const exit = await c.exit(2019, '2019-12-31');
    await runner.waitFor(exit.position);
    const afterExit = new Date(Date.parse(exit.events[0]?.recordedAt as string) + 1).toISOString();
    const asOf = async (effectiveOn: string, knownAt: string) =>
      (await registryAsOf(db.pool, projection, { areaCode: VILLAGE, effectiveOn, knownAt })).find(
        (r) => r.householdId === c.householdId,
      )?.status;

    expect(await asOf('2019-12-31', beforeExit)).toBe('registered');
    expect(await asOf('2019-12-31', afterExit)).toBe('exited');
    expect(await asOf('2019-12-30', afterExit)).toBe('registered');
    expect(await asOf('2015-03-05', afterExit)).toBe('applicant');
    expect(await asOf('2014-12-31', afterExit)).toBeUndefined();

    // Assessors freeze the cut-off here; then a correction changes the attribute recorded at registration.
    const cutOff = new Date(Date.now() + 2).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const registration = (await handler.history(c.householdId)).find((e) => e.type === 'RegistrationApproved');
    const correction = await c.send(
      'CorrectEvent',
      {
        eventId: registration?.id,
        action: 'replace',
        replacementData: { ...(registration?.data as object), attribute: 'low_income_guarantee' },
      },
      '2020-03-01',
      { reason: '属性录入错误，应为低保贫困户' },
    );
    await runner.waitFor(correction.position);
    const row = async (effectiveOn: string, knownAt: string) =>
      (await registryAsOf(db.pool, projection, { areaCode: VILLAGE, effectiveOn, knownAt })).find(
        (r) => r.householdId === c.householdId,
      );
    const now = new Date(Date.now() + 1).toISOString();
    expect(await row('2019-12-31', cutOff)).toMatchObject({ status: 'exited', attribute: 'ordinary' });
    expect(await row('2016-06-30', cutOff)).toMatchObject({ status: 'registered', attribute: 'ordinary' });
    expect(await row('2019-12-31', now)).toMatchObject({ status: 'exited', attribute: 'low_income_guarantee' });
    expect(await row('2016-06-30', now)).toMatchObject({ status: 'registered', attribute: 'low_income_guarantee' });
    const county = await registryAsOf(db.pool, projection, {
      areaCode: '320924000000',
      effectiveOn: '2019-12-31',
      knownAt: cutOff,
    });
    expect(
      await registryAsOf(db.pool, projection, { areaCode: '320924000000', effectiveOn: '2019-12-31', knownAt: cutOff }),
    ).toEqual(county);
    expect(county.find((r) => r.householdId === c.householdId)?.attribute).toBe('ordinary');
    // The province and the city hold the county: the same rows, by the county code's prefix.
    for (const areaCode of ['320000000000', '320900000000']) {
      expect(await registryAsOf(db.pool, projection, { areaCode, effectiveOn: '2019-12-31', knownAt: cutOff })).toEqual(
        county,
      );
    }
    expect(
      await registryAsOf(db.pool, projection, { areaCode: '110000000000', effectiveOn: '2019-12-31', knownAt: cutOff }),
    ).toEqual([]);
  });

  it('re-draws the past when a backdated event arrives, keeping what was known before', async () => {
    const c = clerkFor(handler);
    await c.register();
    await c.exit(2019, '2019-12-31');
    const returned = await c.send(
      'ReportReturnToPoverty',
      { attribute: 'low_income_guarantee', mainCause: 'illness' },
      '2021-06-01',
    );
    await runner.waitFor(returned.position);
    const knownBefore = new Date(Date.now() + 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Recorded after the return but effective before it: the household had moved away on 2021-01-01.
    const backdated = await c.send('RecordNaturalDecrease', { reason: 'moved_away' }, '2021-01-01');
    await runner.waitFor(backdated.position);
    const now = new Date(Date.now() + 1).toISOString();
    const asOf = async (effectiveOn: string, knownAt: string) =>
      (await registryAsOf(db.pool, projection, { areaCode: VILLAGE, effectiveOn, knownAt })).find(
        (r) => r.householdId === c.householdId,
      )?.status;
    expect(await asOf('2021-03-01', knownBefore)).toBe('exited');
    expect(await asOf('2021-03-01', now)).toBe('decreased');
    expect(await asOf('2021-07-01', knownBefore)).toBe('returned');
    expect(await asOf('2020-06-01', now)).toBe('exited');
  });

  it('puts a wrongly exited household (错退) back on the roll from its exit’s date, keeping what was known before the finding', async () => {
    const c = clerkFor(handler);
    await c.register();
    const exit = await c.exit(2019, '2019-12-31');
    await runner.waitFor(exit.position);
    const knownBefore = new Date(Date.now() + 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const annulled = await c.send(
      'AnnulExit',
      { year: 2019, source: 'inspection', finding: '督查：住房不安全' },
      '2019-12-31',
    );
    await runner.waitFor(annulled.position);
    const now = new Date(Date.now() + 1).toISOString();
    const asOf = async (effectiveOn: string, knownAt: string) =>
      (await registryAsOf(db.pool, projection, { areaCode: VILLAGE, effectiveOn, knownAt })).find(
        (r) => r.householdId === c.householdId,
      )?.status;
    expect(await asOf('2020-06-30', knownBefore)).toBe('exited');
    expect(await asOf('2020-06-30', now)).toBe('registered');
    expect(await asOf('2019-12-31', now)).toBe('registered');
    const [row] = await db.pool
      .query<{ status: string; exit_count: number }>(
        `SELECT status, exit_count FROM ${projection.tables.households} WHERE household_id = $1`,
        [c.householdId],
      )
      .then((r) => r.rows);
    expect(row).toEqual({ status: 'registered', exit_count: 0 });
  });

  it('shows an attribute adjusted from a date (动态调整) from that date on, and the earlier one before it', async () => {
    const c = clerkFor(handler);
    await c.register();
    const adjusted = await c.send(
      'AdjustAttributeAndCauses',
      { attribute: 'low_income_guarantee', mainCause: 'illness', otherCauses: ['lack_of_labour'] },
      '2018-03-01',
    );
    await runner.waitFor(adjusted.position);
    const now = new Date(Date.now() + 1).toISOString();
    const attributeOn = async (effectiveOn: string) =>
      (await registryAsOf(db.pool, projection, { areaCode: VILLAGE, effectiveOn, knownAt: now })).find(
        (r) => r.householdId === c.householdId,
      )?.attribute;
    expect(await attributeOn('2017-12-31')).toBe('ordinary');
    expect(await attributeOn('2018-03-01')).toBe('low_income_guarantee');
    expect(await attributeOn('2019-06-30')).toBe('low_income_guarantee');
    const [row] = await db.pool
      .query<{ attribute: string; main_cause: string; other_causes: string[] }>(
        `SELECT attribute, main_cause, other_causes FROM ${projection.tables.households} WHERE household_id = $1`,
        [c.householdId],
      )
      .then((r) => r.rows);
    expect(row).toEqual({ attribute: 'low_income_guarantee', main_cause: 'illness', other_causes: ['lack_of_labour'] });
  });

  it('verifies: the tables equal the fold of the log, and an edited table is caught', async () => {
    const status = runner.status();
    expect(status.state).toBe('caught_up');
    const clean = await verifyRegistry(store, db.pool, projection);
    expect(clean.differences).toEqual([]);
    expect(clean.households).toBeGreaterThanOrEqual(3);
    const [victim] = (await db.pool.query(`SELECT household_id FROM ${projection.tables.households} LIMIT 1`)).rows;
    await db.pool.query(
      `UPDATE ${projection.tables.households} SET status = 'exited', member_count = 9 WHERE household_id = $1`,
      [victim.household_id],
    );
    await db.pool.query(`DELETE FROM ${projection.tables.visits} WHERE household_id = $1`, [victim.household_id]);
    const tampered = await verifyRegistry(store, db.pool, projection);
    expect(tampered.differences.map((d) => d.table)).toContain(projection.tables.households);
    expect(tampered.differences.every((d) => d.householdId === victim.household_id)).toBe(true);
  });
});
