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
  ids,
  member,
  registered,
  spouse,
  villageNoticeOpen,
} from './fixtures.js';

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
    expect(state.case).toEqual({ kind: 'identification', step: 'village_review' });
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

  it('given a village review, when the notice opens, then it closes after the policy period (7 days)', () => {
    given(atVillageNotice())
      .when(cmd('OpenPublicNotice', { noticeId: ids.villageNotice }), { effectiveAt: '2015-03-11' })
      .thenEmits([
        {
          type: 'PublicNoticeOpened',
          data: {
            noticeId: ids.villageNotice,
            case: 'identification',
            level: 'village',
            openedOn: '2015-03-11',
            closesOn: '2015-03-18',
          },
        },
      ]);
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

  it('refuses to close a notice before its period ends', () => {
    given(villageNoticeOpen())
      .when(cmd('ClosePublicNotice', {}), { effectiveAt: '2015-03-17' })
      .thenRefuses('NOTICE_PERIOD_NOT_OVER', { closesOn: '2015-03-18' });
  });

  it('refuses a second notice while one is open, and reviews while a notice is open', () => {
    given(villageNoticeOpen()).when(cmd('OpenPublicNotice', {})).thenRefuses('NOTICE_OPEN');
  });

  it('takes objections only during the notice period, and refuses closing while one is pending', () => {
    const objectionId = '0f6f7c1e-1d2e-4b3a-8c9d-0e1f2a3b4c5d';
    given(villageNoticeOpen())
      .when(cmd('RecordObjection', { summary: '该户有小汽车' }), { effectiveAt: '2015-03-20' })
      .thenRefuses('OUTSIDE_NOTICE_PERIOD');
    const objected = [
      ...villageNoticeOpen(),
      {
        type: 'ObjectionRecorded' as const,
        data: { noticeId: ids.villageNotice, objectionId, summary: '该户有小汽车' },
        effectiveAt: '2015-03-12',
      },
    ];
    given(objected)
      .when(cmd('ClosePublicNotice', {}), { effectiveAt: '2015-03-18' })
      .thenRefuses('OBJECTIONS_PENDING', { objectionIds: [objectionId] });
    given(objected)
      .when(cmd('ResolveObjection', { objectionId: ids.villageNotice, upheld: false, resolution: '核实无车' }))
      .thenRefuses('NO_SUCH_OBJECTION');
    given(applied())
      .when(cmd('RecordObjection', { summary: 'x' }))
      .thenRefuses('NO_OPEN_NOTICE');
  });

  it('given an objection, when it is dismissed, then the notice can close; when upheld it sends the case back or rejects it', () => {
    const objectionId = '0f6f7c1e-1d2e-4b3a-8c9d-0e1f2a3b4c5d';
    const objected = [
      ...villageNoticeOpen(),
      {
        type: 'ObjectionRecorded' as const,
        data: { noticeId: ids.villageNotice, objectionId, summary: '收入不实' },
        effectiveAt: '2015-03-12',
      },
    ];
    const dismissed = {
      type: 'ObjectionResolved' as const,
      data: { objectionId, upheld: false, resolution: '入户核实，收入属实' },
    };
    given(objected)
      .when(cmd('ResolveObjection', { objectionId, upheld: false, resolution: '入户核实，收入属实' }))
      .thenEmits([dismissed]);
    given(objected, [dismissed])
      .when(cmd('ClosePublicNotice', {}), { effectiveAt: '2015-03-18' })
      .thenEmits([{ type: 'PublicNoticeClosed', data: { noticeId: ids.villageNotice, closedOn: '2015-03-18' } }]);
    given(objected, [dismissed])
      .when(cmd('ResolveObjection', { objectionId, upheld: false, resolution: 'again' }))
      .thenRefuses('OBJECTION_RESOLVED');

    const sentBack = {
      type: 'ObjectionResolved' as const,
      data: { objectionId, upheld: true, consequence: 'sent_back' as const, resolution: '重新评议' },
    };
    expect(given(objected, [sentBack]).state.case).toEqual({
      kind: 'identification',
      step: 'village_review',
      notice: undefined,
    });

    given(objected)
      .when(
        cmd('ResolveObjection', {
          objectionId,
          upheld: true,
          consequence: 'rejected',
          resolution: '家有轿车，不符合条件',
        }),
      )
      .thenEmits([
        {
          type: 'ObjectionResolved',
          data: { objectionId, upheld: true, consequence: 'rejected', resolution: '家有轿车，不符合条件' },
        },
        { type: 'ApplicationRejected', data: { step: 'village_notice', reason: '家有轿车，不符合条件' } },
      ]);
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
