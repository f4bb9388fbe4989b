import { applyCorrections, foldEvents, type HistoryEvent } from '@registry/registry';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { longSteps, play } from '../../services/registry/test/generator.js';
import { type EffectiveInterval, effectiveTimeline, rollFields, sameRoll } from '../src/rows.js';

/**
 * The status history by definition: for every date, the fold of every event (of any type)
 * effective by then, in stream order, corrections applied. Slow (a fold per date), and plain.
 */
function timelineByDefinition(history: readonly HistoryEvent[]): EffectiveInterval[] {
  const events = applyCorrections(history);
  const known = rollFields(foldEvents(events));
  const intervals: EffectiveInterval[] = [];
  for (const date of [...new Set(events.map((e) => e.effectiveAt))].sort()) {
    const state = foldEvents(events.filter((e) => e.effectiveAt <= date));
    if (state.status === 'none') continue;
    const own = rollFields(state);
    const fields =
      own.villageCode === null
        ? { ...own, countyCode: known.countyCode, townshipCode: known.townshipCode, villageCode: known.villageCode }
        : own;
    const last = intervals.at(-1);
    if (last && sameRoll(last, fields)) continue;
    if (last) last.effectiveTo = date;
    intervals.push({ ...fields, effectiveFrom: date, effectiveTo: null });
  }
  return intervals;
}

/** A generated history with some events entered late: effective up to 400 days before they were recorded. */
const backdated = fc
  .tuple(longSteps, fc.array(fc.nat(399), { minLength: 300, maxLength: 300 }))
  .map(([steps, shifts]) =>
    play(steps).history.map((e, i) => {
      const shift = shifts[i % shifts.length] as number;
      if (i === 0 || shift % 5 !== 0) return e;
      const d = new Date(`${e.effectiveAt}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - 1 - shift);
      return { ...e, effectiveAt: d.toISOString().slice(0, 10) };
    }),
  );

describe('the effective timeline', () => {
  it('equals its definition (a fold of all events per date), folding only roll events and only what follows a late one', () => {
    fc.assert(
      fc.property(backdated, (history) => {
        expect(effectiveTimeline(history)).toEqual(timelineByDefinition(history));
      }),
      { numRuns: 60, seed: 20261129 },
    );
  });
});
