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
  'risk_alert',
  'alert_verification',
  'monitoring_decision',
  'elimination_proposal',
  'elimination_approval',
]);
export type Duty = z.infer<typeof Duty>;
const Level = z.enum(['province', 'city', 'county', 'township', 'village']);

const Province = z.string().regex(/^\d{2}$/, 'must be a 2-digit province code');

/**
 * 防返贫动态监测: the regime a county has lived in since the end of 建档立卡 (2021 on), as data.
 * From `from`, new households enter through monitoring (风险预警 → 入户核实 → 识别认定) and an
 * application for 建档立卡 is refused. A province records its own values in a policy version.
 */
export const MonitoringRegime = z
  .object({
    /** From this date new households enter through monitoring, not 建档立卡 registration. */
    from: IsoDate,
    /**
     * 监测标准 (监测范围): income per head (fen) below which a household is in the monitoring
     * range, per year: the national reference.
     */
    standardsFen: z.record(YearKey, Fen),
    /** Provinces (2-digit code) whose own standard replaces the national one in the years listed. */
    provincialStandardsFen: z.record(Province, z.record(YearKey, Fen)),
    /** Days from an alert (the date the risk came to light) to its verification (入户核实). */
    verificationDays: z.number().int().min(1).max(60),
    /** Days from an alert to the county's decision on the household (识别认定). */
    identificationDays: z.number().int().min(1).max(90),
    /** 风险消除: months a household must have been monitored, at least, before its risk is eliminated. */
    eliminationMinMonths: z.number().int().min(0).max(60),
  })
  .strict()
  .refine((m) => m.verificationDays <= m.identificationDays, {
    path: ['verificationDays'],
    message: 'must not exceed identificationDays: the verification is the first step of the identification',
  });
export type MonitoringRegime = z.infer<typeof MonitoringRegime>;

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
  provincialIncomeLinesFen: z.record(Province, z.record(YearKey, Fen)),
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
  /** 防返贫动态监测. Absent: no monitoring regime (a version for replays of 2014–2020 only). */
  monitoring: MonitoringRegime.optional(),
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
    // An alert is recorded where it comes to light: a village's clerk for a self-report or a
    // visit, the county for a department's screening, a petition or an inspection; the
    // verification (入户核实) is the village's and the township's.
    risk_alert: ['village', 'township', 'county'],
    alert_verification: ['village', 'township'],
    // 县级审定 of a monitored household; its 民主评议, 公示 and 乡镇审核 are the village's and
    // township's duties of a registration (village_review, village_notice, township_review).
    monitoring_decision: ['county'],
    // 风险消除: proposed after the village's 入户核实, reviewed and posted in the village,
    // approved by the county ("县级审核批准").
    elimination_proposal: ['village', 'township'],
    elimination_approval: ['county'],
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
    ['township_review', 'monitoring_decision'],
  ],
  // 2% (3% in the western provinces).
  areaExitIncidence: { standard: 0.02, west: 0.03 },
  monitoring: {
    // 2020 was the last year of 建档立卡 identification; from 2021 (巩固拓展脱贫攻坚成果同乡村振兴
    // 有效衔接) households at risk are found and helped through 防止返贫动态监测
    // (../shared/seeds/002: "建立完善易返贫致贫人口快速发现和响应机制").
    from: '2021-01-01',
    // 2021: 6,000 yuan, 1.5 times the 2020 line (4,000), as county plans state it ("以脱贫攻坚期
    // 国家扶贫标准的1.5倍为底线(2021年为家庭年人均可支配收入6000元)": 靖边县健全防止返贫动态监测
    // 和帮扶机制实施方案, jingbian.gov.cn). The standard is adjusted each year; the later
    // national values (6,300 in 2022, 6,900 in 2023, 7,300 in 2024) are as widely reported, not
    // checked here against the national notice: a province records its own values, and later
    // years', in a policy version. A year without a value is refused by name, never guessed.
    standardsFen: { '2021': yuan(6000), '2022': yuan(6300), '2023': yuan(6900), '2024': yuan(7300) },
    provincialStandardsFen: {},
    // "从农户申报、干部排查、部门预警等发现风险线索之日起，到完成监测对象识别认定，一般不超过15天"
    // (秦安县, qinan.gov.cn/info/11792/1360362.htm). The days for the verification alone are the
    // registry's default (the guidance sets none apart): a week of the fifteen.
    verificationDays: 7,
    identificationDays: 15,
    // The guidance asks that income be stable above the standard and 两不愁三保障 and 饮水安全 hold
    // ("收入稳定超过当年监测范围、'三保障'和饮水安全持续巩固"); how long "stable" is, it leaves
    // to provinces: the registry's default is six months monitored, at least.
    eliminationMinMonths: 6,
  },
};

/** The monitoring standard (监测标准) of a year in the province of `areaCode`, or undefined when the policy has none. */
export function monitoringStandardFor(policy: Policy, year: number, areaCode: string): IncomeLine | undefined {
  const regime = policy.monitoring;
  if (!regime) return undefined;
  const province = areaCode.slice(0, 2);
  const provincial = regime.provincialStandardsFen[province]?.[String(year)];
  if (provincial !== undefined) return { lineFen: provincial, source: `province ${province}` };
  const national = regime.standardsFen[String(year)];
  return national === undefined ? undefined : { lineFen: national, source: 'national' };
}

/** The monitoring regime in force on a date, or undefined before it (or where the policy has none). */
export function monitoringRegimeOn(policy: Policy, date: string): MonitoringRegime | undefined {
  return policy.monitoring && policy.monitoring.from <= date ? policy.monitoring : undefined;
}

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
