import { describe, expect, it } from 'vitest';
import { cmd, given, head, household, registered } from '../fixtures.js';

describe('natural decrease (自然减少)', () => {
  it('records a natural decrease, after which every command is refused', () => {
    given(registered())
      .when(cmd('RecordNaturalDecrease', { reason: 'died_out' }))
      .thenEmits([{ type: 'NaturalDecreaseRecorded', data: { reason: 'died_out' } }]);
    const gone = given(registered(), [
      { type: 'NaturalDecreaseRecorded', data: { reason: 'moved_away' }, effectiveAt: '2020-05-01' },
    ]);
    expect(gone.state.status).toBe('decreased');
    gone.when(cmd('RecordVisit', { notes: 'x' })).thenRefuses('HOUSEHOLD_CLOSED', { decreasedOn: '2020-05-01' });
    gone.when(cmd('ApplyForRegistration', { household: household(), members: [head] })).thenRefuses('HOUSEHOLD_CLOSED');
  });
});
