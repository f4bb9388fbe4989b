import { describe, it } from 'vitest';
import { applied, cmd, given, registered } from '../fixtures.js';

const car = { agency: 'vehicles' as const, disqualifying: true, detail: '登记小型轿车一辆' };

describe('removal (清退)', () => {
  it('removes a misidentified household only on a disqualifying finding or a review, with a reason', () => {
    given(registered())
      .when(cmd('RemoveFromRegistry', { evidence: { source: 'data_comparison', finding: car } }), {
        reason: '数据比对发现车辆',
      })
      .thenEmits([{ type: 'RemovedFromRegistry', data: { evidence: { source: 'data_comparison', finding: car } } }]);
    given(registered())
      .when(
        cmd('RemoveFromRegistry', {
          evidence: { source: 'data_comparison', finding: { ...car, disqualifying: false } },
        }),
        { reason: 'x' },
      )
      .thenRefuses('FINDING_NOT_DISQUALIFYING');
    given(registered())
      .when(cmd('RemoveFromRegistry', { evidence: { source: 'review', review: '回头看' } }))
      .thenInvalid('reason');
    given(applied())
      .when(cmd('RemoveFromRegistry', { evidence: { source: 'review', review: '回头看' } }), { reason: 'x' })
      .thenRefuses('STATUS');
  });
});
