import { NATIONAL_POLICY } from '@registry/schema';
import { describe, expect, it } from 'vitest';
import { type HouseholdState, storedState } from '../src/state.js';
import {
  applied,
  assessed,
  child,
  cmd,
  exitAt,
  exited,
  type Given,
  given,
  head,
  helper,
  ids,
  member,
  registered,
  spouse,
  stateOf,
  WESTERN_VILLAGE,
  withHelper,
} from './fixtures.js';

describe('members', () => {
  it('adds a member born into the household, refusing a duplicate ID number, id or a second head', () => {
    const baby = member({ relation: 'grandchild', birthDate: '2019-02-01', labourCapacity: 'none' });
    given(registered())
      .when(cmd('AddMember', { member: baby, reason: 'birth' }))
      .thenEmits([{ type: 'MemberAdded', data: { member: baby, reason: 'birth' } }]);
    given(registered())
      .when(cmd('AddMember', { member: { ...baby, memberId: head.memberId }, reason: 'birth' }))
      .thenRefuses('MEMBER_EXISTS');
    given(registered())
      .when(
        cmd('AddMember', {
          member: { ...member(), nationalId: spouse.nationalId, birthDate: spouse.birthDate, sex: 'female' },
          reason: 'marriage',
        }),
      )
      .thenRefuses('NATIONAL_ID_EXISTS');
    given(registered())
      .when(cmd('AddMember', { member: member({ relation: 'head' }), reason: 'moving_in' }))
      .thenRefuses('HEAD_EXISTS');
  });

  it('refuses a member whose ID number has a wrong check character or disagrees with the birth date', () => {
    const wrongCheck = head.nationalId[17] === '0' ? '1' : '0';
    expect(() =>
      cmd('AddMember', {
        member: { ...head, nationalId: `${head.nationalId.slice(0, 17)}${wrongCheck}` },
        reason: 'birth',
      }),
    ).toThrow(/wrong check character/);
    expect(() => cmd('AddMember', { member: { ...member(), birthDate: '1999-01-01' }, reason: 'birth' })).toThrow(
      /birth date in the national ID/,
    );
  });

  it('removes the head only when a new head is named, and never the last member', () => {
    given(registered())
      .when(cmd('RemoveMember', { memberId: head.memberId, reason: 'death', newHeadMemberId: spouse.memberId }))
      .thenEmits([
        { type: 'MemberRemoved', data: { memberId: head.memberId, reason: 'death', newHeadMemberId: spouse.memberId } },
      ]);
    const after = given(registered(), [
      { type: 'MemberRemoved', data: { memberId: head.memberId, reason: 'death', newHeadMemberId: spouse.memberId } },
    ]).state;
    expect(after.headMemberId).toBe(spouse.memberId);
    expect(after.members[spouse.memberId]?.relation).toBe('head');
    expect(Object.keys(after.members)).toHaveLength(2);

    given(registered())
      .when(cmd('RemoveMember', { memberId: head.memberId, reason: 'death' }))
      .thenRefuses('NEW_HEAD_REQUIRED');
    given(registered())
      .when(cmd('RemoveMember', { memberId: child.memberId, reason: 'moving_out', newHeadMemberId: spouse.memberId }))
      .thenRefuses('NOT_HEAD');
    given(registered())
      .when(cmd('RemoveMember', { memberId: head.memberId, reason: 'death', newHeadMemberId: head.memberId }))
      .thenRefuses('NO_SUCH_MEMBER');
    given(registered())
      .when(cmd('RemoveMember', { memberId: ids.measure, reason: 'death' }))
      .thenRefuses('NO_SUCH_MEMBER');
    const alone = given(registered(), [
      { type: 'MemberRemoved', data: { memberId: child.memberId, reason: 'moving_out' } },
      { type: 'MemberRemoved', data: { memberId: spouse.memberId, reason: 'death' } },
    ]);
    alone.when(cmd('RemoveMember', { memberId: head.memberId, reason: 'death' })).thenRefuses('LAST_MEMBER');
  });

  it('updates health with a disability grade, and refuses a grade that does not fit the health', () => {
    given(registered())
      .when(
        cmd('UpdateMember', {
          memberId: spouse.memberId,
          changes: { health: 'disabled', disabilityGrade: 2, labourCapacity: 'lost' },
        }),
      )
      .thenEmits([
        {
          type: 'MemberUpdated',
          data: {
            memberId: spouse.memberId,
            changes: { health: 'disabled', disabilityGrade: 2, labourCapacity: 'lost' },
          },
        },
      ]);
    given(registered())
      .when(cmd('UpdateMember', { memberId: spouse.memberId, changes: { health: 'disabled' } }))
      .thenInvalid('changes.disabilityGrade');
    given(registered())
      .when(cmd('UpdateMember', { memberId: spouse.memberId, changes: { disabilityGrade: 3 } }))
      .thenInvalid('changes.disabilityGrade');
    expect(() => cmd('UpdateMember', { memberId: spouse.memberId, changes: {} })).toThrow(/at least one field/);
  });
});

describe('conditions, helper, assistance, visits', () => {
  it('records an assessment dated on its effective date, for that year or the one before', () => {
    const result = given(registered())
      .when(
        cmd('AssessConditions', {
          year: 2019,
          incomePerCapitaFen: 512_000,
          food: true,
          clothing: true,
          compulsoryEducation: true,
          basicMedical: true,
          safeHousing: false,
          safeDrinkingWater: true,
        }),
        { effectiveAt: '2020-01-10' },
      )
      .result();
    expect(result[0]).toMatchObject({
      type: 'ConditionsAssessed',
      data: { year: 2019, assessedOn: '2020-01-10', safeHousing: false },
    });
    given(registered())
      .when(
        cmd('AssessConditions', {
          year: 2017,
          incomePerCapitaFen: 1,
          food: true,
          clothing: true,
          compulsoryEducation: true,
          basicMedical: true,
          safeHousing: true,
          safeDrinkingWater: true,
        }),
        { effectiveAt: '2020-01-10' },
      )
      .thenInvalid('year');
    expect(() =>
      cmd('AssessConditions', {
        year: 2019,
        incomePerCapitaFen: 512.5,
        food: true,
        clothing: true,
        compulsoryEducation: true,
        basicMedical: true,
        safeHousing: true,
        safeDrinkingWater: true,
      }),
    ).toThrow(/whole number of fen/);
  });

  it('assigns and replaces the helper; assistance and visits only for households on the roll', () => {
    given(registered())
      .when(cmd('AssignHelper', { helper }))
      .thenEmits([{ type: 'HelperAssigned', data: { helper } }]);
    const other = { helperId: 'cadre-077', name: '赵书记', unit: '镇政府' };
    given(withHelper())
      .when(cmd('AssignHelper', { helper: other }))
      .thenEmits([{ type: 'HelperAssigned', data: { helper: other, replacesHelperId: helper.helperId } }]);
    given(withHelper()).when(cmd('AssignHelper', { helper })).thenRefuses('ALREADY_ASSIGNED');
    given(applied()).when(cmd('AssignHelper', { helper })).thenRefuses('NOT_ASSISTED');
    given(applied())
      .when(cmd('RecordVisit', { notes: '入户走访' }))
      .thenRefuses('NOT_ASSISTED');
    given(registered())
      .when(cmd('RecordVisit', { notes: '入户走访' }))
      .thenRefuses('NO_HELPER');
  });

  it('records a visit by the assigned helper, with an id derived from the command', () => {
    const [visit] = given(withHelper())
      .when(cmd('RecordVisit', { notes: '了解种植情况' }), { effectiveAt: '2019-03-02' })
      .result();
    expect(visit).toMatchObject({
      type: 'VisitRecorded',
      data: { helperId: helper.helperId, visitedOn: '2019-03-02', notes: '了解种植情况' },
    });
    const [again] = given(withHelper())
      .when(cmd('RecordVisit', { notes: '了解种植情况' }), { effectiveAt: '2019-03-02' })
      .result();
    expect(again).toEqual(visit);
  });

  it('keeps visits in stream order; a visit id recorded again replaces its entry', () => {
    const visit = (visitId: string, visitedOn: string, notes: string): Given => ({
      type: 'VisitRecorded',
      data: { visitId, helperId: helper.helperId, visitedOn, notes },
      effectiveAt: visitedOn,
    });
    const [a, b] = ['9f1c2a52-7d3e-4c61-9a57-0b4f3f0c1a01', '9f1c2a52-7d3e-4c61-9a57-0b4f3f0c1a02'];
    const state = stateOf([
      ...withHelper(),
      visit(a, '2019-03-02', '了解种植情况'),
      visit(b, '2019-04-02', '入户走访'),
      visit(a, '2019-03-03', '更正日期'),
    ]);
    expect(state.visits).toEqual([
      { visitId: a, helperId: helper.helperId, visitedOn: '2019-03-03', notes: '更正日期' },
      { visitId: b, helperId: helper.helperId, visitedOn: '2019-04-02', notes: '入户走访' },
    ]);
    // A state stored before visits were an array reads in today's shape.
    const old = {
      ...state,
      visits: { [a]: { helperId: helper.helperId, visitedOn: '2019-03-03', notes: '更正日期' } },
    };
    expect(storedState(old as unknown as HouseholdState).visits).toEqual([state.visits[0]]);
    expect(storedState(state)).toBe(state);
  });

  it('plans measures with funds and refuses deliveries beyond the plan', () => {
    const plan = {
      measureId: ids.measure,
      category: 'industry',
      description: '养殖湖羊10只',
      amountFen: 500_000,
      fundingSource: 'central',
      year: 2019,
    };
    given(withHelper())
      .when(cmd('PlanAssistance', plan))
      .thenEmits([{ type: 'AssistancePlanned', data: plan as never }]);
    const planned = [...withHelper(), { type: 'AssistancePlanned' as const, data: plan as never }];
    given(planned).when(cmd('PlanAssistance', plan)).thenRefuses('MEASURE_EXISTS');
    given(planned)
      .when(cmd('RecordAssistanceDelivered', { measureId: ids.measure, amountFen: 300_000 }), {
        effectiveAt: '2019-04-01',
      })
      .thenEmits([
        {
          type: 'AssistanceDelivered',
          data: { measureId: ids.measure, amountFen: 300_000, deliveredOn: '2019-04-01' },
        },
      ]);
    const partly = [
      ...planned,
      {
        type: 'AssistanceDelivered' as const,
        data: { measureId: ids.measure, amountFen: 300_000, deliveredOn: '2019-04-01' },
      },
    ];
    expect(given(partly).state.measures[ids.measure]?.deliveredFen).toBe(300_000);
    given(partly)
      .when(cmd('RecordAssistanceDelivered', { measureId: ids.measure, amountFen: 200_001 }))
      .thenRefuses('OVER_DELIVERY', { plannedFen: 500_000, deliveredFen: 300_000, requestedFen: 200_001 });
    given(withHelper())
      .when(cmd('RecordAssistanceDelivered', { measureId: ids.measure, amountFen: 1 }))
      .thenRefuses('NO_SUCH_MEASURE');
  });
});

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
    expect(
      given(withHelper(), [assessed(2021)])
        .when(cmd('ProposeExit', { year: 2021 }), { effectiveAt: '2021-11-20' })
        .thenRefuses('EXIT_CRITERIA_UNMET').unmetCriteria,
    ).toEqual(['income_line_known']);
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
      .when(cmd('ConfirmExit', { signedByMemberId: ids.measure }))
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
      .when(cmd('ApproveExit', {}))
      .thenRefuses('EXIT_CRITERIA_UNMET');
    expect(refusal.unmetCriteria).toEqual(['safe_housing']);
  });

  it('refuses an exit case at any step with the reason and the criteria unmet at that moment', () => {
    const worse = { ...assessed(2019, { basicMedical: false }), effectiveAt: '2019-12-20' };
    given(exitAt('township_verification'), [worse])
      .when(cmd('RejectExit', {}), { reason: '核实发现医保未参保' })
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
