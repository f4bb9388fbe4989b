import { describe, expect, it } from 'vitest';
import { cmd, given, registered } from '../fixtures.js';

describe('household details change (户信息变更)', () => {
  it('records only what changes, from its date, and the state shows it', () => {
    const before = given(registered()).state.household;
    expect(before?.address).toBeDefined();
    given(registered())
      .when(cmd('ChangeHouseholdDetails', { address: '张庄村新区8号', phone: before?.phone ?? '13900000000' }))
      .thenEmits([
        {
          type: 'HouseholdDetailsChanged',
          data: before?.phone ? { address: '张庄村新区8号' } : { address: '张庄村新区8号', phone: '13900000000' },
        },
      ]);
    const moved = given(registered(), [
      { type: 'HouseholdDetailsChanged', data: { address: '张庄村新区8号', bankAccount: '6228480000000000001' } },
    ]).state.household;
    expect(moved).toEqual({ ...before, address: '张庄村新区8号', bankAccount: '6228480000000000001' });
  });

  it('refuses a change that changes nothing, and takes neither the village nor an empty change', () => {
    const address = given(registered()).state.household?.address;
    given(registered()).when(cmd('ChangeHouseholdDetails', { address })).thenRefuses('NO_CHANGE');
    expect(() => cmd('ChangeHouseholdDetails', {})).toThrow(/at least one of address, group, phone and bankAccount/);
    expect(() => cmd('ChangeHouseholdDetails', { villageCode: '320924101202' })).toThrow(/villageCode/);
    expect(() => cmd('ChangeHouseholdDetails', { phone: '12ab' })).toThrow(/7 to 15 digits/);
  });
});
