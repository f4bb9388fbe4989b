import { z } from 'zod';
import { Uuid } from './values.js';

/**
 * Keys that at most one household may hold: a person's national ID number (while the household
 * is open) and a card number (for good, once issued). Each key has a claim stream whose last
 * event says which household holds it; the stream's name is a digest of the key, so no ID
 * number appears in stream names.
 */
export const ClaimKind = z.enum(['person', 'card']);
export type ClaimKind = z.infer<typeof ClaimKind>;

export const CLAIM_STREAM_PREFIX = 'claim-';

export const ClaimEvents = {
  KeyClaimed: z.object({ kind: ClaimKind, householdId: Uuid }).strict(),
  KeyReleased: z.object({ kind: ClaimKind, householdId: Uuid }).strict(),
} as const;
export type ClaimEventType = keyof typeof ClaimEvents;
export type ClaimEventData = z.infer<(typeof ClaimEvents)['KeyClaimed']>;

/** A claim stream's event, parsed; throws on anything else. */
export function parseClaimEvent(type: string, data: unknown): { type: ClaimEventType; data: ClaimEventData } {
  if (type !== 'KeyClaimed' && type !== 'KeyReleased') throw new Error(`${type} is not a claim event`);
  return { type, data: ClaimEvents[type].parse(data) };
}
