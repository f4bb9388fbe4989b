import { describe, expect, it } from 'vitest';
import { changeLines } from '../src/changes.js';

const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;

describe('the audit trail’s lines of a change', () => {
  it('reads a correction as what it changed, before → after', () => {
    const lines = changeLines(
      {
        correctedEventId: '00000000-0000-4000-8000-000000000001',
        correctedType: 'RegistrationApproved',
        action: 'replace',
        previousData: { cardNumber: 'C-1', attribute: 'ordinary', mainCause: 'illness' },
        replacementData: { cardNumber: 'C-1', attribute: 'low_income_guarantee', mainCause: 'illness' },
      },
      'zh',
      yuan,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]?.value).toMatch(/^一般贫困户 → 低保贫困户$/);
  });

  it('reads a voided event as voided, with what it held', () => {
    const lines = changeLines(
      {
        correctedEventId: '00000000-0000-4000-8000-000000000001',
        correctedType: 'VisitRecorded',
        action: 'void',
        previousData: { visitId: 'v', notes: '走访' },
      },
      'zh',
      yuan,
    );
    expect(lines.map((l) => l.value)).toEqual(['作废', '走访']);
  });

  it('reads a correction recorded before the data it replaced was kept as its new fields', () => {
    const lines = changeLines(
      { correctedEventId: 'x', action: 'replace', replacementData: { notes: '补记' } },
      'zh',
      yuan,
    );
    expect(lines.map((l) => l.value)).toContain('补记');
  });
});
