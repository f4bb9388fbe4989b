import { DATE_RANGE } from '@registry/schema';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 instant with its zone, normalised to UTC milliseconds, within the registry's
 * dates (so PostgreSQL and `toISOString` both hold it); or why not.
 */
export function toInstant(value: unknown): { iso: string } | { problem: string } {
  const time = typeof value === 'string' && INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) return { problem: 'must be an ISO 8601 instant with a time zone, e.g. 2020-01-01T00:00:00Z' };
  const iso = new Date(time).toISOString();
  if (iso < DATE_RANGE.earliest || iso.slice(0, 10) > DATE_RANGE.latest) {
    return { problem: `must lie between ${DATE_RANGE.earliest} and ${DATE_RANGE.latest}` };
  }
  return { iso };
}
