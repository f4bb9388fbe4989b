import type { EventMetadata, HouseholdEvent, HouseholdEventData } from '@registry/schema';
import { type DomainEvent, evolve } from './evolve.js';
import { type HouseholdState, initialState } from './state.js';

/** A household event as stored: the parsed event with its place in the stream and both clocks. */
export type HistoryEvent = HouseholdEvent & {
  id: string;
  householdId: string;
  revision: number;
  position: string;
  effectiveAt: string;
  recordedAt: string;
  metadata: EventMetadata;
};

/**
 * The history the fold reads: every correction in `events` applied to the event it names
 * (data replaced, or the event dropped when voided); corrections themselves drop out.
 * The latest correction of an event wins. Nothing stored is changed.
 */
export function applyCorrections<E extends HistoryEvent>(events: readonly E[]): E[] {
  const corrections = new Map<string, HouseholdEventData<'EventCorrected'>>();
  for (const e of events) if (e.type === 'EventCorrected') corrections.set(e.data.correctedEventId, e.data);
  if (corrections.size === 0) return events.filter((e) => e.type !== 'EventCorrected');
  const result: E[] = [];
  for (const e of events) {
    if (e.type === 'EventCorrected') continue;
    const correction = corrections.get(e.id);
    if (!correction) result.push(e);
    else if (correction.action === 'replace') result.push({ ...e, data: correction.replacementData } as E);
  }
  return result;
}

export function foldEvents(events: Iterable<DomainEvent>, from: HouseholdState = initialState()): HouseholdState {
  let state = from;
  for (const e of events) state = evolve(state, e);
  return state;
}

/** The state after the whole history, corrections applied. */
export function foldHistory(events: readonly HistoryEvent[]): HouseholdState {
  return foldEvents(applyCorrections(events));
}

/** The state after the event at `revision` (as recorded up to then, with the corrections known then). */
export function stateAtRevision(events: readonly HistoryEvent[], revision: number): HouseholdState {
  return foldHistory(events.filter((e) => e.revision <= revision));
}

/**
 * The household as effective on `effectiveOn` (a business date), as known at `knownAt`
 * (a system time): only what was recorded by `knownAt`, corrections included, and of that
 * only what had taken effect by `effectiveOn`. The same arguments always give the same state.
 */
export function stateAsOf(events: readonly HistoryEvent[], effectiveOn: string, knownAt: string): HouseholdState {
  const known = events.slice(0, knownCount(events, knownAt));
  return foldEvents(applyCorrections(known).filter((e) => e.effectiveAt <= effectiveOn));
}

/**
 * How many of a stream's first events were recorded by `knownAt`. A store's clock need not
 * increase along a stream (EventStoreDB stamps events with the leader's clock, which a
 * failover can set back), so an event counts as recorded no earlier than the one before it:
 * what was known at a time is always a prefix of the stream, as the read models keep it.
 */
export function knownCount(events: readonly HistoryEvent[], knownAt: string): number {
  let clock = '';
  for (let i = 0; i < events.length; i++) {
    const recordedAt = (events[i] as HistoryEvent).recordedAt;
    if (recordedAt > clock) clock = recordedAt;
    if (clock > knownAt) return i;
  }
  return events.length;
}

export interface TimelineEntry {
  event: HistoryEvent;
  state: HouseholdState;
}

/** The state after each event, for evaluators: what the registry showed at every step. */
export function timeline(events: readonly HistoryEvent[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let state = initialState();
  events.forEach((event, i) => {
    // A correction changes the past: refold; any other event just moves the state on.
    state = event.type === 'EventCorrected' ? foldHistory(events.slice(0, i + 1)) : evolve(state, event);
    entries.push({ event, state });
  });
  return entries;
}
