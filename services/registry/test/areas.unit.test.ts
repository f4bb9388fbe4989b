import { NATIONAL_POLICY } from '@registry/schema';
import { describe, expect, it } from 'vitest';
import {
  type AreaState,
  decideAnnouncement,
  decideDesignation,
  decideProposal,
  decideReview,
  evolveArea,
  exitThreshold,
} from '../src/areas/decide.js';
import type { RuleViolation } from '../src/errors.js';

const VILLAGE = '320924101201';
const COUNTY = '320924000000';
const envelope = { commandId: 'area-cmd-0001', effectiveAt: '2020-01-10' };
const evidence = (incidence: number | null, more: object = {}) => ({
  incidence,
  registeredPeople: 12,
  ruralPopulation: incidence === null ? null : 1000,
  threshold: exitThreshold(NATIONAL_POLICY, false),
  knownAt: '2020-01-10T00:00:00.000Z',
  ...more,
});
const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as RuleViolation;
  }
  throw new Error('not refused');
};

describe('poor villages and the exits of villages and counties', () => {
  const poor: AreaState = evolveArea(
    {},
    { type: 'PoorVillageDesignated', data: { areaCode: VILLAGE, year: 2015 } },
    '2015-06-01',
  );

  it('designates a village once', () => {
    expect(decideDesignation({}, { ...envelope, areaCode: VILLAGE, year: 2015 })).toEqual({
      areaCode: VILLAGE,
      year: 2015,
    });
    expect(refused(() => decideDesignation(poor, { ...envelope, areaCode: VILLAGE, year: 2016 })).rule).toBe(
      'ALREADY_POOR_VILLAGE',
    );
  });

  it('proposes an exit only for a poor village whose incidence is below the threshold, naming what is unmet', () => {
    const propose = (state: AreaState, e: ReturnType<typeof evidence>, areaCode = VILLAGE) =>
      decideProposal(state, { ...envelope, areaCode, year: 2019, west: false }, e);
    expect(refused(() => propose({}, evidence(0.001))).rule).toBe('NOT_POOR_VILLAGE');
    const high = refused(() => propose(poor, evidence(0.025)));
    expect(high.rule).toBe('AREA_EXIT_CRITERIA_UNMET');
    expect(high.facts.unmet).toEqual(['incidence_below_threshold']);
    expect(refused(() => propose(poor, evidence(null))).facts.unmet).toEqual(['population_known']);
    expect(propose(poor, evidence(0.012)).evidence.incidence).toBe(0.012);
    // A county needs a third-party assessment that recommends its exit, besides its incidence.
    expect(refused(() => propose({}, evidence(0.01), COUNTY)).facts.unmet).toEqual(['assessment_recommends_exit']);
    expect(
      propose(
        {},
        evidence(0.01, { assessmentId: '00000000-0000-4000-8000-000000000001', assessmentRecommendation: 'exit' }),
        COUNTY,
      ).areaCode,
    ).toBe(COUNTY);
    expect(exitThreshold(NATIONAL_POLICY, true)).toBe(0.03);
    expect(exitThreshold({ areaExitIncidence: { standard: 0.01, west: 0.015 } }, false)).toBe(0.01);
  });

  it('takes the steps in order: review, then announcement; a review that sends it back closes the case', () => {
    const proposed = evolveArea(
      poor,
      { type: 'AreaExitProposed', data: { areaCode: VILLAGE, year: 2019, evidence: evidence(0.012) } },
      '2020-01-10',
    );
    expect(refused(() => decideAnnouncement(proposed, { ...envelope, areaCode: VILLAGE })).rule).toBe('OUT_OF_ORDER');
    expect(
      refused(() =>
        decideProposal(proposed, { ...envelope, areaCode: VILLAGE, year: 2019, west: false }, evidence(0.01)),
      ).rule,
    ).toBe('CASE_OPEN');
    expect(
      refused(() =>
        decideReview(proposed, { ...envelope, effectiveAt: '2020-01-01', areaCode: VILLAGE, approved: true }),
      ).rule,
    ).toBe('BEFORE_PREVIOUS_STEP');
    const sentBack = evolveArea(
      proposed,
      { type: 'AreaExitReviewed', data: { areaCode: VILLAGE, year: 2019, approved: false } },
      '2020-01-20',
    );
    expect(sentBack.exitCase).toBeUndefined();
    const approved = evolveArea(
      proposed,
      { type: 'AreaExitReviewed', data: { areaCode: VILLAGE, year: 2019, approved: true } },
      '2020-01-20',
    );
    expect(decideAnnouncement(approved, { ...envelope, effectiveAt: '2020-02-01', areaCode: VILLAGE })).toEqual({
      areaCode: VILLAGE,
      year: 2019,
    });
    const exited = evolveArea(
      approved,
      { type: 'AreaExitAnnounced', data: { areaCode: VILLAGE, year: 2019 } },
      '2020-02-01',
    );
    expect(exited).toMatchObject({ exitedOn: '2020-02-01', exitYear: 2019 });
    expect(
      refused(() => decideProposal(exited, { ...envelope, areaCode: VILLAGE, year: 2020, west: false }, evidence(0)))
        .rule,
    ).toBe('AREA_ALREADY_EXITED');
  });
});
