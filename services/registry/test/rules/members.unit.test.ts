import { describe, expect, it } from 'vitest';
import { child, cmd, given, head, ids, member, registered, spouse } from '../fixtures.js';

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

it('members fixture sanity: generated people are valid members', () => {
  expect(() => cmd('AddMember', { member: member(), reason: 'birth' })).not.toThrow();
});
