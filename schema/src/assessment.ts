import { z } from 'zod';
import { LivingConditions } from './household.js';
import {
  AreaCode,
  CommandId,
  EffectiveDate,
  Fen,
  IsoDate,
  NationalId,
  PlainText,
  Uuid,
  VillageCode,
  Year,
} from './values.js';

/**
 * Third-party assessment (第三方评估) of an area's exit: an assessment's own stream
 * (`assessment-<id>`) holds its opening, its draw and its on-site findings. The registry is
 * read as it stood at the cut-off, as known when the assessment opened; the draw records what
 * it read, so the results are a function of the assessment's events alone.
 */
export const ASSESSMENT_STREAM_PREFIX = 'assessment-';
export const assessmentStream = (assessmentId: string): string => `${ASSESSMENT_STREAM_PREFIX}${assessmentId}`;

/** Households sampled from the registry by their status at the cut-off, and those outside it found on site. */
export const Stratum = z.enum(['exited', 'registered', 'outside']);
export type Stratum = z.infer<typeof Stratum>;

/** Villages are drawn among poor villages (贫困村) and the others. */
export const VillageStratum = z.enum(['poor', 'other']);
export type VillageStratum = z.infer<typeof VillageStratum>;

/** The assessor's verdict on a surveyed household; which verdicts fit depends on its stratum. */
export const Verdict = z.enum([
  'correctly_exited',
  'wrongly_exited',
  'correctly_registered',
  'wrongly_included',
  'omitted',
  'not_poor',
]);
export type Verdict = z.infer<typeof Verdict>;

export const VERDICTS_OF_STRATUM: Record<Stratum, readonly Verdict[]> = {
  exited: ['correctly_exited', 'wrongly_exited'],
  registered: ['correctly_registered', 'wrongly_included'],
  outside: ['omitted', 'not_poor'],
};

const count = (max: number) =>
  z.number('must be a number').int('must be a whole number').min(0, 'must not be negative').max(max);

export const SampleSizes = z
  .object({
    poorVillages: count(500),
    otherVillages: count(500),
    /** Per sampled village, households exited by the cut-off. */
    exitedPerVillage: count(1000),
    /** Per sampled village, households registered and not exited at the cut-off. */
    registeredPerVillage: count(1000),
  })
  .strict();
export type SampleSizes = z.infer<typeof SampleSizes>;

/** The published exit thresholds: incidence below 2% (3% in the west), wrong exits and omissions below 2%, approval at least 90%. */
export function assessmentThresholds(west: boolean) {
  return { incidence: west ? 0.03 : 0.02, wrongExit: 0.02, omission: 0.02, approval: 0.9 } as const;
}

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest: 64 lower-case hex digits');
export const Seed = PlainText.min(16, 'must be at least 16 characters, so it cannot be guessed').max(200);

/** Registry people counted at the cut-off, as known when the assessment opened. */
export const RegistryCounts = z
  .object({
    /** Rural registered population (农村户籍人口) of the year, as known then; null when never recorded. */
    population: z.number().int().min(0).nullable(),
    /** People in households registered or returned (on the roll, not exited). */
    registeredPeople: z.number().int().min(0),
    exitedPeople: z.number().int().min(0),
    /** People in households ever carded and still on file: registered, returned or exited. */
    cardedPeople: z.number().int().min(0),
  })
  .strict();
export type RegistryCounts = z.infer<typeof RegistryCounts>;

export const SampledHousehold = z
  .object({ householdId: Uuid, villageCode: VillageCode, stratum: Stratum, people: z.number().int().min(0) })
  .strict();
export type SampledHousehold = z.infer<typeof SampledHousehold>;

export const AssessmentEvents = {
  AssessmentOpened: z
    .object({
      assessmentId: Uuid,
      title: PlainText.min(1).max(200),
      areaCode: AreaCode,
      year: Year,
      cutoff: IsoDate,
      /** System time the registry is read as known at: fixed when the assessment opens. */
      knownAt: z.iso.datetime({ offset: true }),
      seedCommitment: Sha256Hex,
      sizes: SampleSizes,
      poorVillageCodes: z.array(VillageCode).max(5000),
      west: z.boolean(),
    })
    .strict(),
  SampleDrawn: z
    .object({
      seed: Seed,
      /** SHA-256 of the sampling frame (villages and households by stratum), for anyone redrawing. */
      frameDigest: Sha256Hex,
      frameSize: z
        .object({ villages: z.number().int(), exited: z.number().int(), registered: z.number().int() })
        .strict(),
      villages: z.array(
        z.object({ villageCode: VillageCode, stratum: VillageStratum, counts: RegistryCounts }).strict(),
      ),
      households: z.array(SampledHousehold),
      area: RegistryCounts,
      /**
       * The tamper-evident log's head signed when the sample was drawn (docs/log.md): every event
       * known at the assessment's knownAt is a leaf under it, so each household drawn, and each
       * event its answer rests on, can be proved in the log as it stood. Absent on draws made
       * before the log was sealed.
       */
      logHead: z
        .object({
          treeSize: z.number().int().min(0),
          rootHash: Sha256Hex,
          signedAt: z.iso.datetime({ offset: true }),
          keyId: z.string().regex(/^[0-9a-f]{16}$/),
          signature: z.string().min(1).max(200),
        })
        .strict()
        .optional(),
    })
    .strict(),
  FindingRecorded: z
    .object({
      findingId: Uuid,
      stratum: Stratum,
      villageCode: VillageCode,
      /** A sampled registry household, or absent for one outside the registry. */
      householdId: Uuid.optional(),
      /** The assessor's label of a household outside the registry (e.g. 三组-12), unique in its village. */
      label: PlainText.min(1).max(100).optional(),
      headName: PlainText.min(1).max(100).optional(),
      headNationalId: NationalId.optional(),
      people: z.number().int().min(1).max(100),
      incomePerCapitaFen: Fen,
      conditions: LivingConditions,
      verdict: Verdict,
      approves: z.boolean().nullable(),
      notes: PlainText.max(4000).optional(),
    })
    .strict(),
} as const;
export type AssessmentEventType = keyof typeof AssessmentEvents;
export type AssessmentOpened = z.infer<(typeof AssessmentEvents)['AssessmentOpened']>;
export type SampleDrawn = z.infer<(typeof AssessmentEvents)['SampleDrawn']>;
export type FindingRecorded = z.infer<(typeof AssessmentEvents)['FindingRecorded']>;
export const ASSESSMENT_EVENT_TYPES = Object.keys(AssessmentEvents) as AssessmentEventType[];

const Envelope = {
  commandId: CommandId,
  assessmentId: Uuid,
  reason: PlainText.max(2000).optional(),
};

export const AssessmentCommands = {
  OpenAssessment: z
    .object({
      ...Envelope,
      title: PlainText.min(1, 'must not be empty').max(200),
      areaCode: AreaCode.refine(
        (c) => c.slice(9) === '000',
        'must be a county, township or larger area, not a village',
      ),
      year: Year,
      cutoff: EffectiveDate,
      seedCommitment: Sha256Hex,
      sizes: SampleSizes,
      poorVillageCodes: z.array(VillageCode).max(5000).default([]),
      west: z.boolean().default(false),
    })
    .strict(),
  DrawSample: z.object({ ...Envelope, seed: Seed }).strict(),
  RecordFinding: z
    .object({
      ...Envelope,
      surveyedOn: EffectiveDate,
      householdId: Uuid.optional(),
      outside: z
        .object({
          villageCode: VillageCode,
          label: PlainText.min(1, 'must not be empty').max(100),
          headName: PlainText.min(1).max(100).optional(),
          headNationalId: NationalId.optional(),
          people: z.number('must be a number').int().min(1, 'must be at least 1').max(100),
        })
        .strict()
        .optional(),
      incomePerCapitaFen: Fen,
      conditions: LivingConditions,
      verdict: Verdict,
      approves: z.boolean().nullable().default(null),
      notes: PlainText.max(4000).optional(),
    })
    .strict()
    .refine((c) => (c.householdId === undefined) !== (c.outside === undefined), {
      message: 'give either householdId (a sampled registry household) or outside (one found on site), not both',
      path: ['householdId'],
    }),
} as const;
export type AssessmentCommandType = keyof typeof AssessmentCommands;
export type OpenAssessment = z.infer<(typeof AssessmentCommands)['OpenAssessment']>;
export type DrawSample = z.infer<(typeof AssessmentCommands)['DrawSample']>;
export type RecordFinding = z.infer<(typeof AssessmentCommands)['RecordFinding']>;
