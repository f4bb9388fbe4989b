import { z } from 'zod';

/** A calendar date `YYYY-MM-DD` that exists (no 2019-02-30). Business dates are days, not instants. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a calendar date YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'must be a date that exists in the calendar');
export type IsoDate = z.infer<typeof IsoDate>;

export const Uuid = z.uuid('must be a UUID');
