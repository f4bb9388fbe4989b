import { describe, expect, it } from 'vitest';
import { cmd, exited, given, registered } from '../fixtures.js';

describe('return to poverty (返贫)', () => {
  it('takes an exited household back as returned, with the cause; only exited households return', () => {
    given(exited())
      .when(cmd('ReportReturnToPoverty', { attribute: 'ordinary', mainCause: 'illness', otherCauses: [] }), {
        effectiveAt: '2021-03-01',
      })
      .thenEmits([
        { type: 'ReturnedToPoverty', data: { attribute: 'ordinary', mainCause: 'illness', otherCauses: [] } },
      ]);
    const returned = given(exited(), [
      {
        type: 'ReturnedToPoverty',
        data: { attribute: 'ordinary', mainCause: 'illness', otherCauses: [] },
        effectiveAt: '2021-03-01',
      },
    ]).state;
    expect(returned).toMatchObject({
      status: 'returned',
      returns: [{ returnedOn: '2021-03-01', mainCause: 'illness' }],
    });
    expect(returned.registration?.cardNumber).toBe('3209242015000123');
    given(registered())
      .when(cmd('ReportReturnToPoverty', { attribute: 'ordinary', mainCause: 'illness' }))
      .thenRefuses('STATUS');
  });
});
