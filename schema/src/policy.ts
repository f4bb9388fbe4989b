import { z } from 'zod';
import { Fen } from './values.js';

const YearKey = z.string().regex(/^\d{4}$/, 'must be a year');

/**
 * A policy version: the data the rules read. Rules never hard-code a line or a period;
 * "回头看" re-runs them under another version.
 */
export const Policy = z.object({
  id: z.string().min(1),
  description: z.string(),
  /** National poverty line per year, per capita net income, in fen. */
  incomeLinesFen: z.record(YearKey, Fen),
  /** Provinces (2-digit code) whose own line replaces the national one in the years listed. */
  provincialIncomeLinesFen: z.record(z.string().regex(/^\d{2}$/), z.record(YearKey, Fen)),
  /** Length of each public notice (公示), in days. */
  noticeDays: z.number().int().min(1).max(60),
  /** Helpers' visits a household must get per year (one seed says 6, others monthly). */
  minVisitsPerYear: z.number().int().min(0).max(366),
});
export type Policy = z.infer<typeof Policy>;

const yuan = (amount: number) => amount * 100;

/** The national line (2,300 yuan at 2010 prices, in current prices per year) as DOMAIN.md lists it. */
export const NATIONAL_POLICY: Policy = {
  id: 'national-2014',
  description:
    'National poverty line at current prices; Jiangsu (32) uses its provincial line; 7-day notices; 6 visits a year',
  incomeLinesFen: {
    '2014': yuan(2800),
    '2015': yuan(2855),
    '2016': yuan(2952),
    '2017': yuan(3335),
    '2018': yuan(3535),
    '2019': yuan(3747),
    '2020': yuan(4000),
  },
  provincialIncomeLinesFen: {
    // Jiangsu: 4,000 yuan through the 12th five-year plan, 6,000 yuan from 2016.
    '32': {
      '2014': yuan(4000),
      '2015': yuan(4000),
      '2016': yuan(6000),
      '2017': yuan(6000),
      '2018': yuan(6000),
      '2019': yuan(6000),
      '2020': yuan(6000),
    },
  },
  noticeDays: 7,
  minVisitsPerYear: 6,
};

export interface IncomeLine {
  lineFen: number;
  source: 'national' | `province ${string}`;
}

/** The line that applies to a year in the province of `areaCode`, or undefined when the policy has none. */
export function incomeLineFor(policy: Policy, year: number, areaCode: string): IncomeLine | undefined {
  const province = areaCode.slice(0, 2);
  const provincial = policy.provincialIncomeLinesFen[province]?.[String(year)];
  if (provincial !== undefined) return { lineFen: provincial, source: `province ${province}` };
  const national = policy.incomeLinesFen[String(year)];
  return national === undefined ? undefined : { lineFen: national, source: 'national' };
}
