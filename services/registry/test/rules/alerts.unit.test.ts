import { HouseholdCommands, NATIONAL_POLICY } from '@registry/schema';
import { refusalText } from '@registry/schema/messages';
import { describe, expect, it } from 'vitest';
import { checkDuties, dutyOf } from '../../src/duties.js';
import type { RuleViolation } from '../../src/errors.js';
import { isOverdue } from '../../src/rules/alerts.js';
import {
  cmd,
  exited,
  type Given,
  given,
  HOUSEHOLD_ID,
  head,
  history,
  household,
  registered,
  spouse,
  stateOf,
} from '../fixtures.js';

const ALERT = '7d6c5b4a-3f2e-4d1c-8b9a-0f1e2d3c4b5a';

const raised = (on = '2022-03-01', extra: Record<string, unknown> = {}): Given => ({
  type: 'RiskAlertRaised',
  data: {
    alertId: ALERT,
    channel: 'self_report',
    risks: ['illness'],
    detail: '户主住院，自付医疗费用较大',
    verifyBy: '2022-03-08',
    identifyBy: '2022-03-16',
    ...extra,
  },
  effectiveAt: on,
});

const monitoredSince = (on: string): Given => ({
  type: 'MonitoringStarted',
  data: { householdId: HOUSEHOLD_ID, category: 'unstable_exited', risks: ['大病'] },
  effectiveAt: on,
});

describe('risk alerts (风险预警) and their verification (入户核实)', () => {
  it('records a household not yet on file with its alert: on file, never registered, and it can be taken in', () => {
    const alert = {
      alertId: ALERT,
      channel: 'cadre_visit' as const,
      risks: ['illness' as const],
      detail: '排查发现：户主患重病，未建档',
    };
    given()
      .when(cmd('RaiseRiskAlert', alert), { effectiveAt: '2022-03-01' })
      .thenInvalid('household', /required for a household the registry has not recorded/);
    given(exited())
      .when(cmd('RaiseRiskAlert', { ...alert, household: household(), members: [head] }), { effectiveAt: '2022-03-01' })
      .thenInvalid('household', /must be omitted/);
    const [event] = given()
      .when(cmd('RaiseRiskAlert', { ...alert, household: household(), members: [head, spouse] }), {
        effectiveAt: '2022-03-01',
      })
      .result();
    expect(event).toMatchObject({
      type: 'RiskAlertRaised',
      data: { householdId: HOUSEHOLD_ID, household: household(), members: [head, spouse], verifyBy: '2022-03-08' },
    });
    const onFile = given([{ ...(event as Given), effectiveAt: '2022-03-01' }]).state;
    expect(onFile).toMatchObject({ status: 'unregistered', household: household(), headMemberId: head.memberId });
    expect(Object.keys(onFile.members)).toHaveLength(2);
    expect(onFile.alerts).toHaveLength(1);
    // Taken in as an edge household (below the 2022 standard of 6,300 yuan): its identification opens.
    const verified = given([{ ...(event as Given), effectiveAt: '2022-03-01' }])
      .when(
        cmd('VerifyRiskAlert', {
          alertId: ALERT,
          outcome: 'taken_in',
          incomePerCapitaFen: 450_000,
          rigidExpenditureFen: 3_000_000,
          category: 'edge_vulnerable',
          risks: ['illness'],
        }),
        { effectiveAt: '2022-03-04' },
      )
      .result();
    expect(verified.map((e) => e.type)).toEqual(['RiskAlertVerified']);
  });

  it('helps a sudden hardship first and identifies it after (先帮扶后认定); an edge household waits for the decision', () => {
    const onFile = raised('2022-03-01', { householdId: HOUSEHOLD_ID, household: household(), members: [head] });
    const verified = (category: string): Given => ({
      type: 'RiskAlertVerified',
      data: {
        alertId: ALERT,
        outcome: 'taken_in',
        incomePerCapitaFen: category === 'sudden_hardship' ? 900_000 : 450_000,
        rigidExpenditureFen: 6_000_000,
        category,
        risks: ['illness'],
      } as never,
      effectiveAt: '2022-03-04',
    });
    const plan = cmd('PlanAssistance', {
      category: 'health_aid',
      description: '临时救助，先行落实医疗费用',
      amountFen: 500_000,
      fundingSource: 'county',
      year: 2022,
    });
    const helped = given([onFile, verified('sudden_hardship')]);
    expect(helped.state.case).toMatchObject({
      kind: 'monitoring',
      step: 'village_review',
      category: 'sudden_hardship',
    });
    expect(
      helped
        .when(plan, { effectiveAt: '2022-03-05' })
        .result()
        .map((e) => e.type),
    ).toEqual(['AssistancePlanned']);
    given([onFile, verified('edge_vulnerable')])
      .when(plan, { effectiveAt: '2022-03-05' })
      .thenRefuses('NOT_ASSISTED');
  });

  it('records an alert with the deadlines of the policy in force on its date', () => {
    given(exited())
      .when(
        cmd('RaiseRiskAlert', {
          alertId: ALERT,
          channel: 'department',
          department: 'medical_insurance',
          indicator: '个人自付医疗费用',
          amountFen: 2_350_000,
          risks: ['illness'],
          detail: '医保部门筛查：年度自付医疗费用超过预警线',
          reference: '医保-2022-03',
        }),
        { effectiveAt: '2022-03-01' },
      )
      .thenEmits([
        {
          type: 'RiskAlertRaised',
          data: {
            alertId: ALERT,
            channel: 'department',
            department: 'medical_insurance',
            indicator: '个人自付医疗费用',
            amountFen: 2_350_000,
            risks: ['illness'],
            detail: '医保部门筛查：年度自付医疗费用超过预警线',
            reference: '医保-2022-03',
            // 7 days to verify, 15 to decide (NATIONAL_POLICY.monitoring).
            verifyBy: '2022-03-08',
            identifyBy: '2022-03-16',
          },
        },
      ]);
    // Another province's version gives other days: the rule reads them, never a constant.
    const quicker = {
      ...NATIONAL_POLICY,
      monitoring: {
        ...(NATIONAL_POLICY.monitoring as NonNullable<typeof NATIONAL_POLICY.monitoring>),
        verificationDays: 3,
      },
    };
    const [event] = given(exited())
      .when(cmd('RaiseRiskAlert', { channel: 'petition', risks: ['housing_insecure'], detail: '来访反映房屋漏雨' }), {
        effectiveAt: '2022-12-30',
        policy: quicker,
      })
      .result();
    expect(event?.data).toMatchObject({ verifyBy: '2023-01-02', identifyBy: '2023-01-14' });
    expect((event?.data as { alertId?: string } | undefined)?.alertId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses an alert before the regime, a repeated alert id, and one for a household not on file without its details', () => {
    const alert = cmd('RaiseRiskAlert', { alertId: ALERT, channel: 'self_report', risks: ['illness'], detail: '申报' });
    const early = given(exited())
      .when(alert, { effectiveAt: '2020-06-01' })
      .thenRefuses('MONITORING_NOT_IN_FORCE', { monitoringFrom: '2021-01-01' });
    expect(refusalText({ code: early.rule, facts: early.facts }, 'zh')).toContain('2021年1月1日起施行');
    given(exited(), [raised()]).when(alert, { effectiveAt: '2022-04-01' }).thenRefuses('ALERT_EXISTS');
    given().when(alert, { effectiveAt: '2022-04-01' }).thenInvalid('members');
  });

  it('names the field a channel needs', () => {
    const parse = (data: unknown) => HouseholdCommands.RaiseRiskAlert.schema.safeParse(data);
    const paths = (data: unknown) => parse(data).error?.issues.map((i) => i.path.join('.'));
    // A household not yet on file comes with its details and its members together.
    expect(paths({ channel: 'self_report', risks: ['illness'], detail: '申报', household: household() })).toEqual([
      'members',
    ]);
    expect(paths({ channel: 'department', risks: ['illness'], detail: '筛查' })).toEqual(['department']);
    expect(paths({ channel: 'petition', department: 'water', risks: ['illness'], detail: '来访' })).toEqual([
      'department',
    ]);
    expect(paths({ channel: 'petition', risks: [], detail: '来访' })).toEqual(['risks']);
    expect(paths({ channel: 'rumour', risks: ['illness'], detail: '来访' })).toEqual(['channel']);
  });

  it('takes a household in within the monitoring range, or through a sudden hardship above it', () => {
    const take = (income: number, category = 'unstable_exited') =>
      cmd('VerifyRiskAlert', {
        alertId: ALERT,
        outcome: 'taken_in',
        incomePerCapitaFen: income,
        rigidExpenditureFen: 2_000_000,
        category,
        risks: ['illness'],
      });
    // The 2022 standard is 6,300 yuan.
    given(exited(), [raised()])
      .when(take(550_000), { effectiveAt: '2022-03-05' })
      .thenEmits([
        {
          type: 'RiskAlertVerified',
          data: {
            alertId: ALERT,
            outcome: 'taken_in',
            incomePerCapitaFen: 550_000,
            rigidExpenditureFen: 2_000_000,
            category: 'unstable_exited',
            risks: ['illness'],
            monitoringStandardFen: 630_000,
          },
        },
      ]);
    const above = given(exited(), [raised()])
      .when(take(630_000), { effectiveAt: '2022-03-05' })
      .thenRefuses('ABOVE_MONITORING_STANDARD', { incomePerCapitaFen: 630_000, monitoringStandardFen: 630_000 });
    expect(refusalText({ code: above.rule, facts: above.facts }, 'zh')).toContain(
      '人均纯收入 6,300.00 元，2022年监测标准 6,300.00 元',
    );
    given(exited(), [raised()]).when(take(900_000, 'sudden_hardship'), { effectiveAt: '2022-03-05' }).result();
    // An exited household is not an edge household; a registered one is not yet an exited one.
    given(exited(), [raised()])
      .when(take(500_000, 'edge_vulnerable'), { effectiveAt: '2022-03-05' })
      .thenRefuses('STATUS');
    given(registered(), [raised()]).when(take(500_000), { effectiveAt: '2022-03-05' }).thenRefuses('STATUS');
    // A year with no standard on record is refused by name, not guessed.
    given(exited(), [raised('2025-03-01')])
      .when(take(500_000), { effectiveAt: '2025-03-05' })
      .thenRefuses('MONITORING_STANDARD_UNKNOWN', { year: 2025 });
  });

  it('excludes with what was found, refers, and adds to a household already monitored', () => {
    given(exited(), [raised()])
      .when(
        cmd('VerifyRiskAlert', {
          alertId: ALERT,
          outcome: 'excluded',
          incomePerCapitaFen: 1_200_000,
          rigidExpenditureFen: 300_000,
          notes: '住院费用已由大病保险报销，家庭收入稳定',
        }),
        { effectiveAt: '2022-03-04' },
      )
      .thenEmits([
        {
          type: 'RiskAlertVerified',
          data: {
            alertId: ALERT,
            outcome: 'excluded',
            incomePerCapitaFen: 1_200_000,
            rigidExpenditureFen: 300_000,
            notes: '住院费用已由大病保险报销，家庭收入稳定',
            monitoringStandardFen: 630_000,
          },
        },
      ]);
    given(exited(), [raised()])
      .when(cmd('VerifyRiskAlert', { alertId: ALERT, outcome: 'referred', referredTo: '临时救助' }), {
        effectiveAt: '2022-03-04',
      })
      .result();
    given(exited(), [raised()])
      .when(cmd('VerifyRiskAlert', { alertId: ALERT, outcome: 'already_monitored' }), { effectiveAt: '2022-03-04' })
      .thenRefuses('NOT_MONITORED');
    given(exited(), [monitoredSince('2021-05-01'), raised()])
      .when(cmd('VerifyRiskAlert', { alertId: ALERT, outcome: 'already_monitored' }), { effectiveAt: '2022-03-04' })
      .result();
    given(exited(), [monitoredSince('2021-05-01'), raised()])
      .when(
        cmd('VerifyRiskAlert', {
          alertId: ALERT,
          outcome: 'taken_in',
          incomePerCapitaFen: 1,
          rigidExpenditureFen: 1,
          category: 'unstable_exited',
          risks: ['illness'],
        }),
        { effectiveAt: '2022-03-04' },
      )
      .thenRefuses('ALREADY_MONITORED');
  });

  it('names what each outcome needs', () => {
    const paths = (data: unknown) =>
      HouseholdCommands.VerifyRiskAlert.schema
        .safeParse({ alertId: ALERT, ...(data as object) })
        .error?.issues.map((i) => i.path.join('.'));
    expect(paths({ outcome: 'excluded' })).toEqual(['incomePerCapitaFen', 'rigidExpenditureFen', 'notes']);
    expect(paths({ outcome: 'taken_in', incomePerCapitaFen: 1, rigidExpenditureFen: 1 })).toEqual([
      'category',
      'risks',
    ]);
    expect(paths({ outcome: 'referred' })).toEqual(['referredTo']);
    expect(paths({ outcome: 'already_monitored', category: 'sudden_hardship' })).toEqual(['category']);
  });

  it('verifies an alert once, not before it came to light, and keeps it overdue until verified', () => {
    const verify = cmd('VerifyRiskAlert', { alertId: ALERT, outcome: 'referred', referredTo: '低保' });
    given(exited(), [raised()])
      .when(verify, { effectiveAt: '2022-02-28' })
      .thenRefuses('BEFORE_PREVIOUS_STEP', { previousStepOn: '2022-03-01' });
    given(exited()).when(verify, { effectiveAt: '2022-03-02' }).thenRefuses('NO_SUCH_ALERT', { alertId: ALERT });
    const verified: Given = {
      type: 'RiskAlertVerified',
      data: { alertId: ALERT, outcome: 'referred', referredTo: '低保' },
      effectiveAt: '2022-03-10',
    };
    given(exited(), [raised(), verified])
      .when(verify, { effectiveAt: '2022-03-11' })
      .thenRefuses('ALERT_VERIFIED', { verifiedOn: '2022-03-10' });

    const open = given(exited(), [raised()]).state.alerts[0];
    if (!open) throw new Error('no alert folded');
    expect(open).toMatchObject({ raisedOn: '2022-03-01', verifyBy: '2022-03-08', channel: 'self_report' });
    expect(isOverdue(open, '2022-03-08')).toBe(false);
    expect(isOverdue(open, '2022-03-09')).toBe(true);
    const done = given(exited(), [raised(), verified]).state.alerts[0];
    if (!done) throw new Error('no alert folded');
    expect(done.verification).toEqual({ verifiedOn: '2022-03-10', outcome: 'referred' });
    expect(isOverdue(done, '2022-04-01')).toBe(false);
  });
});

describe('identification of a monitored household (识别认定): 民主评议 → 村内公示 → 乡镇审核 → 县级审定', () => {
  const takenIn: Given = {
    type: 'RiskAlertVerified',
    data: {
      alertId: ALERT,
      outcome: 'taken_in',
      incomePerCapitaFen: 520_000,
      rigidExpenditureFen: 2_350_000,
      category: 'unstable_exited',
      risks: ['illness'],
      monitoringStandardFen: 630_000,
    },
    effectiveAt: '2022-03-05',
  };
  const on = (effectiveAt: string, event: Omit<Given, 'effectiveAt'>): Given => ({ ...event, effectiveAt }) as Given;
  const reviewed = on('2022-03-06', { type: 'VillageReviewRecorded', data: { case: 'monitoring', approved: true } });
  const noticed = [
    on('2022-03-06', {
      type: 'PublicNoticeOpened',
      data: {
        noticeId: '0f0e0d0c-0b0a-4908-8706-050403020100',
        case: 'monitoring',
        level: 'village',
        openedOn: '2022-03-06',
        closesOn: '2022-03-13',
      },
    }),
    on('2022-03-13', {
      type: 'PublicNoticeClosed',
      data: { noticeId: '0f0e0d0c-0b0a-4908-8706-050403020100', closedOn: '2022-03-13' },
    }),
  ];
  const townshipReviewed = on('2022-03-14', { type: 'TownshipReviewRecorded', data: { approved: true } });

  it('opens with the verification that took the household in, and goes step by step', () => {
    const opened = given(exited(), [raised(), takenIn]).state;
    expect(opened.case).toMatchObject({ kind: 'monitoring', step: 'village_review', category: 'unstable_exited' });
    expect(opened.status).toBe('exited');
    expect(opened.monitoring).toBeUndefined();
    given(exited(), [raised(), takenIn])
      .when(cmd('RecordVillageReview', { approved: true }), { effectiveAt: '2022-03-06' })
      .thenEmits([{ type: 'VillageReviewRecorded', data: { case: 'monitoring', approved: true } }]);
    expect(given(exited(), [raised(), takenIn, reviewed]).state.case?.step).toBe('village_notice');
    expect(given(exited(), [raised(), takenIn, reviewed, ...noticed]).state.case?.step).toBe('township_review');
    // The county cannot decide before the township has reviewed.
    given(exited(), [raised(), takenIn, reviewed, ...noticed])
      .when(cmd('ApproveMonitoring', {}), { effectiveAt: '2022-03-15' })
      .thenRefuses('OUT_OF_ORDER');
    const atCounty = [raised(), takenIn, reviewed, ...noticed, townshipReviewed];
    given(exited(), atCounty)
      .when(cmd('ApproveMonitoring', {}), { effectiveAt: '2022-03-13' })
      .thenRefuses('BEFORE_PREVIOUS_STEP', { previousStepOn: '2022-03-14' });
    given(exited(), atCounty)
      .when(cmd('ApproveMonitoring', {}), { effectiveAt: '2022-03-15' })
      .thenEmits([
        {
          type: 'MonitoringStarted',
          data: {
            householdId: HOUSEHOLD_ID,
            category: 'unstable_exited',
            risks: ['illness'],
            alertId: ALERT,
            incomePerCapitaFen: 520_000,
            rigidExpenditureFen: 2_350_000,
          },
        },
      ]);
    const decided = given(exited(), atCounty, [
      on('2022-03-15', {
        type: 'MonitoringStarted',
        data: { householdId: HOUSEHOLD_ID, category: 'unstable_exited', risks: ['illness'], alertId: ALERT },
      }),
    ]).state;
    expect(decided.case).toBeUndefined();
    expect(decided.monitoring).toEqual({ category: 'unstable_exited', since: '2022-03-15', risks: ['illness'] });
  });

  it('ends without monitoring at any step, with a reason; a rejecting review does too', () => {
    given(exited(), [raised(), takenIn])
      .when(cmd('RejectMonitoring', {}), { effectiveAt: '2022-03-06' })
      .thenInvalid('reason');
    given(exited(), [raised(), takenIn, reviewed, ...noticed, townshipReviewed])
      .when(cmd('RejectMonitoring', {}), { effectiveAt: '2022-03-15', reason: '县级审定：家庭收入稳定' })
      .thenEmits([
        {
          type: 'MonitoringIdentificationRejected',
          data: { alertId: ALERT, step: 'county_decision', reason: '县级审定：家庭收入稳定' },
        },
      ]);
    const [review, rejected] = given(exited(), [raised(), takenIn])
      .when(cmd('RecordVillageReview', { approved: false }), {
        effectiveAt: '2022-03-06',
        reason: '评议认为无返贫风险',
      })
      .result();
    expect(review?.type).toBe('VillageReviewRecorded');
    expect(rejected).toEqual({
      type: 'MonitoringIdentificationRejected',
      data: { alertId: ALERT, step: 'village_review', reason: '评议认为无返贫风险' },
    });
    const ended = given(exited(), [
      raised(),
      takenIn,
      on('2022-03-06', {
        type: 'MonitoringIdentificationRejected',
        data: { alertId: ALERT, step: 'village_review', reason: '评议认为无返贫风险' },
      }),
    ]).state;
    expect(ended.case).toBeUndefined();
    expect(ended.status).toBe('exited');
  });

  it('takes no household in while a case is open, and no longer directly under the regime', () => {
    const second = {
      ...raised('2022-03-02'),
      data: { ...raised().data, alertId: '1a2b3c4d-5e6f-4a0b-8c1d-2e3f4a5b6c7d' },
    };
    given(exited(), [raised(), takenIn, second as Given])
      .when(
        cmd('VerifyRiskAlert', {
          alertId: '1a2b3c4d-5e6f-4a0b-8c1d-2e3f4a5b6c7d',
          outcome: 'taken_in',
          incomePerCapitaFen: 1,
          rigidExpenditureFen: 1,
          category: 'unstable_exited',
          risks: ['illness'],
        }),
        { effectiveAt: '2022-03-06' },
      )
      .thenRefuses('CASE_OPEN');
    const direct = given(exited())
      .when(cmd('StartMonitoring', { category: 'unstable_exited', risks: ['大病'] }), { effectiveAt: '2022-01-01' })
      .thenRefuses('MONITORING_THROUGH_ALERT', { monitoringFrom: '2021-01-01' });
    expect(refusalText({ code: direct.rule, facts: direct.facts }, 'zh')).toContain('县级审定');
    given(exited())
      .when(cmd('StartMonitoring', { category: 'unstable_exited', risks: ['大病'] }), { effectiveAt: '2020-09-01' })
      .result();
  });

  it('gives each step to its level, and the county’s decision to another person than the township’s review', () => {
    const events = [...exited(), raised(), takenIn, reviewed, ...noticed, townshipReviewed];
    const state = stateOf(events);
    const zhang = { id: 'clerk-zhang', role: 'clerk' as const, unit: '城关镇' };
    const wang = { id: 'clerk-wang', role: 'clerk' as const, unit: '县扶贫办' };
    const recorded = history(events).map((e) =>
      e.type === 'TownshipReviewRecorded' ? { ...e, metadata: { ...e.metadata, actor: zhang } } : e,
    );
    const decide = cmd('ApproveMonitoring', {});
    expect(dutyOf(decide, state)).toBe('monitoring_decision');
    expect(dutyOf(cmd('RejectMonitoring', {}), state)).toBe('monitoring_decision');
    const level = (() => {
      try {
        checkDuties(decide, state, recorded, wang, 'township', NATIONAL_POLICY);
      } catch (e) {
        return e as RuleViolation;
      }
    })();
    expect(level?.rule).toBe('LEVEL_NOT_ALLOWED');
    const same = (() => {
      try {
        checkDuties(decide, state, recorded, zhang, 'county', NATIONAL_POLICY);
      } catch (e) {
        return e as RuleViolation;
      }
    })();
    expect(same?.rule).toBe('SAME_PERSON');
    expect(() => checkDuties(decide, state, recorded, wang, 'county', NATIONAL_POLICY)).not.toThrow();
    // The verification's duty is the village's and township's.
    expect(dutyOf(cmd('VerifyRiskAlert', { alertId: ALERT, outcome: 'referred', referredTo: '低保' }), state)).toBe(
      'alert_verification',
    );
  });
});
