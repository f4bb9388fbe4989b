import { type MonitoringRegime, NATIONAL_POLICY } from '@registry/schema';
import { refusalText } from '@registry/schema/messages';
import { describe, expect, it } from 'vitest';
import {
  applied,
  atCountyApproval,
  atVillageNotice,
  child,
  cmd,
  given,
  HOUSEHOLD_ID,
  head,
  household,
  member,
  registered,
  spouse,
  villageNoticeOpen,
} from '../fixtures.js';

describe('identification: application → reviews and notices → data comparison → county approval', () => {
  it('given nothing, when a household applies, then an identification case opens', () => {
    given()
      .when(cmd('ApplyForRegistration', { household: household(), members: [head, spouse, child] }))
      .thenEmits([
        {
          type: 'ApplicationSubmitted',
          data: { householdId: HOUSEHOLD_ID, household: household(), members: [head, spouse, child] },
        },
      ]);
    const state = given(applied()).state;
    expect(state.status).toBe('applicant');
    expect(state.case).toEqual({ kind: 'identification', step: 'village_review', stepOn: '2015-03-01' });
    expect(state.headMemberId).toBe(head.memberId);
  });

  it('refuses a second application while the first is open or after registration', () => {
    given(applied())
      .when(cmd('ApplyForRegistration', { household: household(), members: [head] }))
      .thenRefuses('STATUS');
    given(registered())
      .when(cmd('ApplyForRegistration', { household: household(), members: [head] }))
      .thenRefuses('STATUS');
  });

  it('refuses an application once the monitoring regime is in force, pointing to monitoring', () => {
    const apply = cmd('ApplyForRegistration', { household: household(), members: [head] });
    given().when(apply, { effectiveAt: '2020-12-31' }).result();
    const refused = given()
      .when(apply, { effectiveAt: '2021-01-01' })
      .thenRefuses('REGISTRATION_CLOSED', { effectiveAt: '2021-01-01', monitoringFrom: '2021-01-01' });
    const text = refusalText({ code: refused.rule, facts: refused.facts }, 'zh');
    expect(text).toContain('风险预警');
    expect(text).toContain('防返贫动态监测自2021年1月1日起施行，所填日期为2021年1月1日');
    // A province whose version starts monitoring later takes applications until then.
    const later = {
      ...NATIONAL_POLICY,
      monitoring: { ...(NATIONAL_POLICY.monitoring as MonitoringRegime), from: '2022-01-01' },
    };
    given().when(apply, { effectiveAt: '2021-06-01', policy: later }).result();
  });

  it('refuses a step effective before the case’s previous one; the same day is in order', () => {
    // The village review was on 2015-03-10: a notice cannot open the day before.
    given(atVillageNotice())
      .when(cmd('OpenPublicNotice', {}), { effectiveAt: '2015-03-09' })
      .thenRefuses('BEFORE_PREVIOUS_STEP', { effectiveAt: '2015-03-09', previousStepOn: '2015-03-10' });
    expect(
      given(atVillageNotice()).when(cmd('OpenPublicNotice', {}), { effectiveAt: '2015-03-10' }).result()[0],
    ).toMatchObject({ type: 'PublicNoticeOpened', data: { openedOn: '2015-03-10' } });
    // Every event of the case dates it: the data comparison of 2015-04-10, then an approval dated before it.
    given(atCountyApproval())
      .when(
        cmd('ApproveRegistration', {
          cardNumber: 'C-0001',
          attribute: 'ordinary',
          mainCause: 'illness',
          otherCauses: [],
        }),
        { effectiveAt: '2015-04-09' },
      )
      .thenRefuses('BEFORE_PREVIOUS_STEP', { previousStepOn: '2015-04-10' });
    // A wrong step is refused as such, whatever its date.
    given(atVillageNotice())
      .when(
        cmd('ApproveRegistration', {
          cardNumber: 'C-0001',
          attribute: 'ordinary',
          mainCause: 'illness',
          otherCauses: [],
        }),
        {
          effectiveAt: '2015-03-01',
        },
      )
      .thenRefuses('OUT_OF_ORDER');
    // Records outside the case (a visit, a member) may still be entered late.
    expect(given(atVillageNotice()).state.case?.stepOn).toBe('2015-03-10');
  });

  it('walks every step in order to registration', () => {
    const steps = [
      given(applied()).state.case?.step,
      given(atVillageNotice()).state.case?.step,
      given(villageNoticeOpen()).state.case?.notice?.level,
      given(atCountyApproval()).state.case?.step,
      given(registered()).state.status,
    ];
    expect(steps).toEqual(['village_review', 'village_notice', 'village', 'county_approval', 'registered']);
    expect(given(registered()).state.registration).toMatchObject({
      cardNumber: '3209242015000123',
      registeredOn: '2015-04-20',
    });
  });

  it('refuses steps out of order, saying which step the case is at', () => {
    const refusal = given(applied())
      .when(cmd('RecordTownshipReview', { approved: true }))
      .thenRefuses('OUT_OF_ORDER', {
        expectedStep: 'village_review',
      });
    expect(refusal.message).toMatch(/village review/);
    given(applied()).when(cmd('OpenPublicNotice', {})).thenRefuses('OUT_OF_ORDER');
    given(applied())
      .when(cmd('ApproveRegistration', { cardNumber: 'C-1234', attribute: 'ordinary', mainCause: 'illness' }))
      .thenRefuses('OUT_OF_ORDER');
    given(atVillageNotice())
      .when(cmd('RecordDataComparison', { findings: [] }))
      .thenRefuses('OUT_OF_ORDER');
  });

  it('rejects with the reason when a review does not approve, and requires that reason', () => {
    given(applied())
      .when(cmd('RecordVillageReview', { approved: false, votesFor: 3, votesAgainst: 18 }), { reason: '评议未通过' })
      .thenEmits([
        {
          type: 'VillageReviewRecorded',
          data: { case: 'identification', approved: false, votesFor: 3, votesAgainst: 18 },
        },
        { type: 'ApplicationRejected', data: { step: 'village_review', reason: '评议未通过' } },
      ]);
    given(applied())
      .when(cmd('RecordVillageReview', { approved: false }))
      .thenInvalid('reason', /required/);
  });

  it('rejects at any step with a reason', () => {
    given(atCountyApproval())
      .when(cmd('RejectApplication', {}), { reason: '县级复核不符合' })
      .thenEmits([{ type: 'ApplicationRejected', data: { step: 'county_approval', reason: '县级复核不符合' } }]);
    given(registered()).when(cmd('RejectApplication', {}), { reason: 'x' }).thenRefuses('NO_OPEN_CASE');
    given(applied()).when(cmd('RejectApplication', {})).thenInvalid('reason');
  });

  it('refuses county approval after a disqualifying data comparison finding', () => {
    const car = { agency: 'vehicles' as const, disqualifying: true, detail: '登记小型轿车一辆' };
    given(
      atCountyApproval(undefined, [
        { type: 'DataComparisonRecorded', data: { findings: [car] }, effectiveAt: '2015-04-10' },
      ]),
    )
      .when(cmd('ApproveRegistration', { cardNumber: 'C-1234', attribute: 'ordinary', mainCause: 'illness' }))
      .thenRefuses('DISQUALIFYING_FINDINGS', { findings: [car] });
  });

  it('registers with card number, attribute and causes, refusing a main cause repeated among the others', () => {
    given(atCountyApproval())
      .when(
        cmd('ApproveRegistration', {
          cardNumber: 'C-1234',
          attribute: 'low_income_guarantee',
          mainCause: 'disability',
          otherCauses: ['lack_of_labour'],
        }),
      )
      .thenEmits([
        {
          type: 'RegistrationApproved',
          data: {
            cardNumber: 'C-1234',
            attribute: 'low_income_guarantee',
            mainCause: 'disability',
            otherCauses: ['lack_of_labour'],
          },
        },
      ]);
    expect(() =>
      cmd('ApproveRegistration', {
        cardNumber: 'C-1234',
        attribute: 'ordinary',
        mainCause: 'illness',
        otherCauses: ['illness'],
      }),
    ).toThrow(/must not repeat the main cause/);
  });

  it('refuses commands on a household the registry does not have', () => {
    given()
      .when(cmd('RecordVillageReview', { approved: true }))
      .thenFails('NOT_FOUND');
    given()
      .when(cmd('AddMember', { member: member(), reason: 'birth' }))
      .thenFails('NOT_FOUND');
  });
});
