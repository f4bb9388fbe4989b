import { createHash } from 'node:crypto';
import type { EventToAppend, RecordedEvent } from '@registry/eventstore';
import { CLAIM_STREAM_PREFIX, type ClaimKind, type EventMetadata, parseClaimEvent } from '@registry/schema';
import { RuleViolation } from './errors.js';
import { deriveId } from './ids.js';
import type { HouseholdState, Status } from './state.js';

/**
 * One person, one open household; one card number, one household. Each key has a claim stream
 * (`claim-person-…`, `claim-card-…`) whose last event names the household that holds it. A
 * command that makes its household take a key appends `KeyClaimed` at the claim stream's
 * revision as read, so two households taking the same key at the same instant cannot both win:
 * the second append finds the stream moved, reads again, and is refused. A household that
 * lets a key go (a member leaves, the household is closed) appends `KeyReleased`.
 *
 * Where the store appends to several streams in one transaction (PostgreSQL), claims,
 * household events and releases land together or not at all. Where it cannot (EventStoreDB),
 * claims are appended first, then the household's events, then releases; a claim whose
 * household never took the key (the household's append failed) is stale: it is honoured for a
 * lease, then anyone may take the key over. The holder's own stream is the truth: a claim
 * counts only while its household holds the key.
 */

/** A key and its claim stream. `value` is the normalised key (never stored in the log). */
export interface Key {
  kind: ClaimKind;
  value: string;
  stream: string;
}

/** Households in these statuses hold none of their members' ID numbers. */
const CLOSED: ReadonlySet<Status> = new Set(['none', 'rejected', 'removed', 'decreased']);

const normalise = (kind: ClaimKind, value: string) => (kind === 'card' ? value.toUpperCase() : value);

export function claimStream(kind: ClaimKind, value: string): string {
  const digest = createHash('sha256')
    .update(`${kind}\u0000${normalise(kind, value)}`)
    .digest('hex');
  return `${CLAIM_STREAM_PREFIX}${kind}-${digest.slice(0, 40)}`;
}

const key = (kind: ClaimKind, value: string): Key => ({
  kind,
  value: normalise(kind, value),
  stream: claimStream(kind, value),
});

/**
 * The keys a household holds as its state stands: its members' ID numbers while it is open
 * (an exited household is open: it stays carded and may fall back), and its card number for
 * good once issued (a removed household's number is not given to another).
 */
export function heldKeys(state: HouseholdState): Map<string, Key> {
  const keys = new Map<string, Key>();
  for (const [kind, value] of held(state).values()) {
    const k = key(kind, value);
    keys.set(k.stream, k);
  }
  return keys;
}

/** The keys held, by kind and normalised value: no digest taken (commands compare them on every run). */
function held(state: HouseholdState): Map<string, [ClaimKind, string]> {
  const keys = new Map<string, [ClaimKind, string]>();
  if (!CLOSED.has(state.status)) {
    for (const m of Object.values(state.members)) keys.set(`person\u0000${m.nationalId}`, ['person', m.nationalId]);
  }
  const card = state.registration?.cardNumber;
  if (card) keys.set(`card\u0000${normalise('card', card)}`, ['card', card]);
  return keys;
}

/** What a command changes in the keys its household holds; only those changed get their stream's digest. */
export function keyChanges(before: HouseholdState, after: HouseholdState): { claim: Key[]; release: Key[] } {
  const was = held(before);
  const now = held(after);
  const only = (a: Map<string, [ClaimKind, string]>, b: Map<string, [ClaimKind, string]>) =>
    [...a].filter(([k]) => !b.has(k)).map(([, [kind, value]]) => key(kind, value));
  return { claim: only(now, was), release: only(was, now) };
}

/** A claim stream as read: its last revision, and who holds the key since when (none after a release). */
export interface ClaimHead {
  revision: number;
  holder?: string;
  since?: string;
}

export function claimHead(events: readonly RecordedEvent[]): ClaimHead {
  const last = events[events.length - 1];
  if (!last) return { revision: -1 };
  const event = parseClaimEvent(last.type, last.data);
  return event.type === 'KeyClaimed'
    ? { revision: last.revision, holder: event.data.householdId, since: last.recordedAt }
    : { revision: last.revision };
}

/** The claim or release a command appends for a key: its id derived from the command, so a retry appends the same. */
export function claimEvent(
  type: 'KeyClaimed' | 'KeyReleased',
  k: Key,
  householdId: string,
  metadata: EventMetadata,
): EventToAppend {
  const commandId = metadata.commandId ?? metadata.correlationId;
  return {
    id: deriveId(commandId, `${type}:${k.stream}`),
    type,
    data: { kind: k.kind, householdId },
    metadata: { ...metadata, schemaVersion: 1 },
  };
}

/** Where in a command's data a key's value was given (e.g. `members.2.nationalId`), to name the field refused. */
export function pathOf(data: unknown, k: Key, prefix: string[] = []): string | undefined {
  if (typeof data === 'string') return normalise(k.kind, data) === k.value ? prefix.join('.') : undefined;
  if (data === null || typeof data !== 'object') return undefined;
  for (const [name, value] of Object.entries(data)) {
    const found = pathOf(value, k, [...prefix, name]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The refusal for a key another household holds: that household's card number and village
 * when the caller may see it, "another area" otherwise (nothing about it leaks).
 */
export function keyTaken(
  k: Key,
  field: string,
  holderId: string,
  holder: HouseholdState,
  canSee: ((villageCode: string) => boolean) | undefined,
): RuleViolation {
  const village = holder.household?.villageCode;
  const visible = village !== undefined && (canSee?.(village) ?? true);
  const facts = visible
    ? {
        field,
        householdId: holderId,
        villageCode: village,
        ...(holder.registration?.cardNumber ? { cardNumber: holder.registration.cardNumber } : {}),
        status: holder.status,
      }
    : { field, otherArea: true };
  const whose = visible
    ? `household ${holderId} (village ${village}${holder.registration ? `, card ${holder.registration.cardNumber}` : ''})`
    : 'a household in another area';
  return k.kind === 'person'
    ? new RuleViolation(
        'NATIONAL_ID_IN_OTHER_HOUSEHOLD',
        `${field}: this national ID number belongs to ${whose}, which is still open; move the person between households instead`,
        facts,
      )
    : new RuleViolation('CARD_NUMBER_TAKEN', `${field}: this card number was issued to ${whose}`, facts);
}
