import { z } from 'zod';
import {
  AreaCode,
  AreaName,
  areaLevelOf,
  CommandId,
  EffectiveDate,
  PlainText,
  Uuid,
  VillageCode,
  Year,
} from './values.js';

/** The facts an area's exit rests on, worked out when it is proposed. */
export const AreaExitEvidence = z
  .object({
    /** Registered poor people (on the roll, not exited) ÷ rural population, on 31 December of the year, as known at knownAt. */
    incidence: z.number().min(0).nullable(),
    registeredPeople: z.number().int().min(0),
    ruralPopulation: z.number().int().min(0).nullable(),
    threshold: z.number().min(0).max(1),
    knownAt: z.iso.datetime({ offset: true }),
    /** For a county: the third-party assessment it rests on, and what it recommended. */
    assessmentId: Uuid.optional(),
    assessmentRecommendation: z.string().max(40).optional(),
  })
  .strict();
export type AreaExitEvidence = z.infer<typeof AreaExitEvidence>;

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
  PoorVillageDesignated: {
    type: 'PoorVillageDesignated',
    version: 1 as number,
    description: '建档立卡贫困村: the village was registered as a poor village from the effective date.',
    schema: z.object({ areaCode: VillageCode, year: Year }).strict(),
  },
  AreaExitProposed: {
    type: 'AreaExitProposed',
    version: 1 as number,
    description:
      '贫困村退出 / 贫困县摘帽 proposed for a year, on the evidence of the poverty incidence then (and, for a county, a third-party assessment).',
    schema: z
      .object({
        areaCode: AreaCode,
        year: Year,
        evidence: AreaExitEvidence,
      })
      .strict(),
  },
  AreaExitReviewed: {
    type: 'AreaExitReviewed',
    version: 1 as number,
    description: 'The level above reviewed the proposed exit: approved, or sent back (the proposal closes).',
    schema: z.object({ areaCode: AreaCode, year: Year, approved: z.boolean() }).strict(),
  },
  AreaExitAnnounced: {
    type: 'AreaExitAnnounced',
    version: 1 as number,
    description: '销号 / 摘帽 announced: the area has exited poverty from the effective date.',
    schema: z.object({ areaCode: AreaCode, year: Year }).strict(),
  },
  AreaNamed: {
    type: 'AreaNamed',
    version: 1 as number,
    description:
      "区划更名: the area bears this name from the effective date (renamed, or a code the national register lacks, as after a split). Names as of an earlier date are the register's.",
    schema: z.object({ areaCode: AreaCode, name: AreaName }).strict(),
  },
  AreaMerged: {
    type: 'AreaMerged',
    version: 1 as number,
    description:
      '撤并: the area was merged into another of its level from the effective date; its code is not chosen for new records after.',
    schema: z.object({ areaCode: AreaCode, into: AreaCode }).strict(),
  },
} as const;

export type AreaEventType = keyof typeof AreaEvents;

const AreaCommandEnvelope = {
  commandId: CommandId,
  areaCode: AreaCode,
  effectiveAt: EffectiveDate,
  reason: PlainText.max(2000).optional(),
};

/** Commands on an area's own record: a poor village's designation and an area's exit, step by step. */
export const AreaCommands = {
  DesignatePoorVillage: z.object({ ...AreaCommandEnvelope, areaCode: VillageCode, year: Year }).strict(),
  ProposeAreaExit: z
    .object({ ...AreaCommandEnvelope, year: Year, west: z.boolean().default(false), assessmentId: Uuid.optional() })
    .strict(),
  ReviewAreaExit: z.object({ ...AreaCommandEnvelope, approved: z.boolean() }).strict(),
  AnnounceAreaExit: z.object({ ...AreaCommandEnvelope }).strict(),
} as const;
export type AreaCommandType = keyof typeof AreaCommands;

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

const DivisionEnvelope = {
  commandId: CommandId,
  areaCode: AreaCode,
  effectiveAt: EffectiveDate,
  reason: PlainText.max(2000).optional(),
};

/** Names an area from a date: a renaming, or a code the register lacks (a village split off). */
export const NameArea = z.object({ ...DivisionEnvelope, areaName: AreaName }).strict();
export type NameArea = z.infer<typeof NameArea>;

/** 撤并: merges an area into another of its level from a date. */
export const MergeArea = z
  .object({ ...DivisionEnvelope, into: AreaCode })
  .strict()
  .refine((c) => c.into !== c.areaCode, { path: ['into'], message: 'must be another area than the one merged' })
  .refine((c) => areaLevelOf(c.into) === areaLevelOf(c.areaCode), {
    path: ['into'],
    message: 'must be an area of the same level as the one merged',
  });
export type MergeArea = z.infer<typeof MergeArea>;

export const AREA_STREAM_PREFIX = 'area-';
export const areaStream = (areaCode: string): string => `${AREA_STREAM_PREFIX}${areaCode}`;
