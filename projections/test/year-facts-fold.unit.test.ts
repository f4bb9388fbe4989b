import type { HistoryEvent } from '@registry/registry';
import { describe, expect, it } from 'vitest';
import { keptYearsOf, type YearInterval } from '../src/year-facts-fold.js';

/**
 * A household's kept years held to figures worked out by hand (the other tests hold the fold
 * equal to the SQL, which would not see a definition both get wrong).
 */
describe('a household’s kept years, folded in memory', () => {
  const household = 'a0000000-0000-4000-8000-000000000001';
  let n = 0;
  const event = (type: string, effectiveAt: string, data: Record<string, unknown>, id = `e${++n}`) =>
    ({ id, type, effectiveAt, data }) as unknown as HistoryEvent;
  const history = [
    event('RegistrationApproved', '2016-05-01', {}),
    event('AssistancePlanned', '2016-06-10', {
      measureId: 'm1',
      year: 2016,
      amountFen: 100_000,
      category: 'industry',
      fundingSource: 'central',
    }),
    event('HelperAssigned', '2016-06-01', {}),
    event('VisitRecorded', '2016-07-01', { visitId: 'v1' }),
    // The same visit recorded twice counts once.
    event('VisitRecorded', '2016-08-01', { visitId: 'v1' }),
    event('AssistanceDelivered', '2016-09-01', { measureId: 'm1', amountFen: 60_000 }),
    // Delivered in 2017: not in 2016's funds.
    event('AssistanceDelivered', '2017-02-01', { measureId: 'm1', amountFen: 40_000 }),
    event('AssistancePlanned', '2017-01-15', {
      measureId: 'm2',
      year: 2017,
      amountFen: 50_000,
      category: 'education',
      fundingSource: 'local',
    }),
    event('MeasureStatusChanged', '2017-06-01', { measureId: 'm2', status: 'cancelled' }),
    event('VisitRecorded', '2017-03-01', { visitId: 'v2' }),
    event('ConditionsAssessed', '2018-10-01', { assessmentId: 'A1' }, 'assessed'),
    event('ExitApproved', '2018-12-31', { year: 2018, evidence: { assessmentId: 'A1' } }),
    // The assessment the exit rests on is voided afterwards: the exit misses its evidence.
    event('EventCorrected', '2019-01-05', { correctedEventId: 'assessed', action: 'void' }),
  ];
  const area = { countyCode: '320924000000', townshipCode: '320924101000', villageCode: '320924101201' };
  const timeline: YearInterval[] = [
    {
      status: 'registered',
      memberCount: 3,
      attribute: 'ordinary',
      monitoringCategory: null,
      ...area,
      effectiveFrom: '2016-05-01',
      effectiveTo: '2018-12-31',
    },
    {
      status: 'exited',
      memberCount: 3,
      attribute: 'ordinary',
      monitoringCategory: null,
      ...area,
      effectiveFrom: '2018-12-31',
      effectiveTo: null,
    },
  ];
  const zero = {
    exits_approved: 0,
    exits_imported: 0,
    exits_annulled: 0,
    returns: 0,
    removals: 0,
    natural_decreases: 0,
    registrations_approved: 0,
    households_imported: 0,
    exits_missing_evidence: 0,
  };
  const row = (year: number, fields: Record<string, unknown>) => ({
    household_id: household,
    year,
    last: false,
    county_code: area.countyCode,
    township_code: area.townshipCode,
    village_code: area.villageCode,
    people: 3,
    monitored: false,
    attribute: 'ordinary',
    cause: true,
    helper: true,
    ...zero,
    ...fields,
  });

  it('gives each year from the first status to the last year with anything effective, as counted by hand', () => {
    const { years, funds } = keptYearsOf(household, history, timeline);
    expect(years).toEqual([
      row(2016, { status: 'registered', visits: 1, measures: 1, planned_fen: 100_000, registrations_approved: 1 }),
      // m2 was cancelled within 2017: only m1 (of 2016) stands.
      row(2017, { status: 'registered', visits: 1, measures: 1, planned_fen: 100_000 }),
      // Exited on 31 December: the year ends exited, its exit counted and missing its evidence.
      row(2018, {
        status: 'exited',
        visits: 0,
        measures: 1,
        planned_fen: 100_000,
        exits_approved: 1,
        exits_missing_evidence: 1,
      }),
      // The correction's year is the last: its row stands for every later year.
      row(2019, { status: 'exited', visits: 0, measures: 1, planned_fen: 100_000, last: true }),
    ]);
    const fund = (year: number, category: string, source: string, planned: number, delivered: number) => ({
      household_id: household,
      year,
      county_code: area.countyCode,
      township_code: area.townshipCode,
      village_code: area.villageCode,
      category,
      funding_source: source,
      planned_fen: planned,
      delivered_fen: delivered,
    });
    expect(funds).toEqual([fund(2016, 'industry', 'central', 100_000, 60_000), fund(2017, 'education', 'local', 0, 0)]);
  });

  it('keeps nothing for a household that never had a status', () => {
    expect(keptYearsOf(household, history, [])).toEqual({ years: [], funds: [] });
  });
});
