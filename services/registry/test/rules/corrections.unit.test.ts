import { describe, expect, it } from 'vitest';
import { applyCorrections, type HistoryEvent, stateAtRevision } from '../../src/fold.js';
import { assessed, cmd, given, history, ids, withHelper } from '../fixtures.js';

describe('corrections', () => {
  const base = history([...withHelper(), assessed(2019)]);
  const assessment = base.at(-1) as HistoryEvent;
  const findEvent = (id: string) => base.find((e) => e.id === id);

  it('replaces the data of a correctable event, keeping what it is about', () => {
    const replacement = { ...(assessment.data as object), incomePerCapitaFen: 420_000 };
    given(base)
      .when(cmd('CorrectEvent', { eventId: assessment.id, action: 'replace', replacementData: replacement }), {
        reason: '录入错误',
        findEvent,
      })
      .thenEmits([
        {
          type: 'EventCorrected',
          data: {
            correctedEventId: assessment.id,
            correctedType: 'ConditionsAssessed',
            action: 'replace',
            replacementData: replacement,
            // What stood before, for the audit's before and after.
            previousData: assessment.data,
          },
        },
      ]);
  });

  it('refuses corrections without a reason, of unknown events, of decisions, with invalid data or a changed key', () => {
    const replace = (replacementData: unknown, eventId = assessment.id) =>
      cmd('CorrectEvent', { eventId, action: 'replace', replacementData });
    given(base)
      .when(replace({ ...(assessment.data as object) }), { findEvent })
      .thenInvalid('reason');
    given(base).when(replace({}, ids.measure), { reason: 'x', findEvent }).thenRefuses('NO_SUCH_EVENT');
    const approval = base.find((e) => e.type === 'RegistrationApproved') as HistoryEvent;
    given(base)
      .when(cmd('CorrectEvent', { eventId: approval.id, action: 'void' }), { reason: 'x', findEvent })
      .thenRefuses('NOT_CORRECTABLE');
    const review = base.find((e) => e.type === 'TownshipReviewRecorded') as HistoryEvent;
    given(base)
      .when(replace({ approved: false }, review.id), { reason: 'x', findEvent })
      .thenRefuses('NOT_CORRECTABLE');
    given(base)
      .when(replace({ ...(assessment.data as object), incomePerCapitaFen: -1 }), { reason: 'x', findEvent })
      .thenInvalid('replacementData.incomePerCapitaFen');
    given(base)
      .when(replace({ ...(assessment.data as object), assessmentId: ids.measure }), { reason: 'x', findEvent })
      .thenRefuses('KEY_FIELD_CHANGED');
  });

  it('folds a corrected history as if the event had been right, and a voided one as if absent', () => {
    const corrected = [
      ...base,
      ...history([
        {
          type: 'EventCorrected',
          data: {
            correctedEventId: assessment.id,
            correctedType: 'ConditionsAssessed',
            action: 'replace',
            replacementData: { ...(assessment.data as object), incomePerCapitaFen: 420_000 },
          },
        } as never,
      ]).map((e) => ({ ...e, id: 'c0000000-0000-4000-8000-000000000001', revision: base.length })),
    ];
    expect(applyCorrections(corrected).at(-1)?.data).toMatchObject({ incomePerCapitaFen: 420_000 });
    expect(stateAtRevision(corrected, corrected.length - 1).assessments[0]?.incomePerCapitaFen).toBe(420_000);
    expect(stateAtRevision(corrected, base.length - 1).assessments[0]?.incomePerCapitaFen).toBe(700_000);
    const voided = [
      ...base,
      {
        ...(corrected.at(-1) as HistoryEvent),
        data: { correctedEventId: assessment.id, correctedType: 'ConditionsAssessed', action: 'void' },
      } as HistoryEvent,
    ];
    expect(stateAtRevision(voided, voided.length - 1).assessments).toEqual([]);
  });
});
