import { describe, expect, it } from 'vitest';
import { cmd, family, given, household, registered } from '../fixtures.js';

const source = { fileSha256: 'a'.repeat(64), fileName: '名册.xlsx', rows: [2, 3] };
const members = family();
const importing = () =>
  cmd('ImportHousehold', {
    household: household(),
    members,
    cardNumber: 'IMP-0001',
    attribute: 'ordinary',
    mainCause: 'illness',
    source,
  });
const imported = {
  type: 'HouseholdImported' as const,
  data: {
    householdId: '5b0e3f2a-6c1d-4e8f-9a2b-3c4d5e6f7a8b',
    household: household(),
    members,
    cardNumber: 'IMP-0001',
    attribute: 'ordinary' as const,
    mainCause: 'illness' as const,
    otherCauses: [],
    source,
  },
  effectiveAt: '2016-05-01',
};

describe('importing an existing roll (导入)', () => {
  it('takes a household over, registered on the effective date, naming its file and rows', () => {
    given([])
      .when(importing(), { effectiveAt: '2016-05-01' })
      .thenEmits([{ type: 'HouseholdImported', data: imported.data }]);
    expect(given([imported]).state).toMatchObject({
      status: 'registered',
      registration: { cardNumber: 'IMP-0001', registeredOn: '2016-05-01' },
    });
  });

  it('refuses a household already recorded', () => {
    given(registered()).when(importing()).thenRefuses('ALREADY_RECORDED');
  });

  it('imports an exit on its date, with the roll’s income above the year’s line as its evidence', () => {
    const events = given([imported])
      .when(cmd('ImportExit', { year: 2019, incomePerCapitaFen: 720_000, source }), { effectiveAt: '2019-12-31' })
      .result();
    expect(events).toMatchObject([
      {
        type: 'ExitImported',
        data: { year: 2019, exitedOn: '2019-12-31', evidence: { incomePerCapitaFen: 720_000, incomeLineFen: 600_000 } },
      },
    ]);
    const exited = given([imported], [{ ...(events[0] as typeof imported), effectiveAt: '2019-12-31' }]).state;
    expect(exited.status).toBe('exited');
  });

  it('refuses an exit whose income is not above the line, or dated outside its year or before registration', () => {
    given([imported])
      .when(cmd('ImportExit', { year: 2019, incomePerCapitaFen: 500_000, source }), { effectiveAt: '2019-12-31' })
      .thenRefuses('EXIT_CRITERIA_UNMET', { incomeLineFen: 600_000 });
    given([imported])
      .when(cmd('ImportExit', { year: 2019, incomePerCapitaFen: 720_000, source }), { effectiveAt: '2021-06-01' })
      .thenInvalid('effectiveAt');
    given([imported])
      .when(cmd('ImportExit', { year: 2015, incomePerCapitaFen: 720_000, source }), { effectiveAt: '2015-12-31' })
      .thenInvalid('effectiveAt', /registered/);
  });
});
