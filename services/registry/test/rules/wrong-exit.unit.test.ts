import { describe, expect, it } from 'vitest';
import { cmd, exited, given, registered } from '../fixtures.js';

const annul = (data: Record<string, unknown> = {}) =>
  cmd('AnnulExit', { year: 2019, source: 'review', finding: '回头看：2019 年人均纯收入未稳定超过标准', ...data });
const annulled = {
  type: 'ExitAnnulled' as const,
  data: {
    year: 2019,
    exitedOn: '2019-12-31',
    source: 'review' as const,
    finding: '回头看：2019 年人均纯收入未稳定超过标准',
  },
  effectiveAt: '2019-12-31',
};

describe('wrong exits (错退)', () => {
  it('annuls the latest exit on its own date, with what found it and the criteria it missed', () => {
    given(exited())
      .when(annul({ source: 'assessment', unmetCriteria: ['income_above_line'] }), { effectiveAt: '2019-12-31' })
      .thenEmits([
        {
          type: 'ExitAnnulled',
          data: {
            year: 2019,
            exitedOn: '2019-12-31',
            source: 'assessment',
            finding: '回头看：2019 年人均纯收入未稳定超过标准',
            unmetCriteria: ['income_above_line'],
          },
        },
      ]);
  });

  it('puts the household back on the roll, counted as a wrong exit: no exit and no return remain', () => {
    const state = given(exited(), [annulled]).state;
    expect(state).toMatchObject({
      status: 'registered',
      exits: [],
      returns: [],
      wrongExits: [{ year: 2019, exitedOn: '2019-12-31', source: 'review' }],
    });
    // It may exit again, properly, later.
    expect(state.registration?.cardNumber).toBe('3209242015000123');
  });

  it('takes its effective date from the exit: any other date is refused, naming the exit’s', () => {
    given(exited())
      .when(annul(), { effectiveAt: '2020-06-01' })
      .thenInvalid('effectiveAt', /2019-12-31/);
  });

  it('refuses a year that is not the latest exit’s, and a household that is not exited', () => {
    given(exited())
      .when(annul({ year: 2018 }), { effectiveAt: '2019-12-31' })
      .thenRefuses('NO_SUCH_EXIT', {
        year: 2018,
        latestExitYear: 2019,
      });
    given(registered()).when(annul(), { effectiveAt: '2019-12-31' }).thenRefuses('STATUS');
    given(exited(), [annulled]).when(annul(), { effectiveAt: '2019-12-31' }).thenRefuses('STATUS');
  });

  it('a household that had returned before the annulled exit is a returned household again', () => {
    const returned = [
      ...exited(),
      {
        type: 'ReturnedToPoverty' as const,
        data: { attribute: 'ordinary' as const, mainCause: 'illness' as const, otherCauses: [] },
        effectiveAt: '2020-03-01',
      },
      {
        type: 'ExitApproved' as const,
        data: {
          year: 2020,
          exitedOn: '2020-12-31',
          evidence: (exited().at(-1)?.data as { evidence: object } | undefined)?.evidence,
        },
        effectiveAt: '2020-12-31',
      },
    ] as Parameters<typeof given>[0];
    const state = given(returned, [
      { ...annulled, data: { ...annulled.data, year: 2020, exitedOn: '2020-12-31' }, effectiveAt: '2020-12-31' },
    ]).state;
    expect(state.status).toBe('returned');
    expect(state.exits.map((e) => e.year)).toEqual([2019]);
  });
});
