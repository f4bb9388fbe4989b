import { NATIONAL_POLICY, type Policy } from '@registry/schema';
import { describe, expect, it } from 'vitest';
import { applyCorrections, type HistoryEvent, knownCount, stateAsOf, stateAtRevision, timeline } from '../src/fold.js';
import { replayExits } from '../src/replay.js';
import {
  applied,
  assessed,
  cmd,
  exited,
  given,
  HOUSEHOLD_ID,
  head,
  household,
  ids,
  member,
  registered,
  spouse,
  withHelper,
} from './fixtures.js';

const car = { agency: 'vehicles' as const, disqualifying: true, detail: '登记小型轿车一辆' };

describe('return, removal, natural decrease', () => {
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

  it('removes a misidentified household only on a disqualifying finding or a review, with a reason', () => {
    given(registered())
      .when(cmd('RemoveFromRegistry', { evidence: { source: 'data_comparison', finding: car } }), {
        reason: '数据比对发现车辆',
      })
      .thenEmits([{ type: 'RemovedFromRegistry', data: { evidence: { source: 'data_comparison', finding: car } } }]);
    given(registered())
      .when(
        cmd('RemoveFromRegistry', {
          evidence: { source: 'data_comparison', finding: { ...car, disqualifying: false } },
        }),
        { reason: 'x' },
      )
      .thenRefuses('FINDING_NOT_DISQUALIFYING');
    given(registered())
      .when(cmd('RemoveFromRegistry', { evidence: { source: 'review', review: '回头看' } }))
      .thenInvalid('reason');
    given(applied())
      .when(cmd('RemoveFromRegistry', { evidence: { source: 'review', review: '回头看' } }), { reason: 'x' })
      .thenRefuses('STATUS');
  });

  it('records a natural decrease, after which every command is refused', () => {
    given(registered())
      .when(cmd('RecordNaturalDecrease', { reason: 'died_out' }))
      .thenEmits([{ type: 'NaturalDecreaseRecorded', data: { reason: 'died_out' } }]);
    const gone = given(registered(), [
      { type: 'NaturalDecreaseRecorded', data: { reason: 'moved_away' }, effectiveAt: '2020-05-01' },
    ]);
    expect(gone.state.status).toBe('decreased');
    gone.when(cmd('RecordVisit', { notes: 'x' })).thenRefuses('HOUSEHOLD_CLOSED', { decreasedOn: '2020-05-01' });
    gone.when(cmd('ApplyForRegistration', { household: household(), members: [head] })).thenRefuses('HOUSEHOLD_CLOSED');
  });
});

describe('monitoring (防返贫监测)', () => {
  const risks = ['大病医疗支出大'];
  it('records a household never registered together with its monitoring', () => {
    const newHousehold = given()
      .when(
        cmd('StartMonitoring', { category: 'edge_vulnerable', risks, household: household(), members: [head, spouse] }),
      )
      .result();
    expect(newHousehold).toEqual([
      {
        type: 'MonitoringStarted',
        data: {
          householdId: HOUSEHOLD_ID,
          category: 'edge_vulnerable',
          risks,
          household: household(),
          members: [head, spouse],
        },
      },
    ]);
    const state = given([{ ...(newHousehold[0] as object), effectiveAt: '2020-06-01' } as never]).state;
    expect(state).toMatchObject({
      status: 'unregistered',
      monitoring: { category: 'edge_vulnerable', since: '2020-06-01' },
    });
    given()
      .when(cmd('StartMonitoring', { category: 'edge_vulnerable', risks }))
      .thenInvalid('household');
    given(exited())
      .when(cmd('StartMonitoring', { category: 'unstable_exited', risks, household: household(), members: [head] }))
      .thenInvalid('household');
  });

  it('monitors exited households as unstable, never registered poor households, and releases when the risk is eliminated', () => {
    given(exited())
      .when(cmd('StartMonitoring', { category: 'unstable_exited', risks }))
      .thenEmits([
        { type: 'MonitoringStarted', data: { householdId: HOUSEHOLD_ID, category: 'unstable_exited', risks } },
      ]);
    given(registered())
      .when(cmd('StartMonitoring', { category: 'sudden_hardship', risks }))
      .thenRefuses('STATUS');
    given(registered())
      .when(cmd('StartMonitoring', { category: 'unstable_exited', risks }))
      .thenRefuses('STATUS');
    const monitored = given(exited(), [
      {
        type: 'MonitoringStarted',
        data: { householdId: HOUSEHOLD_ID, category: 'unstable_exited', risks },
        effectiveAt: '2020-06-01',
      },
    ]);
    monitored.when(cmd('StartMonitoring', { category: 'sudden_hardship', risks })).thenRefuses('ALREADY_MONITORED');
    monitored
      .when(cmd('EndMonitoring', {}))
      .thenEmits([{ type: 'MonitoringEnded', data: { reason: 'risk_eliminated' } }]);
    given(exited()).when(cmd('EndMonitoring', {})).thenRefuses('NOT_MONITORED');
    const released = given(exited(), [
      {
        type: 'MonitoringStarted',
        data: { householdId: HOUSEHOLD_ID, category: 'unstable_exited', risks },
        effectiveAt: '2020-06-01',
      },
      { type: 'MonitoringEnded', data: { reason: 'risk_eliminated' }, effectiveAt: '2021-01-15' },
    ]).state;
    expect(released.monitoring).toBeUndefined();
    expect(released.monitoringPeriods).toEqual([{ category: 'unstable_exited', from: '2020-06-01', to: '2021-01-15' }]);
  });

  it('lets an unregistered monitored household receive help and apply later', () => {
    const monitored = given([
      {
        type: 'MonitoringStarted',
        data: {
          householdId: HOUSEHOLD_ID,
          category: 'sudden_hardship',
          risks,
          household: household(),
          members: [head],
        },
        effectiveAt: '2020-06-01',
      },
    ]);
    monitored.when(cmd('AssignHelper', { helper: { helperId: 'h', name: '王', unit: '镇' } })).result();
    monitored.when(cmd('ApplyForRegistration', { household: household(), members: [head] })).result();
  });
});

/** A stored history from fixture events: ids, revisions and both clocks. */
function history(
  events: ReturnType<typeof exited>,
  recordedAt = (i: number) => `2020-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00.000Z`,
): HistoryEvent[] {
  return events.map((e, i) => ({
    ...e,
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    revision: i,
    position: String(i).padStart(33, '0'),
    effectiveAt: e.effectiveAt ?? '2019-01-01',
    recordedAt: recordedAt(i),
    metadata: {
      actor: { id: 'c', role: 'clerk', unit: 'u' },
      effectiveAt: e.effectiveAt ?? '2019-01-01',
      correlationId: '00000000-0000-4000-8000-000000000000',
    },
  })) as HistoryEvent[];
}

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

describe('time travel', () => {
  // The exit is effective 2019-12-31 but recorded on 2020-02-10; everything else is recorded on its effective date.
  const events = history(exited(), () => '');
  for (const e of events)
    e.recordedAt = e.type === 'ExitApproved' ? '2020-02-10T09:00:00.000Z' : `${e.effectiveAt}T12:00:00.000Z`;

  it('answers "as effective on D, as known at K" on both clocks', () => {
    expect(stateAsOf(events, '2019-12-31', '2020-01-15T00:00:00.000Z').status).toBe('registered');
    expect(stateAsOf(events, '2019-12-31', '2020-03-01T00:00:00.000Z').status).toBe('exited');
    expect(stateAsOf(events, '2019-12-30', '2020-03-01T00:00:00.000Z').status).toBe('registered');
    expect(stateAsOf(events, '2015-03-05', '2020-03-01T00:00:00.000Z').status).toBe('applicant');
    expect(stateAsOf(events, '2014-12-31', '2020-03-01T00:00:00.000Z').status).toBe('none');
    expect(stateAsOf(events, '2019-12-31', '2020-01-15T00:00:00.000Z')).toEqual(
      stateAsOf(events, '2019-12-31', '2020-01-15T00:00:00.000Z'),
    );
  });

  it('counts an event recorded no earlier than the one before it, when the store’s clock stepped back', () => {
    // EventStoreDB stamps with the leader's clock; after a failover an event can carry an
    // earlier time than the one before it. What was known at a time is a prefix of the stream.
    const stepped = events.map((e) => ({ ...e }));
    const approval = stepped.findIndex((e) => e.type === 'RegistrationApproved');
    (stepped[approval] as HistoryEvent).recordedAt = '2016-01-01T00:00:00.000Z';
    (stepped[approval + 1] as HistoryEvent).recordedAt = '2015-12-31T00:00:00.000Z';
    expect(knownCount(stepped, '2015-12-31T12:00:00.000Z')).toBe(approval);
    expect(knownCount(stepped, '2016-01-01T00:00:00.000Z')).toBe(approval + 2);
    expect(stateAsOf(stepped, '2019-12-31', '2015-12-31T12:00:00.000Z').status).toBe('applicant');
  });

  it('gives the state after each event, ending at the folded state', () => {
    const entries = timeline(events);
    expect(entries).toHaveLength(events.length);
    expect(entries.map((e) => e.state.status)).toContain('applicant');
    expect(entries.at(-1)?.state).toEqual(stateAtRevision(events, events.length - 1));
    expect(entries.find((e) => e.event.type === 'RegistrationApproved')?.state.status).toBe('registered');
  });
});

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

it('members fixture sanity: generated people are valid members', () => {
  expect(() => cmd('AddMember', { member: member(), reason: 'birth' })).not.toThrow();
});
