import { type AssessmentState, assessmentBreakdown, assessmentResults, type Finding } from '@registry/registry';
import { maskNationalId, Stratum, Uuid, Verdict, VillageStratum } from '@registry/schema';
import { rectificationList, sampleIdentifiers, verifySample } from '../assessments.js';
import { requireArea, requireRole, withinScope } from '../auth.js';
import { maskName } from '../mask.js';
import { AssessmentResultsType, GroupResultType } from './assessment-results.js';
import { builder } from './builder.js';
import type { Context } from './context.js';
import { enumFor, enumOf } from './enums.js';
import { ActorType } from './event-type.js';
import { knownAtOrNow } from './household.js';
import { LogHeadType } from './log.js';
import { badInput } from './problems.js';

export const VerdictEnum = enumFor(Verdict, 'Verdict');
export const StratumEnum = enumFor(Stratum, 'Stratum');
const VillageStratumEnum = enumFor(VillageStratum, 'VillageStratum');
const RectificationActionEnum = enumOf('RectificationAction', ['annul_exit', 'remove', 'invite_application']);

/** An assessment as its events stood at `asOf`. */
export interface AssessmentAsOf {
  state: AssessmentState;
  asOf: string;
}

/**
 * A head's name or ID number: masked for assessors; read unmasked, recorded under the
 * household (or, for someone found on site and not in the registry, under the finding).
 */
function mask(
  ctx: Context,
  value: string | null | undefined,
  how: (v: string) => string,
  whose: string | null | undefined,
  field: 'name' | 'nationalId',
): string | null {
  if (!value) return null;
  if (ctx.viewer.masked) return how(value);
  ctx.reads.note(whose, field);
  return value;
}

const Sizes = builder.objectRef<AssessmentState['opened']['sizes']>('AssessmentSampleSizes').implement({
  fields: (t) => ({
    poorVillages: t.exposeInt('poorVillages'),
    otherVillages: t.exposeInt('otherVillages'),
    exitedPerVillage: t.exposeInt('exitedPerVillage'),
    registeredPerVillage: t.exposeInt('registeredPerVillage'),
  }),
});

type SampledVillage = NonNullable<AssessmentState['sample']>['villages'][number];
const SampledVillageType = builder.objectRef<SampledVillage>('SampledVillage').implement({
  description: 'A village in the sample, with the registry people and the rural population at the cut-off.',
  fields: (t) => ({
    villageCode: t.exposeString('villageCode'),
    stratum: t.field({ type: VillageStratumEnum, resolve: (v) => v.stratum }),
    ruralPopulation: t.int({ nullable: true, resolve: (v) => v.counts.population }),
    registeredPeople: t.int({ resolve: (v) => v.counts.registeredPeople }),
    exitedPeople: t.int({ resolve: (v) => v.counts.exitedPeople }),
    cardedPeople: t.int({ resolve: (v) => v.counts.cardedPeople }),
  }),
});

type SampledHousehold = NonNullable<AssessmentState['sample']>['households'][number] & { assessment: AssessmentState };
const SampledHouseholdType = builder.objectRef<SampledHousehold>('SampledHousehold').implement({
  description: 'A registry household drawn, with how to find it on site (card number, head: masked for assessors).',
  fields: (t) => ({
    householdId: t.exposeID('householdId'),
    villageCode: t.exposeString('villageCode'),
    stratum: t.field({ type: StratumEnum, resolve: (h) => h.stratum }),
    people: t.exposeInt('people', { description: 'Members at the cut-off.' }),
    cardNumber: t.string({
      nullable: true,
      resolve: async (h, _a, ctx) => (await identifiers(ctx, h.assessment)).get(h.householdId)?.cardNumber ?? null,
    }),
    headName: t.string({
      nullable: true,
      resolve: async (h, _a, ctx) =>
        mask(ctx, (await identifiers(ctx, h.assessment)).get(h.householdId)?.headName, maskName, h.householdId, 'name'),
    }),
    surveyed: t.boolean({ resolve: (h) => h.assessment.findings.has(h.householdId) }),
  }),
});

const identifierCache = new WeakMap<AssessmentState, ReturnType<typeof sampleIdentifiers>>();
function identifiers(ctx: Context, state: AssessmentState): ReturnType<typeof sampleIdentifiers> {
  let cached = identifierCache.get(state);
  if (!cached) {
    cached = sampleIdentifiers(ctx.deps, state);
    identifierCache.set(state, cached);
  }
  return cached;
}

const FrameSize = builder
  .objectRef<NonNullable<AssessmentState['sample']>['frameSize']>('SamplingFrameSize')
  .implement({
    fields: (t) => ({
      villages: t.exposeInt('villages'),
      exited: t.exposeInt('exited'),
      registered: t.exposeInt('registered'),
    }),
  });

const SampleType = builder.objectRef<AssessmentState>('AssessmentSample').implement({
  description:
    'The draw: the revealed seed, the digest of the frame it drew from, and the villages and households drawn. Anyone can redraw it (README: Third-party assessment).',
  fields: (t) => ({
    seed: t.string({ resolve: (s) => s.sample?.seed ?? '' }),
    frameDigest: t.string({ resolve: (s) => s.sample?.frameDigest ?? '' }),
    frameSize: t.field({
      type: FrameSize,
      resolve: (s) => s.sample?.frameSize ?? { villages: 0, exited: 0, registered: 0 },
    }),
    drawnAt: t.field({ type: 'DateTime', resolve: (s) => s.sample?.drawnAt ?? '' }),
    logHead: t.field({
      type: LogHeadType,
      nullable: true,
      description:
        'The tamper-evident log’s head signed at the draw: every event known at knownAt is under it (logInclusionProof with its treeSize).',
      resolve: (s) => {
        const h = s.sample?.logHead;
        return h
          ? { ...h, rootHash: Buffer.from(h.rootHash, 'hex'), signature: Buffer.from(h.signature, 'base64') }
          : null;
      },
    }),
    drawnBy: t.field({ type: ActorType, resolve: (s) => s.sample?.drawnBy ?? s.opened.openedBy }),
    villages: t.field({ type: [SampledVillageType], resolve: (s) => s.sample?.villages ?? [] }),
    households: t.field({
      type: [SampledHouseholdType],
      resolve: (s) => (s.sample?.households ?? []).map((h) => ({ ...h, assessment: s })),
    }),
  }),
});

const ConditionsType = builder.objectRef<Finding['conditions']>('FindingConditions').implement({
  description: '两不愁三保障 and safe drinking water as found on site: true = met.',
  fields: (t) => ({
    food: t.exposeBoolean('food'),
    clothing: t.exposeBoolean('clothing'),
    compulsoryEducation: t.exposeBoolean('compulsoryEducation'),
    basicMedical: t.exposeBoolean('basicMedical'),
    safeHousing: t.exposeBoolean('safeHousing'),
    safeDrinkingWater: t.exposeBoolean('safeDrinkingWater'),
  }),
});

export const FindingType = builder.objectRef<Finding>('AssessmentFinding').implement({
  description: 'What the assessor found at a household: the latest finding stands.',
  fields: (t) => ({
    findingId: t.exposeID('findingId'),
    stratum: t.field({ type: StratumEnum, resolve: (f) => f.stratum }),
    villageCode: t.exposeString('villageCode'),
    householdId: t.id({ nullable: true, resolve: (f) => f.householdId ?? null }),
    label: t.string({ nullable: true, resolve: (f) => f.label ?? null }),
    headName: t.string({
      nullable: true,
      description: 'Masked for assessors.',
      resolve: (f, _a, ctx) => mask(ctx, f.headName, maskName, f.householdId ?? `finding:${f.findingId}`, 'name'),
    }),
    headNationalId: t.string({
      nullable: true,
      description: 'Masked for assessors.',
      resolve: (f, _a, ctx) =>
        mask(ctx, f.headNationalId, maskNationalId, f.householdId ?? `finding:${f.findingId}`, 'nationalId'),
    }),
    people: t.exposeInt('people'),
    incomePerCapitaFen: t.field({ type: 'Fen', resolve: (f) => f.incomePerCapitaFen }),
    conditions: t.field({ type: ConditionsType, resolve: (f) => f.conditions }),
    verdict: t.field({ type: VerdictEnum, resolve: (f) => f.verdict }),
    approves: t.boolean({ nullable: true, resolve: (f) => f.approves }),
    notes: t.string({ nullable: true, resolve: (f) => f.notes ?? null }),
    surveyedOn: t.field({ type: 'Date', resolve: (f) => f.surveyedOn }),
    recordedAt: t.field({ type: 'DateTime', resolve: (f) => f.recordedAt }),
    recordedBy: t.field({ type: ActorType, resolve: (f) => f.actor }),
    replaces: t.exposeInt('replaces', { description: 'Earlier findings on this household it replaced.' }),
  }),
});

const Rectification = builder
  .objectRef<Awaited<ReturnType<typeof rectificationList>>[number]>('RectificationItem')
  .implement({
    description: '整改清单: a finding the county must act on, and whether the registry shows it did.',
    fields: (t) => ({
      finding: t.field({ type: FindingType, resolve: (r) => r.finding }),
      action: t.field({ type: RectificationActionEnum, resolve: (r) => r.action }),
      actedOn: t.exposeBoolean('actedOn'),
      actedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.actedAt }),
      actedHouseholdId: t.id({ nullable: true, resolve: (r) => r.actedHouseholdId }),
      cardNumber: t.string({
        nullable: true,
        description: 'The household’s card number (the finding’s, or for an omitted one the household that applied).',
        resolve: (r) => r.cardNumber,
      }),
      headName: t.string({
        nullable: true,
        description: 'Its head as the roll records them now: masked for assessors.',
        resolve: (r, _a, ctx) =>
          mask(
            ctx,
            r.headName,
            maskName,
            r.finding.householdId ?? r.actedHouseholdId ?? `finding:${r.finding.findingId}`,
            'name',
          ),
      }),
    }),
  });

const Verification = builder
  .objectRef<NonNullable<Awaited<ReturnType<typeof verifySample>>>>('SampleVerification')
  .implement({
    description: 'The sample redrawn now from the registry at the assessment’s two dates with the revealed seed.',
    fields: (t) => ({
      matches: t.exposeBoolean('matches', {
        description: 'The redraw picks exactly the villages and households recorded.',
      }),
      frameMatches: t.exposeBoolean('frameMatches', { description: 'The frame read now has the digest recorded.' }),
      recomputedDigest: t.exposeString('recomputedDigest'),
      missing: t.exposeIDList('missing'),
      extra: t.exposeIDList('extra'),
    }),
  });

const AssessmentType = builder.objectRef<AssessmentAsOf>('ThirdPartyAssessment').implement({
  description:
    '第三方评估 of an area: the registry read as effective on the cut-off, as known when it opened; everything here is as its events stood at asOf.',
  fields: (t) => ({
    assessmentId: t.id({ resolve: (a) => a.state.opened.assessmentId }),
    title: t.string({ resolve: (a) => a.state.opened.title }),
    areaCode: t.string({ resolve: (a) => a.state.opened.areaCode }),
    year: t.int({ resolve: (a) => a.state.opened.year }),
    cutoff: t.field({ type: 'Date', resolve: (a) => a.state.opened.cutoff }),
    knownAt: t.field({ type: 'DateTime', resolve: (a) => a.state.opened.knownAt }),
    asOf: t.field({ type: 'DateTime', description: 'Pass this back to repeat the answer.', resolve: (a) => a.asOf }),
    west: t.boolean({ resolve: (a) => a.state.opened.west }),
    seedCommitment: t.string({ resolve: (a) => a.state.opened.seedCommitment }),
    sizes: t.field({ type: Sizes, resolve: (a) => a.state.opened.sizes }),
    poorVillageCodes: t.stringList({ resolve: (a) => a.state.opened.poorVillageCodes }),
    openedAt: t.field({ type: 'DateTime', resolve: (a) => a.state.opened.openedAt }),
    openedBy: t.field({ type: ActorType, resolve: (a) => a.state.opened.openedBy }),
    sample: t.field({ type: SampleType, nullable: true, resolve: (a) => (a.state.sample ? a.state : null) }),
    findings: t.field({ type: [FindingType], resolve: (a) => [...a.state.findings.values()] }),
    results: t.field({ type: AssessmentResultsType, resolve: (a) => assessmentResults(a.state) }),
    byTownship: t.field({ type: [GroupResultType], resolve: (a) => assessmentBreakdown(a.state).townships }),
    byVillage: t.field({ type: [GroupResultType], resolve: (a) => assessmentBreakdown(a.state).villages }),
    rectifications: t.field({
      type: [Rectification],
      description:
        '整改清单 for the county’s clerks: wrong exits to annul, wrong inclusions to remove, omitted households to invite.',
      resolve: (a, _args, ctx) => rectificationList(ctx.deps, a.state),
    }),
    verification: t.field({
      type: Verification,
      nullable: true,
      description: 'Redraws the sample now and compares (null before the draw).',
      resolve: (a, _args, ctx) => verifySample(ctx.deps, a.state),
    }),
  }),
});

/** Who may read assessments: assessors, evaluators, admins, and the assessed area’s clerks. */
export async function readAssessment(
  ctx: Context,
  assessmentId: string,
  asOf?: string | null,
): Promise<AssessmentAsOf | null> {
  requireRole(ctx.viewer, ['assessor', 'evaluator', 'admin', 'clerk'], 'read assessments');
  if (!Uuid.safeParse(assessmentId).success) throw badInput('assessmentId', 'must be a UUID');
  const when = knownAtOrNow(ctx, asOf, 'asOf');
  const state = await ctx.deps.assessments.read(assessmentId, when);
  if (!state) return null;
  requireArea(ctx.viewer, state.opened.areaCode, `assessment ${assessmentId}`);
  return { state, asOf: when };
}

builder.queryFields((t) => ({
  thirdPartyAssessment: t.field({
    type: AssessmentType,
    nullable: true,
    description:
      'An assessment as its events stood at asOf (default now, echoed back): the same asOf always gives the same answer.',
    args: { assessmentId: t.arg.id({ required: true }), asOf: t.arg({ type: 'DateTime' }) },
    resolve: (_root, args, ctx) => readAssessment(ctx, String(args.assessmentId), args.asOf),
  }),
  thirdPartyAssessments: t.field({
    type: [AssessmentType],
    description: 'The assessments of areas within your area, newest first.',
    resolve: async (_root, _args, ctx) => {
      requireRole(ctx.viewer, ['assessor', 'evaluator', 'admin', 'clerk'], 'read assessments');
      const ids = (await ctx.deps.assessments.list()) ?? [];
      const all: AssessmentAsOf[] = [];
      for (const id of ids) {
        const state = await ctx.deps.assessments.read(id, ctx.now);
        if (state && withinScope(ctx.viewer.scope, state.opened.areaCode)) {
          all.push({ state, asOf: ctx.now });
        }
      }
      return all.sort((a, b) => (a.state.opened.openedAt < b.state.opened.openedAt ? 1 : -1));
    },
  }),
}));
