import type { EventFilter, RecordedEvent } from './types.js';

/** Whether an event passes a subscription filter: all given criteria must hold. */
export function matchesFilter(filter: EventFilter | undefined, event: RecordedEvent): boolean {
  if (filter?.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  if (filter?.streamPrefixes && !filter.streamPrefixes.some((prefix) => event.streamName.startsWith(prefix)))
    return false;
  return true;
}
