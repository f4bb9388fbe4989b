import type { EventToAppend, RecordedEvent } from '@registry/eventstore';
import {
  type Actor,
  type CommandEnvelope,
  HOUSEHOLD_STREAM_PREFIX,
  type HouseholdEvent,
  HouseholdEvents,
  parseHouseholdEvent,
} from '@registry/schema';
import { commandMetadata } from './envelope.js';
import { foldEvents, foldHistory, type HistoryEvent } from './fold.js';
import { deriveId } from './ids.js';
import type { HouseholdState } from './state.js';

/** Between the event store's records and a household's history, both ways. */

/** Turns a stored event of a household stream into a history event; refuses what is not one. */
export function toHistoryEvent(recorded: RecordedEvent): HistoryEvent {
  if (!recorded.streamName.startsWith(HOUSEHOLD_STREAM_PREFIX)) {
    throw new Error(`${recorded.streamName} is not a household stream`);
  }
  const event = parseHouseholdEvent(recorded.type, recorded.data, recorded.metadata.schemaVersion ?? 1);
  // Spelled out rather than spread: `{ ...event, ... }` cost five times the parse itself,
  // and every read of a history and every projected event comes through here.
  return {
    type: event.type,
    data: event.data,
    id: recorded.id,
    householdId: recorded.streamName.slice(HOUSEHOLD_STREAM_PREFIX.length),
    revision: recorded.revision,
    position: recorded.position,
    effectiveAt: recorded.metadata.effectiveAt,
    recordedAt: recorded.recordedAt,
    metadata: recorded.metadata,
  } as HistoryEvent;
}

/**
 * The events a decided command appends: ids derived from the command id (a retry appends the
 * same), and the metadata every event carries. Shared with bulk loaders that decide in memory.
 */
export function eventsToAppend(
  envelope: CommandEnvelope,
  decided: readonly HouseholdEvent[],
  actor: Actor,
): EventToAppend[] {
  const metadata = commandMetadata(envelope, actor);
  return decided.map((event, i) => ({
    id: deriveId(envelope.commandId, `event-${i}`),
    type: event.type,
    data: event.data as EventToAppend['data'],
    metadata: { ...metadata, schemaVersion: HouseholdEvents[event.type].version },
  }));
}

/**
 * The state the appended events would make: the household the guard checks after the
 * command. A correction changes the past, so it refolds the whole history.
 */
export function stateAfter(
  history: HistoryEvent[],
  state: HouseholdState,
  toAppend: EventToAppend[],
  householdId: string,
): HouseholdState {
  const pending = toAppend.map(
    (e, i) =>
      ({
        type: e.type,
        data: e.data,
        id: e.id,
        householdId,
        revision: history.length + i,
        position: '',
        effectiveAt: e.metadata.effectiveAt,
        recordedAt: '',
        metadata: e.metadata,
      }) as HistoryEvent,
  );
  return pending.some((e) => e.type === 'EventCorrected')
    ? foldHistory([...history, ...pending])
    : foldEvents(pending, state);
}

/** An event just appended, as a read of the stream would give it. */
export function recordedAs(
  event: EventToAppend,
  streamName: string,
  revision: number,
  placed: { position: string; recordedAt: string } | undefined,
): HistoryEvent {
  if (!placed) throw new Error(`${streamName}@${revision}: the store did not say where the event landed`);
  return toHistoryEvent({ ...event, streamName, revision, position: placed.position, recordedAt: placed.recordedAt });
}
