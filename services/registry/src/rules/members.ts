import type { Member } from '@registry/schema';
import { ValidationError } from '../errors.js';
import type { HouseholdState } from '../state.js';
import { refuse } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * Members join and leave (birth, marriage, death, moving out). The head leaves only when a
 * new head is named, and the last member never leaves: that is a natural decrease.
 */
export const decide: Deciders<'AddMember' | 'RemoveMember' | 'UpdateMember'> = {
  AddMember: (command, state) => {
    checkNewMember(state, command.data.member);
    return [{ type: 'MemberAdded', data: command.data }];
  },

  RemoveMember: (command, state) => {
    const { memberId, newHeadMemberId } = command.data;
    if (!state.members[memberId]) refuse('NO_SUCH_MEMBER', `member ${memberId} is not in the household`);
    if (Object.keys(state.members).length === 1) {
      refuse('LAST_MEMBER', 'the last member cannot be removed; record a natural decrease (died out) instead');
    }
    const isHead = state.headMemberId === memberId;
    if (isHead && !newHeadMemberId) refuse('NEW_HEAD_REQUIRED', 'the head of household leaves: name the new head');
    if (!isHead && newHeadMemberId) refuse('NOT_HEAD', 'only removing the head names a new head');
    if (newHeadMemberId && (newHeadMemberId === memberId || !state.members[newHeadMemberId])) {
      refuse('NO_SUCH_MEMBER', `the new head ${newHeadMemberId} must be another member of the household`);
    }
    return [{ type: 'MemberRemoved', data: command.data }];
  },

  UpdateMember: (command, state) => {
    const member = state.members[command.data.memberId];
    if (!member) refuse('NO_SUCH_MEMBER', `member ${command.data.memberId} is not in the household`);
    const { changes } = command.data;
    const health = changes.health ?? member.health;
    const grade = changes.disabilityGrade === undefined ? member.disabilityGrade : changes.disabilityGrade;
    if ((health === 'disabled') !== (grade !== undefined && grade !== null)) {
      throw new ValidationError([
        { path: 'changes.disabilityGrade', message: 'is required when health is disabled, and only then' },
      ]);
    }
    return [{ type: 'MemberUpdated', data: command.data }];
  },
};

function checkNewMember(state: HouseholdState, member: Member): void {
  if (state.members[member.memberId]) refuse('MEMBER_EXISTS', `member ${member.memberId} is already in the household`);
  if (Object.values(state.members).some((m) => m.nationalId === member.nationalId)) {
    refuse('NATIONAL_ID_EXISTS', 'a member with this national ID number is already in the household');
  }
  if (member.relation === 'head') {
    refuse('HEAD_EXISTS', 'the household has a head; name a new head when the head leaves (RemoveMember)');
  }
}

export const evolve: Evolvers<'MemberAdded' | 'MemberRemoved' | 'MemberUpdated'> = {
  MemberAdded: (state, event) => ({
    ...state,
    members: { ...state.members, [event.data.member.memberId]: event.data.member },
  }),
  MemberRemoved: (state, event) => {
    const { [event.data.memberId]: _removed, ...members } = state.members;
    const newHead = event.data.newHeadMemberId;
    if (newHead && members[newHead]) members[newHead] = { ...members[newHead], relation: 'head' };
    const headMemberId = newHead ?? (state.headMemberId === event.data.memberId ? undefined : state.headMemberId);
    return { ...state, members, ...(headMemberId ? { headMemberId } : { headMemberId: undefined }) };
  },
  MemberUpdated: (state, event) => {
    const member = state.members[event.data.memberId];
    if (!member) return state;
    const { disabilityGrade, ...changes } = event.data.changes;
    const updated = { ...member, ...changes };
    if (disabilityGrade === null) delete updated.disabilityGrade;
    else if (disabilityGrade !== undefined) updated.disabilityGrade = disabilityGrade;
    return { ...state, members: { ...state.members, [member.memberId]: updated } };
  },
};
