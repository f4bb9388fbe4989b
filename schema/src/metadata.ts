import { z } from 'zod';
import { EffectiveDate, PlainText, Uuid } from './values.js';

export const Role = z.enum(['clerk', 'evaluator', 'assessor', 'admin', 'system']);
export type Role = z.infer<typeof Role>;

/** Who did it. Always taken from the caller's verified identity, never from command input. */
export const Actor = z
  .object({
    id: PlainText.min(1, 'must not be empty').max(128),
    role: Role,
    /** Organisational unit the actor acts for: an area code or a unit's name. */
    unit: PlainText.min(1, 'must not be empty').max(128),
  })
  .strict();
export type Actor = z.infer<typeof Actor>;

/**
 * Metadata every stored event carries. `recordedAt` is not here: the event store stamps
 * it, so no client can back-date the system clock.
 */
export const EventMetadata = z
  .object({
    actor: Actor,
    /** Business date the change takes effect (an exit effective 2019-12-31 may be recorded later). */
    effectiveAt: EffectiveDate,
    reason: PlainText.max(4000).optional(),
    correlationId: Uuid,
    causationId: Uuid.optional(),
    commandId: PlainText.min(1).max(200).optional(),
    /** Version of the event's data schema, for upcasting; absent means 1. */
    schemaVersion: z.number().int().min(1).optional(),
  })
  .strict();
export type EventMetadata = z.infer<typeof EventMetadata>;
