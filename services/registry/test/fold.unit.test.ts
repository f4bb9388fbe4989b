import { describe, expect, it } from 'vitest';
import { type HistoryEvent, knownCount, stateAsOf, stateAtRevision, timeline } from '../src/fold.js';
import { exited, history } from './fixtures.js';

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
