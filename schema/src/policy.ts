import { z } from 'zod';
import { Text } from './household.js';
import { CommandId, EffectiveDate, Fen, IsoDate } from './values.js';

const YearKey = z.string().regex(/^\d{4}$/, 'must be a year');

/**
 * The steps of the registry that belong to a level of government (村申请、乡审核、县审批): who
 * may record each is policy data.
 */
export const Duty = z.enum([
  'application',
  'village_review',
  'village_notice',
  'township_review',
  'township_notice',
  'data_comparison',
  'county_approval',
  'exit_proposal',
  'exit_confirmation',
  'township_verification',
  'exit_approval',
  'exit_annulment',
  'removal',
  'import',
  'move_out',
  'move_in',
  'poor_village_designation',
  'village_exit_proposal',
  'village_exit_review',
  'village_exit_announcement',
  'county_exit_proposal',
  'county_exit_review',
  'county_exit_announcement',
]);
export type Duty = z.infer<typeof Duty>;
const Level = z.enum(['province', 'city', 'county', 'township', 'village']);

/**
 * A policy version: the data the rules read. Rules never hard-code a line or a period;
 * "回头看" re-runs them under another version.
 */
export const Policy = z.object({
  id: Text(100),
  description: Text(2000),
  /** National poverty line per year, per capita net income, in fen. */
  incomeLinesFen: z.record(YearKey, Fen),
  /** Provinces (2-digit code) whose own line replaces the national one in the years listed. */
  provincialIncomeLinesFen: z.record(z.string().regex(/^\d{2}$/), z.record(YearKey, Fen)),
  /** Length of each public notice (公示), in days. */
  noticeDays: z.number().int().min(1).max(60),
  /** Helpers' visits a household must get per year (one seed says 6, others monthly). */
  minVisitsPerYear: z.number().int().min(0).max(366),
  /**
   * The area levels whose clerks may record each duty; a duty not listed is open to every
   * level. Absent: no level rule (a policy for replays of exits only).
   */
  dutyLevels: z.partialRecord(Duty, z.array(Level).min(1)).optional(),
  /** Pairs of duties one person may not both record in one case (a review and its approval). */
  separateDuties: z.array(z.tuple([Duty, Duty])).optional(),
  /** A poor village or county exits with poverty incidence below this (贫困发生率; the west its own). */
  areaExitIncidence: z.object({ standard: z.number().gt(0).lt(1), west: z.number().gt(0).lt(1) }).strict(),
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
  // 村申请、乡审核、县审批: the village records the application, its review and notice (and
  // an exit's proposal and signatures); the township its review, notice and an exit's
  // verification; the county the data comparison, approvals and removals.
  dutyLevels: {
    application: ['village'],
    village_review: ['village'],
    village_notice: ['village'],
    exit_proposal: ['village'],
    exit_confirmation: ['village'],
    township_review: ['township'],
    township_notice: ['township'],
    township_verification: ['township'],
    data_comparison: ['county'],
    county_approval: ['county'],
    exit_approval: ['county'],
    exit_annulment: ['county'],
    removal: ['county'],
    import: ['county'],
    // Poor villages are designated and exit at the county (the township proposes); a county's
    // exit (摘帽) is proposed by the county and reviewed and announced by the province.
    // A move (and a relocation) is proposed where the household lives and accepted where it goes.
    move_out: ['township', 'county'],
    move_in: ['township', 'county'],
    poor_village_designation: ['county'],
    village_exit_proposal: ['township'],
    village_exit_review: ['county'],
    village_exit_announcement: ['county'],
    county_exit_proposal: ['county'],
    county_exit_review: ['province'],
    county_exit_announcement: ['province'],
  },
  separateDuties: [
    ['township_review', 'county_approval'],
    ['township_verification', 'exit_approval'],
  ],
  // 2% (3% in the western provinces).
  areaExitIncidence: { standard: 0.02, west: 0.03 },
};

/** The stream of policy versions (one for the registry). */
export const POLICY_STREAM = 'policy';

/**
 * Policy recorded as events: each version whole, effective from a date, by an admin with a
 * reason. The rules of a command read the version in force on its effective date; 回头看
 * replays read the versions too.
 */
export const PolicyEvents = {
  PolicyVersionRecorded: {
    type: 'PolicyVersionRecorded',
    version: 1 as number,
    description:
      'A policy version (income lines, notice days, visit minimum, level rules, exit thresholds) in force from the effective date until the next version’s.',
    schema: z.object({ policy: Policy, effectiveFrom: IsoDate }).strict(),
  },
} as const;

/** `recordPolicyVersion`: an admin records a version, effective from a date. */
export const RecordPolicyVersion = z
  .object({
    commandId: CommandId,
    // Checked here, not left to the store's last guard: a bad value is a named refusal.
    effectiveFrom: EffectiveDate,
    reason: Text(500),
    policy: Policy,
  })
  .strict();
export type RecordPolicyVersion = z.infer<typeof RecordPolicyVersion>;

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
