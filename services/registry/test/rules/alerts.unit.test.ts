import { HouseholdCommands, NATIONAL_POLICY } from '@registry/schema';
import { refusalText } from '@registry/schema/messages';
import { describe, expect, it } from 'vitest';
import { isOverdue } from '../../src/rules/alerts.js';
import { cmd, exited, type Given, given, HOUSEHOLD_ID, registered } from '../fixtures.js';

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

  it('refuses an alert before the regime, a repeated alert id, and a household not on file', () => {
    const alert = cmd('RaiseRiskAlert', { alertId: ALERT, channel: 'self_report', risks: ['illness'], detail: '申报' });
    const early = given(exited())
      .when(alert, { effectiveAt: '2020-06-01' })
      .thenRefuses('MONITORING_NOT_IN_FORCE', { monitoringFrom: '2021-01-01' });
    expect(refusalText({ code: early.rule, facts: early.facts }, 'zh')).toContain('2021年1月1日起施行');
    given(exited(), [raised()]).when(alert, { effectiveAt: '2022-04-01' }).thenRefuses('ALERT_EXISTS');
    given().when(alert, { effectiveAt: '2022-04-01' }).thenFails('NOT_FOUND');
  });

  it('names the field a channel needs', () => {
    const parse = (data: unknown) => HouseholdCommands.RaiseRiskAlert.schema.safeParse(data);
    const paths = (data: unknown) => parse(data).error?.issues.map((i) => i.path.join('.'));
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
