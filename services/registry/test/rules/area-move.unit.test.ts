import { describe, expect, it } from 'vitest';
import { cmd, given, registered, VILLAGE } from '../fixtures.js';

const OTHER_COUNTY_VILLAGE = '320925103401';
const propose = (data: Record<string, unknown> = {}) =>
  cmd('ProposeMove', { toVillageCode: OTHER_COUNTY_VILLAGE, address: '安置点3栋201', relocation: true, ...data });
const proposed = {
  type: 'MoveProposed' as const,
  data: { fromVillageCode: VILLAGE, toVillageCode: OTHER_COUNTY_VILLAGE, address: '安置点3栋201', relocation: true },
  effectiveAt: '2019-03-01',
};

describe('moves between villages, townships and counties (易地扶贫搬迁)', () => {
  it('proposes a move where the household lives; the household stays until it is accepted', () => {
    given(registered())
      .when(propose())
      .thenEmits([{ type: 'MoveProposed', data: proposed.data }]);
    const state = given(registered(), [proposed]).state;
    expect(state.household?.villageCode).toBe(VILLAGE);
    expect(state.pendingMove).toMatchObject({
      toVillageCode: OTHER_COUNTY_VILLAGE,
      relocation: true,
      proposedOn: '2019-03-01',
    });
  });

  it('refuses a second move while one is pending, and a move to the village it lives in', () => {
    given(registered(), [proposed]).when(propose()).thenRefuses('MOVE_PENDING');
    given(registered())
      .when(propose({ toVillageCode: VILLAGE }))
      .thenRefuses('SAME_VILLAGE');
  });

  it('accepts the move: the household belongs to the new village with its new address, history kept', () => {
    given(registered(), [proposed])
      .when(cmd('AcceptMove', {}), { effectiveAt: '2019-04-01' })
      .thenEmits([{ type: 'HouseholdMoved', data: proposed.data }]);
    const moved = given(registered(), [
      proposed,
      { type: 'HouseholdMoved', data: proposed.data, effectiveAt: '2019-04-01' },
    ]).state;
    expect(moved.household).toMatchObject({ villageCode: OTHER_COUNTY_VILLAGE, address: '安置点3栋201' });
    expect(moved.pendingMove).toBeUndefined();
    expect(moved.status).toBe('registered');
    expect(moved.registration?.cardNumber).toBeDefined();
  });

  it('refuses acceptance without a pending move or dated before the proposal, and withdraws a pending one', () => {
    given(registered()).when(cmd('AcceptMove', {})).thenRefuses('NO_PENDING_MOVE');
    given(registered(), [proposed]).when(cmd('AcceptMove', {}), { effectiveAt: '2019-02-01' }).thenFails('VALIDATION');
    given(registered(), [proposed])
      .when(cmd('CancelMove', {}))
      .thenEmits([{ type: 'MoveCancelled', data: { toVillageCode: OTHER_COUNTY_VILLAGE } }]);
  });
});
