import canonicalize from 'canonicalize';
import type { RecordedEvent } from '../types.js';
import { type Hash, leafHash } from './merkle.js';

/**
 * An event as the tamper-evident log seals it: every stored field (its place in the log, its
 * stream and revision, id, type, data, metadata and recording time) and the hash of the
 * previous event of its stream, as RFC 8785 canonical JSON (keys sorted, numbers and strings
 * in one spelling), UTF-8. Its leaf hash (merkle.ts) is the event's hash: it chains the
 * stream (each event names its predecessor's) and is the event's leaf in the log's tree.
 */
export function entryBytes(event: RecordedEvent, prev: Hash | null): Buffer {
  const text = canonicalize({
    position: event.position,
    stream: event.streamName,
    revision: event.revision,
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
    prev: prev ? prev.toString('hex') : null,
  });
  if (text === undefined) throw new Error(`event ${event.id} has no canonical JSON form`);
  return Buffer.from(text, 'utf8');
}

export function eventHash(event: RecordedEvent, prev: Hash | null): Hash {
  return leafHash(entryBytes(event, prev));
}

/**
 * The events' hashes in log order, each chained to its stream's previous one: `previous`
 * answers for streams whose earlier events came before these (and is told each new hash).
 */
export class StreamChains {
  private readonly last = new Map<string, { revision: number; hash: Hash }>();

  /** The hash of `event`, and its predecessor's (null for a stream's first event). */
  next(event: RecordedEvent, earlier?: Hash | null): { hash: Hash; prev: Hash | null } {
    const known = this.last.get(event.streamName);
    const prev = known && known.revision === event.revision - 1 ? known.hash : (earlier ?? null);
    const hash = eventHash(event, event.revision === 0 ? null : prev);
    this.last.set(event.streamName, { revision: event.revision, hash });
    return { hash, prev: event.revision === 0 ? null : prev };
  }

  /** Whether the stream's previous event was seen in this walk. */
  knows(event: RecordedEvent): boolean {
    return event.revision === 0 || this.last.get(event.streamName)?.revision === event.revision - 1;
  }
}
