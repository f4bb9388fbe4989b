import { describe, expect, it } from 'vitest';
import { applied, atVillageNotice, cmd, given, ids, villageNoticeOpen } from '../fixtures.js';

describe('public notices (公示) and objections', () => {
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
      effectiveAt: '2015-03-13',
    };
    given(objected)
      .when(cmd('ResolveObjection', { objectionId, upheld: false, resolution: '入户核实，收入属实' }), {
        effectiveAt: '2015-03-13',
      })
      .thenEmits([{ type: dismissed.type, data: dismissed.data }]);
    given(objected, [dismissed])
      .when(cmd('ClosePublicNotice', {}), { effectiveAt: '2015-03-18' })
      .thenEmits([{ type: 'PublicNoticeClosed', data: { noticeId: ids.villageNotice, closedOn: '2015-03-18' } }]);
    given(objected, [dismissed])
      .when(cmd('ResolveObjection', { objectionId, upheld: false, resolution: 'again' }))
      .thenRefuses('OBJECTION_RESOLVED');

    const sentBack = {
      type: 'ObjectionResolved' as const,
      data: { objectionId, upheld: true, consequence: 'sent_back' as const, resolution: '重新评议' },
      effectiveAt: '2015-03-14',
    };
    expect(given(objected, [sentBack]).state.case).toEqual({
      kind: 'identification',
      step: 'village_review',
      notice: undefined,
      stepOn: '2015-03-14',
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
});
