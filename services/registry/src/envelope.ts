import { chinaDate } from '@registry/schema';
import type { z } from 'zod';
import { type FieldIssue, ValidationError } from './errors.js';

/** The checks of a command's envelope that its schema cannot make, and how issues are named. */

export function issues(error: z.ZodError, prefix: string): FieldIssue[] {
  return error.issues.map((i) => ({ path: [prefix, ...i.path].filter((p) => p !== '').join('.'), message: i.message }));
}

/** A command id already used for a different command (on another household, or another command). */
export function commandIdTaken(): ValidationError {
  return new ValidationError([
    { path: 'commandId', message: 'was already used for a different command; every command needs a new id' },
  ]);
}

/**
 * Refuses an effective date after today in China (UTC+8): the registry records what has
 * taken effect, and a date ahead would count in indicators before it happens.
 */
export function futureDate(date: string, now: Date, path: string): FieldIssue[] {
  const today = chinaDate(now);
  return date > today ? [{ path, message: `must not be in the future (today is ${today}, China Standard Time)` }] : [];
}
