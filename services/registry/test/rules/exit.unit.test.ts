import { NATIONAL_POLICY } from '@registry/schema';
import { refusalText } from '@registry/schema/messages';
import { describe, expect, it } from 'vitest';
import {
  applied,
  assessed,
  cmd,
  exitAt,
  exited,
  given,
  head,
  helper,
  ids,
  registered,
  WESTERN_VILLAGE,
  withHelper,
} from '../fixtures.js';

describe('exit: proposal → village review → notice → confirmation → township verification → county approval', () => {
  const propose = cmd('ProposeExit', { year: 2019 });

  it('given a passing assessment, proposes the exit with the evidence it relies on', () => {
    given(withHelper(), [assessed(2019)])
      .when(propose, { effectiveAt: '2019-11-20' })
      .thenEmits([
        {
          type: 'ExitProposed',
          data: {
            year: 2019,
            evidence: {
              assessmentId: ids.assessment(2019),
              assessedOn: '2019-11-15',
              incomePerCapitaFen: 700_000,
              incomeLineFen: 600_000,
              incomeLineSource: 'province 32',
              policyId: NATIONAL_POLICY.id,
            },
          },
        },
      ]);
  });

  it('refuses the exit listing every unmet criterion', () => {
    const refusal = given(withHelper(), [
      assessed(2019, { incomePerCapitaFen: 600_000, safeHousing: false, food: false }),
    ])
      .when(propose, { effectiveAt: '2019-11-20' })
      .thenRefuses('EXIT_CRITERIA_UNMET', { incomePerCapitaFen: 600_000, incomeLineFen: 600_000 });
    expect(refusal.unmetCriteria).toEqual(['income_above_line', 'food', 'safe_housing']);
  });

  it('reads the latest assessment of the exit year only, and the line of the household’s province', () => {
    expect(
      given(withHelper(), [assessed(2018)])
        .when(propose, { effectiveAt: '2019-11-20' })
        .thenRefuses('EXIT_CRITERIA_UNMET').unmetCriteria,
    ).toEqual(['assessment_in_exit_year']);
    const later = { ...assessed(2019, { incomePerCapitaFen: 100 }), effectiveAt: '2019-11-30' };
    given(withHelper(), [assessed(2019), later])
      .when(propose, { effectiveAt: '2019-12-01' })
      .thenRefuses('EXIT_CRITERIA_UNMET');
    // 4,000 yuan clears the national 2019 line (3,747) in Inner Mongolia but not Jiangsu's 6,000.
    given(withHelper(WESTERN_VILLAGE), [assessed(2019, { incomePerCapitaFen: 400_000 })])
      .when(propose, { effectiveAt: '2019-11-20' })
      .result();
    given(withHelper(), [assessed(2019, { incomePerCapitaFen: 400_000 })])
      .when(propose, { effectiveAt: '2019-11-20' })
      .thenRefuses('EXIT_CRITERIA_UNMET');
    const noLine = given(withHelper(), [assessed(2021)])
      .when(cmd('ProposeExit', { year: 2021 }), { effectiveAt: '2021-11-20' })
      .thenRefuses('EXIT_CRITERIA_UNMET');
    expect(noLine.unmetCriteria).toEqual(['income_line_known']);
    // Not a bare "未达到": the year has no line because monitoring took over from 2021.
    expect(noLine.facts).toMatchObject({ year: 2021, monitoringFrom: '2021-01-01', incomeLineFen: null });
    const text = refusalText({ code: noLine.rule, unmetCriteria: noLine.unmetCriteria, facts: noLine.facts }, 'zh');
    expect(text).toContain('2021年没有贫困线');
    expect(text).toContain('防返贫动态监测');
    expect(text).not.toContain('未达到：');
    // A policy without the regime and without the year's line asks for the line to be recorded.
    const { monitoring: _, ...withoutRegime } = NATIONAL_POLICY;
    const unrecorded = given(withHelper(), [assessed(2021)])
      .when(cmd('ProposeExit', { year: 2021 }), { effectiveAt: '2021-11-20', policy: withoutRegime })
      .thenRefuses('EXIT_CRITERIA_UNMET');
    expect(
      refusalText({ code: unrecorded.rule, unmetCriteria: unrecorded.unmetCriteria, facts: unrecorded.facts }, 'zh'),
    ).toContain('2021年的收入标准尚未录入政策参数');
  });

  it('refuses an exit for a household that is not registered, or already has a case open', () => {
    given(applied(), [assessed(2019)])
      .when(propose, { effectiveAt: '2019-11-20' })
      .thenRefuses('STATUS');
    given(exitAt('village_review')).when(propose, { effectiveAt: '2019-11-20' }).thenRefuses('CASE_OPEN');
    given(exited()).when(propose, { effectiveAt: '2019-11-20' }).thenRefuses('STATUS');
  });

  it('confirms with the household and its helper, in order', () => {
    given(exitAt('confirmation'))
      .when(cmd('ConfirmExit', { signedByMemberId: head.memberId }), { effectiveAt: '2019-12-05' })
      .thenEmits([
        {
          type: 'ExitConfirmed',
          data: { signedByMemberId: head.memberId, helperId: helper.helperId, confirmedOn: '2019-12-05' },
        },
      ]);
    given(exitAt('confirmation'))
      .when(cmd('ConfirmExit', { signedByMemberId: ids.measure }), { effectiveAt: '2019-12-05' })
      .thenRefuses('NO_SUCH_MEMBER');
    given(exitAt('village_review'))
      .when(cmd('ConfirmExit', { signedByMemberId: head.memberId }))
      .thenRefuses('OUT_OF_ORDER');
    given(exitAt('confirmation')).when(cmd('ApproveExit', {})).thenRefuses('OUT_OF_ORDER');
  });

  it('approves the exit effective on its date, with evidence; an exit effective in December may be approved later', () => {
    const [approved] = given(exitAt('county_approval'))
      .when(cmd('ApproveExit', {}), { effectiveAt: '2019-12-31' })
      .result();
    expect(approved).toMatchObject({
      type: 'ExitApproved',
      data: { year: 2019, exitedOn: '2019-12-31', evidence: { incomeLineFen: 600_000 } },
    });
    expect(given(exited()).state.status).toBe('exited');
    expect(given(exited()).state.exits).toHaveLength(1);
  });

  it('re-checks the criteria at approval: a newer failing assessment blocks it', () => {
    const worse = { ...assessed(2019, { safeHousing: false }), effectiveAt: '2019-12-20' };
    const refusal = given(exitAt('county_approval'), [worse])
      .when(cmd('ApproveExit', {}), { effectiveAt: '2019-12-31' })
      .thenRefuses('EXIT_CRITERIA_UNMET');
    expect(refusal.unmetCriteria).toEqual(['safe_housing']);
  });

  it('refuses an exit case at any step with the reason and the criteria unmet at that moment', () => {
    const worse = { ...assessed(2019, { basicMedical: false }), effectiveAt: '2019-12-20' };
    given(exitAt('township_verification'), [worse])
      .when(cmd('RejectExit', {}), { reason: '核实发现医保未参保', effectiveAt: '2019-12-20' })
      .thenEmits([
        {
          type: 'ExitRejected',
          data: { step: 'township_verification', reason: '核实发现医保未参保', unmetCriteria: ['basic_medical'] },
        },
      ]);
    expect(
      given(exitAt('village_review'), [
        { type: 'ExitRejected', data: { step: 'village_review', reason: 'x', unmetCriteria: [] } },
      ]).state,
    ).toMatchObject({
      status: 'registered',
      case: undefined,
    });
    given(registered()).when(cmd('RejectExit', {}), { reason: 'x' }).thenRefuses('NO_OPEN_CASE');
  });
});
