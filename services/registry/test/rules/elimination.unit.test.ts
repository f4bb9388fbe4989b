import { NATIONAL_POLICY } from '@registry/schema';
import { refusalText } from '@registry/schema/messages';
import { describe, expect, it } from 'vitest';
import { assessed, cmd, exited, type Given, given, HOUSEHOLD_ID, ids } from '../fixtures.js';

const monitored: Given = {
  type: 'MonitoringStarted',
  data: { householdId: HOUSEHOLD_ID, category: 'unstable_exited', risks: ['illness'] },
  effectiveAt: '2022-03-15',
};
const at = (effectiveAt: string, event: Omit<Given, 'effectiveAt'>): Given => ({ ...event, effectiveAt }) as Given;
const propose = cmd('ProposeRiskElimination', { year: 2022 });
const proposed = at('2022-11-20', {
  type: 'RiskEliminationProposed',
  data: {
    year: 2022,
    evidence: {
      assessmentId: ids.assessment(2022),
      assessedOn: '2022-11-15',
      incomePerCapitaFen: 700_000,
      monitoringStandardFen: 630_000,
      policyId: NATIONAL_POLICY.id,
    },
  },
});
const reviewed = at('2022-11-21', { type: 'VillageReviewRecorded', data: { case: 'elimination', approved: true } });
const noticed = [
  at('2022-11-21', {
    type: 'PublicNoticeOpened',
    data: {
      noticeId: '9e8d7c6b-5a49-4837-a261-504f3e2d1c0b',
      case: 'elimination',
      level: 'village',
      openedOn: '2022-11-21',
      closesOn: '2022-11-28',
    },
  }),
  at('2022-11-28', {
    type: 'PublicNoticeClosed',
    data: { noticeId: '9e8d7c6b-5a49-4837-a261-504f3e2d1c0b', closedOn: '2022-11-28' },
  }),
];

describe('risk elimination (风险消除): proposal → 民主评议 → 公示 → 县级审核批准', () => {
  it('proposes on the year’s assessment above the standard, once monitored long enough', () => {
    // 7,000 yuan against the 2022 standard of 6,300; monitored since March, proposed in November.
    given(exited(), [monitored, assessed(2022)])
      .when(propose, { effectiveAt: '2022-11-20' })
      .thenEmits([{ type: 'RiskEliminationProposed', data: proposed.data as never }]);
    const state = given(exited(), [monitored, assessed(2022), proposed]).state;
    expect(state.case).toMatchObject({ kind: 'elimination', step: 'village_review', year: 2022 });
    expect(state.monitoring).toBeDefined();
  });

  it('refuses a proposal naming each unmet criterion and by how much', () => {
    const short = given(exited(), [monitored, assessed(2022, { incomePerCapitaFen: 600_000, safeHousing: false })])
      .when(propose, { effectiveAt: '2022-08-01' })
      .thenRefuses('ELIMINATION_CRITERIA_UNMET', {
        unmet: ['monitored_long_enough', 'income_above_standard', 'safe_housing'],
        eligibleFrom: '2022-09-15',
        incomePerCapitaFen: 600_000,
        monitoringStandardFen: 630_000,
      });
    const text = refusalText({ code: short.rule, facts: short.facts }, 'zh');
    expect(text).toContain('纳入监测须满 6 个月，2022年9月15日起方可申请');
    expect(text).toContain('人均纯收入 6,000.00 元，2022年监测标准 6,300.00 元，至少还差 300.01 元');
    expect(text).toContain('住房安全有保障：未达到');
    given(exited(), [monitored])
      .when(propose, { effectiveAt: '2022-11-20' })
      .thenRefuses('ELIMINATION_CRITERIA_UNMET', { unmet: ['assessment_in_year'] });
    given(exited(), [monitored, assessed(2025)])
      .when(cmd('ProposeRiskElimination', { year: 2025 }), { effectiveAt: '2025-11-20' })
      .thenRefuses('ELIMINATION_CRITERIA_UNMET', { unmet: ['standard_known'] });
    given(exited(), [assessed(2022)])
      .when(propose, { effectiveAt: '2022-11-20' })
      .thenRefuses('NOT_MONITORED');
    given(exited(), [monitored, assessed(2022), proposed])
      .when(propose, { effectiveAt: '2022-11-21' })
      .thenRefuses('CASE_OPEN');
  });

  it('is approved by the county after review and notice, checking the criteria again', () => {
    const atCounty = [monitored, assessed(2022), proposed, reviewed, ...noticed];
    given(exited(), [monitored, assessed(2022), proposed, reviewed])
      .when(cmd('ApproveRiskElimination', {}), { effectiveAt: '2022-11-29' })
      .thenRefuses('OUT_OF_ORDER');
    given(exited(), atCounty)
      .when(cmd('ApproveRiskElimination', {}), { effectiveAt: '2022-11-29' })
      .thenEmits([{ type: 'MonitoringEnded', data: { reason: 'risk_eliminated' } }]);
    // A later assessment of the year that falls short stops the approval.
    const fellBack = at('2022-11-25', {
      type: 'ConditionsAssessed',
      data: { ...(assessed(2022).data as object), incomePerCapitaFen: 500_000 } as never,
    });
    given(exited(), [...atCounty, fellBack])
      .when(cmd('ApproveRiskElimination', {}), { effectiveAt: '2022-11-29' })
      .thenRefuses('ELIMINATION_CRITERIA_UNMET', { unmet: ['income_above_standard'] });
    const ended = given(exited(), atCounty, [
      at('2022-11-29', { type: 'MonitoringEnded', data: { reason: 'risk_eliminated' } }),
    ]).state;
    expect(ended.case).toBeUndefined();
    expect(ended.monitoring).toBeUndefined();
    expect(ended.monitoringPeriods.at(-1)).toEqual({
      category: 'unstable_exited',
      risks: ['illness'],
      from: '2022-03-15',
      to: '2022-11-29',
      ended: 'eliminated',
    });
  });

  it('ends without elimination with a reason, the household still monitored; and not directly under the regime', () => {
    given(exited(), [monitored, assessed(2022), proposed])
      .when(cmd('RejectRiskElimination', {}), { effectiveAt: '2022-11-21' })
      .thenInvalid('reason');
    const [rejected] = given(exited(), [monitored, assessed(2022), proposed])
      .when(cmd('RejectRiskElimination', {}), { effectiveAt: '2022-11-21', reason: '评议认为收入尚不稳定' })
      .result();
    expect(rejected).toEqual({
      type: 'RiskEliminationRejected',
      data: { step: 'village_review', reason: '评议认为收入尚不稳定', unmetCriteria: [] },
    });
    const still = given(exited(), [monitored, assessed(2022), proposed, at('2022-11-21', rejected as never)]).state;
    expect(still.case).toBeUndefined();
    expect(still.monitoring).toBeDefined();
    given(exited(), [monitored])
      .when(cmd('EndMonitoring', {}), { effectiveAt: '2022-11-29' })
      .thenRefuses('ELIMINATION_THROUGH_CASE', { monitoringFrom: '2021-01-01' });
  });
});
