import { ALL_CONDITIONS_MET } from '@registry/schema';
import { describe, expect, it } from 'vitest';
import { cmd, given, registered } from '../fixtures.js';

describe('assessment', () => {
  it('records an assessment dated on its effective date, for that year or the one before', () => {
    const result = given(registered())
      .when(
        cmd('AssessConditions', {
          year: 2019,
          incomePerCapitaFen: 512_000,
          food: true,
          clothing: true,
          compulsoryEducation: true,
          basicMedical: true,
          safeHousing: false,
          safeDrinkingWater: true,
        }),
        { effectiveAt: '2020-01-10' },
      )
      .result();
    expect(result[0]).toMatchObject({
      type: 'ConditionsAssessed',
      data: { year: 2019, assessedOn: '2020-01-10', safeHousing: false },
    });
    given(registered())
      .when(
        cmd('AssessConditions', {
          year: 2017,
          incomePerCapitaFen: 1,
          ...ALL_CONDITIONS_MET,
        }),
        { effectiveAt: '2020-01-10' },
      )
      .thenInvalid('year');
    expect(() =>
      cmd('AssessConditions', {
        year: 2019,
        incomePerCapitaFen: 512.5,
        ...ALL_CONDITIONS_MET,
      }),
    ).toThrow(/whole number of fen/);
  });
});
