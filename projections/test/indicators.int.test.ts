import { PostgresEventStore } from '@registry/eventstore/postgres';
import { AreaReferenceHandler, HouseholdCommandHandler, ValidationError } from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaIndicators } from '../src/indicators.js';
import { ReferenceProjection } from '../src/reference-projection.js';
import { RegistryProjection } from '../src/registry-projection.js';
import { ProjectionRunner } from '../src/runner.js';
import { clerk, clerkFor } from './scenario.js';

const COUNTY = '320924000000';
const VILLAGE_A = '320924101201';
const VILLAGE_B = '320924102305';
// In another county, so the county's own counts stay as the other tests read them.
const VILLAGE_C = '320925103401';
const VILLAGE_D = '320925103402';

describe('assessment views per area and year', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: HouseholdCommandHandler;
  const registry = {
    projection: undefined as unknown as RegistryProjection,
    runner: undefined as unknown as ProjectionRunner,
  };
  let reference: ReferenceProjection;
  let referenceRunner: ProjectionRunner;
  let h1: ReturnType<typeof clerkFor>;
  let last = '';

  beforeAll(async () => {
    db = await createTestDatabase('indicators');
    store = await PostgresEventStore.open({ pool: db.pool });
    handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
    // H1 (village A): registered 2015; industry measure and 7 visits in 2019; exits effective 2019-12-31.
    h1 = clerkFor(handler);
    await h1.register(VILLAGE_A);
    await h1.send(
      'PlanAssistance',
      { category: 'industry', description: '湖羊养殖', amountFen: 500_000, fundingSource: 'central', year: 2019 },
      '2019-02-01',
    );
    const measure = (await handler.history(h1.householdId)).at(-1);
    if (measure?.type !== 'AssistancePlanned') throw new Error('no measure');
    await h1.send('RecordAssistanceDelivered', { measureId: measure.data.measureId, amountFen: 300_000 }, '2019-03-01');
    for (let month = 1; month <= 7; month++) await h1.send('RecordVisit', { notes: '走访' }, `2019-0${month}-15`);
    await h1.exit(2019, '2019-12-31');
    // H2 (village A): registered, 2 visits in 2019, no measures: 五项落实 incomplete.
    const h2 = clerkFor(handler);
    await h2.register(VILLAGE_A);
    await h2.send('RecordVisit', { notes: '走访' }, '2019-04-01');
    await h2.send('RecordVisit', { notes: '走访' }, '2019-08-01');
    // H3 (village B): registered, removed as misidentified effective 2019-06-01.
    const h3 = clerkFor(handler);
    await h3.register(VILLAGE_B);
    await h3.send(
      'RemoveFromRegistry',
      { evidence: { source: 'data_comparison', finding: { agency: 'vehicles', disqualifying: true, detail: '轿车' } } },
      '2019-06-01',
      { reason: '比对发现车辆' },
    );
    // H4 (village B): rejected at village review in 2019.
    const h4 = clerkFor(handler);
    await h4.send(
      'ApplyForRegistration',
      { household: { villageCode: VILLAGE_B, address: '李庄' }, members: [h4.head] },
      '2019-03-01',
    );
    const rejected = await h4.send('RecordVillageReview', { approved: false }, '2019-03-10', { reason: '评议未通过' });
    last = rejected.position;

    const references = new AreaReferenceHandler(store);
    await references.recordRuralPopulation(
      { commandId: 'pop-county-2019', areaCode: COUNTY, year: 2019, population: 1000, effectiveAt: '2019-12-31' },
      clerk,
    );
    const pop = await references.recordRuralPopulation(
      { commandId: 'pop-village-a-2019', areaCode: VILLAGE_A, year: 2019, population: 400, effectiveAt: '2019-12-31' },
      clerk,
    );

    registry.projection = new RegistryProjection(store);
    registry.runner = new ProjectionRunner({ store, pool: db.pool, projection: registry.projection, batchSize: 20 });
    reference = new ReferenceProjection();
    referenceRunner = new ProjectionRunner({ store, pool: db.pool, projection: reference });
    await Promise.all([registry.runner.start(), referenceRunner.start()]);
    await Promise.all([registry.runner.waitFor(last), referenceRunner.waitFor(pop.position)]);
  });

  afterAll(async () => {
    await Promise.all([registry.runner.stop(), referenceRunner.stop()]);
    await store.close();
    await db.close();
  });

  const indicators = (areaCode: string, year: number, knownAt = new Date().toISOString()) =>
    areaIndicators(
      db.pool,
      { registry: registry.projection, reference },
      { areaCode, year, policy: NATIONAL_POLICY, knownAt },
    );

  it('counts a county at year end and over the year, with poverty incidence', async () => {
    const county = await indicators(COUNTY, 2019);
    expect(county.endOfYear).toEqual({
      registeredHouseholds: 1,
      registeredPeople: 2,
      monitoredHouseholds: 0,
      byStatus: {
        exited: { households: 1, people: 2 },
        registered: { households: 1, people: 2 },
        removed: { households: 1, people: 2 },
        rejected: { households: 1, people: 1 },
      },
    });
    expect(county.during).toEqual({
      exits: 1,
      wrongExits: 0,
      returns: 0,
      removals: 1,
      naturalDecreases: 0,
      registrations: 0,
    });
    expect(county.ruralPopulation).toBe(1000);
    expect(county.povertyIncidence).toBeCloseTo(0.002);
    expect(county.visits).toEqual({ minimumPerYear: 6, householdsOnRoll: 2, compliant: 1, rate: 0.5 });
    expect(county.fiveItems).toEqual({
      households: 2,
      complete: 1,
      missing: { cause: 0, attribute: 0, measures: 1, helper: 0, funds: 1 },
    });
    expect(county.funds).toEqual([
      { category: 'industry', fundingSource: 'central', plannedFen: 500_000, deliveredFen: 300_000 },
    ]);
    expect(county.exitsMissingEvidence).toBe(0);
  });

  it('counts an exit annulled as wrong (错退) as a wrong exit of its year, not as an exit, and the household as on the roll', async () => {
    const wrong = clerkFor(handler);
    await wrong.register(VILLAGE_C);
    const exit = await wrong.exit(2019, '2019-12-31');
    await registry.runner.waitFor(exit.position);
    const before = await indicators(VILLAGE_C, 2019);
    const annulled = await wrong.send(
      'AnnulExit',
      { year: 2019, source: 'review', finding: '回头看：收入未稳定超过标准', unmetCriteria: ['income_above_line'] },
      '2019-12-31',
    );
    await registry.runner.waitFor(annulled.position);
    const after = await indicators(VILLAGE_C, 2019);
    // Asked as known before the annulment, the answer is what it was then.
    expect(await indicators(VILLAGE_C, 2019, before.knownAt)).toEqual(before);
    expect(after.during).toMatchObject({ exits: before.during.exits - 1, wrongExits: 1, returns: 0 });
    expect(after.endOfYear.byStatus.registered?.households).toBe(
      (before.endOfYear.byStatus.registered?.households ?? 0) + 1,
    );
    expect(after.endOfYear.byStatus.exited?.households ?? 0).toBe(
      (before.endOfYear.byStatus.exited?.households ?? 0) - 1,
    );
  });

  it('counts a household and an exit imported from an existing roll in the years they took effect', async () => {
    const id = '0b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e';
    const system = { id: 'registry-import', role: 'system' as const, unit: 'test' };
    const source = { fileSha256: 'b'.repeat(64), fileName: 'roll.csv', rows: [2] };
    const head = clerkFor(handler).head;
    await handler.handle(
      { commandId: `imp-${id}`, householdId: id, effectiveAt: '2016-05-01' },
      'ImportHousehold',
      {
        household: { villageCode: VILLAGE_D, address: '导入1号' },
        members: [head],
        cardNumber: 'IMP-IND-0001',
        attribute: 'ordinary',
        mainCause: 'illness',
        source,
      },
      system,
    );
    const exit = await handler.handle(
      { commandId: `imp-exit-${id}`, householdId: id, effectiveAt: '2019-12-31' },
      'ImportExit',
      {
        year: 2019,
        incomePerCapitaFen: 720_000,
        source,
      },
      system,
    );
    await registry.runner.waitFor(exit.position);
    expect((await indicators(VILLAGE_D, 2016)).during.registrations).toBe(1);
    expect((await indicators(VILLAGE_D, 2019)).during).toMatchObject({ exits: 1, wrongExits: 0 });
    expect((await indicators(VILLAGE_D, 2019)).endOfYear.byStatus.exited?.households).toBe(1);
  });

  it('narrows to a village and to another year', async () => {
    const village = await indicators(VILLAGE_A, 2019);
    expect(village.endOfYear.registeredHouseholds).toBe(1);
    expect(village.povertyIncidence).toBeCloseTo(2 / 400);
    const villageB = await indicators(VILLAGE_B, 2019);
    expect(villageB.ruralPopulation).toBeNull();
    expect(villageB.povertyIncidence).toBeNull();
    expect(villageB.during.removals).toBe(1);
    const earlier = await indicators(COUNTY, 2015);
    expect(earlier.during.registrations).toBe(3);
    expect(earlier.endOfYear.registeredHouseholds).toBe(3);
    expect(earlier.endOfYear.registeredPeople).toBe(6);
  });

  it('counts 五项落实 and funds for the year asked, not from today’s roll', async () => {
    // H1's measure is of 2019: in 2015 it had none, H2 never had one.
    const earlier = await indicators(VILLAGE_A, 2015);
    expect(earlier.fiveItems).toMatchObject({ households: 2, complete: 0, missing: { measures: 2, funds: 2 } });
    expect(earlier.funds).toEqual([]);
    expect(earlier.visits).toMatchObject({ householdsOnRoll: 2, compliant: 0 });
  });

  it('answers for a province by its counties', async () => {
    const province = await indicators('320000000000', 2019);
    const counties = [await indicators(COUNTY, 2019), await indicators('320925000000', 2019)];
    expect(province.endOfYear.registeredPeople).toBe(counties.reduce((n, c) => n + c.endOfYear.registeredPeople, 0));
    expect(province.during.exits).toBe(counties.reduce((n, c) => n + c.during.exits, 0));
  });

  it('uses the rural population as known at the time asked', async () => {
    const before = await indicators(COUNTY, 2019);
    const revised = await new AreaReferenceHandler(store).recordRuralPopulation(
      {
        commandId: 'pop-county-2019-revised',
        areaCode: COUNTY,
        year: 2019,
        population: 1250,
        effectiveAt: '2019-12-31',
      },
      clerk,
    );
    await referenceRunner.waitFor(revised.position);
    expect((await indicators(COUNTY, 2019)).ruralPopulation).toBe(1250);
    expect((await indicators(COUNTY, 2019, before.knownAt)).ruralPopulation).toBe(1000);
  });

  it('flags an exit whose assessment was later voided', async () => {
    const known = await indicators(COUNTY, 2019);
    const assessment = (await handler.history(h1.householdId)).find((e) => e.type === 'ConditionsAssessed');
    const voided = await h1.send('CorrectEvent', { eventId: assessment?.id, action: 'void' }, '2020-02-01', {
      reason: '评估造假',
    });
    await registry.runner.waitFor(voided.position);
    expect((await indicators(COUNTY, 2019)).exitsMissingEvidence).toBe(1);
    // As known before the correction, the exit stood on its evidence: later corrections change nothing.
    expect(await indicators(COUNTY, 2019, known.knownAt)).toEqual(known);
    expect(known.exitsMissingEvidence).toBe(0);
  });

  it('counts a visit voided by a correction in no way: a county built by hand, six visits each, one voided', async () => {
    // County 320981 (its own, so the counts above stay): two households of one village, six
    // visits each in 2018; the sixth of the second is voided, effective in 2019 (a record found
    // wrong in January still never happened in 2018). At a minimum of six, one household complies.
    const village = '320981101201';
    const full = clerkFor(handler);
    const short = clerkFor(handler);
    for (const h of [full, short]) {
      await h.register(village);
      for (let month = 1; month <= 6; month++) await h.send('RecordVisit', { notes: '走访' }, `2018-0${month}-15`);
    }
    const sixth = (await handler.history(short.householdId)).filter((e) => e.type === 'VisitRecorded').at(-1);
    const beforeVoid = await short.send('RecordVisit', { notes: '走访' }, '2019-02-01');
    await registry.runner.waitFor(beforeVoid.position);
    const known = new Date().toISOString();
    const voided = await short.send('CorrectEvent', { eventId: sixth?.id, action: 'void' }, '2019-01-10', {
      reason: '走访记录重复录入',
    });
    await registry.runner.waitFor(voided.position);
    const expected = { minimumPerYear: 6, householdsOnRoll: 2, compliant: 1, rate: 0.5 };
    for (const way of ['kept', 'amended', 'exact'] as const) {
      const answer = await areaIndicators(
        db.pool,
        { registry: registry.projection, reference },
        { areaCode: '320981000000', year: 2018, policy: NATIONAL_POLICY, knownAt: new Date().toISOString(), way },
      );
      expect(answer.visits, way).toEqual(expected);
    }
    // As known before the correction, both households had six.
    for (const way of ['amended', 'exact'] as const) {
      const answer = await areaIndicators(
        db.pool,
        { registry: registry.projection, reference },
        { areaCode: '320981000000', year: 2018, policy: NATIONAL_POLICY, knownAt: known, way },
      );
      expect(answer.visits, way).toEqual({ ...expected, compliant: 2, rate: 1 });
    }
  });

  it('records reference data idempotently and refuses bad values naming the field', async () => {
    const references = new AreaReferenceHandler(store);
    const command = {
      commandId: 'pop-county-2019',
      areaCode: COUNTY,
      year: 2019,
      population: 1000,
      effectiveAt: '2019-12-31',
    };
    expect((await references.recordRuralPopulation(command, clerk)).duplicate).toBe(true);
    const error = await references
      .recordRuralPopulation({ ...command, commandId: 'pop-bad-0001', population: 10.5 }, clerk)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]).toMatchObject({
      path: 'population',
      message: 'must be a whole number of people',
    });
  });
});
