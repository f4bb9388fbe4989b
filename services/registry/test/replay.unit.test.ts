import { NATIONAL_POLICY, type Policy } from '@registry/schema';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../src/fold.js';
import { replayExits } from '../src/replay.js';
import { exited, history, registered } from './fixtures.js';

describe('rule replay (回头看)', () => {
  it('reports past exits that would fail under another policy, on the history as known now', () => {
    const events = history(exited());
    expect(replayExits(events, NATIONAL_POLICY)).toEqual([
      expect.objectContaining({ year: 2019, passes: true, unmet: [] }),
    ]);
    const stricter: Policy = {
      ...NATIONAL_POLICY,
      id: 'jiangsu-8000',
      provincialIncomeLinesFen: { '32': { '2019': 800_000 } },
    };
    expect(replayExits(events, stricter)).toEqual([
      expect.objectContaining({
        year: 2019,
        exitedOn: '2019-12-31',
        passes: false,
        unmet: ['income_above_line'],
        approvedWith: expect.objectContaining({ incomeLineFen: 600_000 }),
      }),
    ]);
    const assessment = events.find((e) => e.type === 'ConditionsAssessed') as HistoryEvent;
    const lateCorrection = {
      ...assessment,
      id: 'c0000000-0000-4000-8000-000000000009',
      revision: events.length,
      type: 'EventCorrected',
      data: {
        correctedEventId: assessment.id,
        correctedType: 'ConditionsAssessed',
        action: 'replace',
        replacementData: { ...(assessment.data as object), safeDrinkingWater: false },
      },
    } as HistoryEvent;
    expect(replayExits([...events, lateCorrection], NATIONAL_POLICY)[0]).toMatchObject({
      passes: false,
      unmet: ['safe_drinking_water'],
    });
  });

  it('reports nothing for a household never exited', () => {
    expect(replayExits(history(registered()), NATIONAL_POLICY)).toEqual([]);
  });
});
