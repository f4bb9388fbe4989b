import { describe, expect, it } from 'vitest';
import { applied, atCountyApproval, cmd, exited, given, registered } from '../fixtures.js';

const source = { fileSha256: 'c'.repeat(64), fileName: '车辆登记比对.csv', rows: [7] };
const vehicle = { agency: 'vehicles' as const, disqualifying: true, detail: '户主名下登记小型轿车一辆' };
const record = (finding: object = vehicle) => cmd('RecordAgencyFinding', { finding, source });

describe('agency comparison findings recorded in batches (数据比对)', () => {
  it('records the finding on the household as it stands, with its file and row', () => {
    given(registered())
      .when(record())
      .thenEmits([{ type: 'AgencyFindingRecorded', data: { finding: vehicle, source } }]);
    given(exited())
      .when(record())
      .thenEmits([{ type: 'AgencyFindingRecorded', data: { finding: vehicle, source } }]);
  });

  it('keeps the finding with the household: a disqualifying one bars a pending registration', () => {
    const finding = { type: 'AgencyFindingRecorded' as const, data: { finding: vehicle, source } };
    expect(given(registered(), [finding]).state.comparisonFindings).toEqual([vehicle]);
    given(atCountyApproval(), [finding])
      .when(
        cmd('ApproveRegistration', {
          cardNumber: '3209242015000999',
          attribute: 'ordinary',
          mainCause: 'illness',
          otherCauses: [],
        }),
      )
      .thenRefuses('DISQUALIFYING_FINDINGS');
  });

  it('refuses a household that is not on file', () => {
    given([]).when(record()).thenFails('NOT_FOUND');
    expect(applied().length).toBeGreaterThan(0);
  });
});
