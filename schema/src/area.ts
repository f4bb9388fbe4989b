import { z } from 'zod';
import { AreaCode, CommandId, EffectiveDate, PlainText, Year } from './values.js';

/**
 * Reference data per area, in `area-<code>` streams: what assessors need beside the
 * households themselves. Recorded as events like everything else, so it has a history too.
 */
export const AreaEvents = {
  RuralPopulationRecorded: {
    type: 'RuralPopulationRecorded',
    version: 1 as number,
    description:
      'The rural registered population (农村户籍人口) of an area for a year: the denominator of poverty incidence.',
    schema: z.object({ areaCode: AreaCode, year: Year, population: z.number().int().min(0).max(100_000_000) }).strict(),
  },
} as const;

export const RecordRuralPopulation = z
  .object({
    commandId: CommandId,
    areaCode: AreaCode,
    year: Year,
    population: z.number('must be a number of people').int('must be a whole number of people').min(0).max(100_000_000),
    effectiveAt: EffectiveDate,
    reason: PlainText.max(2000).optional(),
  })
  .strict();
export type RecordRuralPopulation = z.infer<typeof RecordRuralPopulation>;

export const AREA_STREAM_PREFIX = 'area-';
export const areaStream = (areaCode: string): string => `${AREA_STREAM_PREFIX}${areaCode}`;
