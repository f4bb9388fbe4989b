import type { HouseholdEventData } from '@registry/schema';
import { describe, expect, it } from 'vitest';
import { applied, cmd, exited, given, registered } from '../fixtures.js';

const lowIncome: HouseholdEventData<'AttributeAndCausesAdjusted'> = {
  attribute: 'low_income_guarantee',
  mainCause: 'illness',
  otherCauses: ['lack_of_labour'],
};

describe('动态调整: attribute and causes from a date', () => {
  it('records the new attribute and causes of a household on the roll, and the state takes them', () => {
    given(registered())
      .when(cmd('AdjustAttributeAndCauses', lowIncome), { effectiveAt: '2018-03-01' })
      .thenEmits([{ type: 'AttributeAndCausesAdjusted', data: lowIncome }]);
    const after = given(registered(), [
      { type: 'AttributeAndCausesAdjusted', data: lowIncome, effectiveAt: '2018-03-01' },
    ]).state;
    expect(after.registration).toMatchObject({
      ...lowIncome,
      cardNumber: '3209242015000123',
      registeredOn: '2015-04-20',
    });
  });

  it('refuses what is no change, a household not on the roll, and a main cause repeated among the others', () => {
    given(registered())
      .when(
        cmd('AdjustAttributeAndCauses', {
          attribute: 'ordinary',
          mainCause: 'illness',
          otherCauses: ['lack_of_capital'],
        }),
      )
      .thenRefuses('NO_CHANGE');
    given(applied()).when(cmd('AdjustAttributeAndCauses', lowIncome)).thenRefuses('STATUS');
    given(exited())
      .when(cmd('AdjustAttributeAndCauses', lowIncome), { effectiveAt: '2020-03-01' })
      .thenRefuses('STATUS');
    expect(() =>
      cmd('AdjustAttributeAndCauses', { attribute: 'ordinary', mainCause: 'illness', otherCauses: ['illness'] }),
    ).toThrow(/must not repeat the main cause/);
  });
});
