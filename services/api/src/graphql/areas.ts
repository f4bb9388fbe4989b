import { areaIndicators, comparisonReviewList, incomingMoves, poorVillages } from '@registry/projections';
import { type AreaRecordResult, type AreaState, assessmentResults, RuleViolation } from '@registry/registry';
import { type AreaLevel, areaLevelOf, ComparisonAgency } from '@registry/schema';
import { requireArea, requireRole } from '../auth.js';
import { builder } from './builder.js';
import type { Context } from './context.js';
import { enumFor } from './enums.js';
import { COMMAND_ERRORS } from './errors.js';
import { knownAtOrNow } from './household.js';
import { HouseholdStatusEnum } from './household-types.js';

/**
 * Poor villages (贫困村) and the exits of villages and counties (销号, 摘帽): records on the
 * areas' own streams. Proposals carry their evidence, worked out here from the read side: the
 * incidence on 31 December of the year as known now, and for a county the assessment it rests on.
 */

const AreaRecordSuccess = builder.objectRef<AreaRecordResult>('AreaRecordSuccess').implement({
  fields: (t) => ({
    areaCode: t.exposeString('areaCode'),
    position: t.field({ type: 'Position', resolve: (r) => r.position }),
    duplicate: t.exposeBoolean('duplicate'),
  }),
});

type Evidence = NonNullable<AreaState['exitCase']>['evidence'];
const EvidenceType = builder.objectRef<Evidence>('AreaExitEvidence').implement({
  description: 'What an exit was proposed on: the incidence then, the threshold, the assessment.',
  fields: (t) => ({
    incidence: t.float({ nullable: true, resolve: (e) => e.incidence }),
    registeredPeople: t.exposeInt('registeredPeople'),
    ruralPopulation: t.int({ nullable: true, resolve: (e) => e.ruralPopulation }),
    threshold: t.exposeFloat('threshold'),
    knownAt: t.field({ type: 'DateTime', resolve: (e) => e.knownAt }),
    assessmentId: t.id({ nullable: true, resolve: (e) => e.assessmentId ?? null }),
    assessmentRecommendation: t.string({ nullable: true, resolve: (e) => e.assessmentRecommendation ?? null }),
  }),
});

const AreaRecordType = builder.objectRef<AreaState & { areaCode: string; knownAt: string }>('AreaRecord').implement({
  description: 'An area’s own record: poor village since when, an exit under way or done.',
  fields: (t) => ({
    areaCode: t.exposeString('areaCode'),
    knownAt: t.field({ type: 'DateTime', resolve: (a) => a.knownAt }),
    poorVillageSince: t.int({ nullable: true, resolve: (a) => a.poorVillageSince?.year ?? null }),
    exitStep: t.string({
      nullable: true,
      description: 'review or announcement while an exit is under way.',
      resolve: (a) => a.exitCase?.step ?? null,
    }),
    exitYear: t.int({ nullable: true, resolve: (a) => a.exitCase?.year ?? a.exitYear ?? null }),
    exitEvidence: t.field({ type: EvidenceType, nullable: true, resolve: (a) => a.exitCase?.evidence ?? null }),
    exitedOn: t.field({ type: 'Date', nullable: true, resolve: (a) => a.exitedOn ?? null }),
  }),
});

const PoorVillageType = builder
  .objectRef<{ villageCode: string; since: number; exitedOn: string | null }>('PoorVillage')
  .implement({
    fields: (t) => ({
      villageCode: t.exposeString('villageCode'),
      since: t.exposeInt('since'),
      exitedOn: t.field({ type: 'Date', nullable: true, resolve: (v) => v.exitedOn }),
    }),
  });

const levelOf = (ctx: Context): AreaLevel => (ctx.viewer.scope === null ? 'province' : areaLevelOf(ctx.viewer.scope));
const paths = {
  envelope: (field: string) => (field === 'commandId' ? field : ['input', field].filter(Boolean).join('.')),
};
const plain = (input: Record<string, unknown>, commandId: string | number) => ({
  ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)),
  commandId: String(commandId),
});

/** Clerks (each level its own steps, as the policy says) and admins record; only within their area. */
function writer(ctx: Context, areaCode: string) {
  requireRole(ctx.viewer, ['clerk', 'admin'], 'record area steps');
  requireArea(ctx.viewer, areaCode, `area ${areaCode}`);
  return { level: levelOf(ctx), paths };
}

const StepInput = (name: string, extra: 'designation' | 'proposal' | 'review' | 'announcement') =>
  builder.inputType(name, {
    fields: (t) => ({
      areaCode: t.field({ type: 'AreaCode', required: true }),
      effectiveAt: t.field({ type: 'Date', required: true }),
      reason: t.string(),
      ...(extra === 'designation' || extra === 'proposal' ? { year: t.int({ required: true }) } : {}),
      ...(extra === 'proposal'
        ? {
            west: t.boolean({ description: 'A western area: incidence below 3%, not 2%.' }),
            assessmentId: t.id({ description: 'For a county: the third-party assessment recommending its exit.' }),
          }
        : {}),
      ...(extra === 'review' ? { approved: t.boolean({ required: true }) } : {}),
    }),
  });

builder.mutationFields((t) => ({
  designatePoorVillage: t.field({
    type: AreaRecordSuccess,
    description: '建档立卡贫困村: registers a village as a poor village from a year. County level.',
    errors: { types: COMMAND_ERRORS, directResult: true, union: { name: 'DesignatePoorVillageResult' } },
    args: {
      commandId: t.arg.id({ required: true }),
      input: t.arg({ type: StepInput('DesignatePoorVillageInput', 'designation'), required: true }),
    },
    resolve: (_r, args, ctx) =>
      ctx.deps.areas.designatePoorVillage(
        plain(args.input, args.commandId),
        ctx.viewer.actor,
        writer(ctx, args.input.areaCode),
      ),
  }),
  proposeAreaExit: t.field({
    type: AreaRecordSuccess,
    description:
      'Proposes a poor village’s exit (township) or a county’s (county) for a year, on the incidence on 31 December as known now (below 2%, 3% in the west) and, for a county, a third-party assessment recommending exit; refused naming each unmet criterion.',
    errors: { types: COMMAND_ERRORS, directResult: true, union: { name: 'ProposeAreaExitResult' } },
    args: {
      commandId: t.arg.id({ required: true }),
      input: t.arg({ type: StepInput('ProposeAreaExitInput', 'proposal'), required: true }),
    },
    resolve: (_r, args, ctx) =>
      ctx.deps.areas.proposeExit(
        plain(args.input, args.commandId),
        ctx.viewer.actor,
        async (areaCode: string, year: number, assessmentId: string | undefined) => {
          const knownAt = ctx.now;
          const i = await areaIndicators(ctx.deps.pool, ctx.deps.projections, {
            areaCode,
            year,
            policy: (await ctx.deps.policies.timeline()).at(`${year}-12-31`),
            knownAt,
          });
          let assessment: { assessmentId: string; assessmentRecommendation: string } | undefined;
          if (assessmentId) {
            const state = await ctx.deps.assessments.read(assessmentId);
            if (!state || state.opened.areaCode !== areaCode || state.opened.year !== year) {
              throw new RuleViolation(
                'NO_SUCH_ASSESSMENT',
                `no assessment ${assessmentId} of ${areaCode} for ${year}`,
                {
                  field: 'input.assessmentId',
                },
              );
            }
            assessment = { assessmentId, assessmentRecommendation: assessmentResults(state).recommendation };
          }
          return {
            incidence: i.povertyIncidence,
            registeredPeople: i.endOfYear.registeredPeople,
            ruralPopulation: i.ruralPopulation,
            knownAt,
            ...assessment,
          };
        },
        writer(ctx, args.input.areaCode),
      ),
  }),
  reviewAreaExit: t.field({
    type: AreaRecordSuccess,
    description: 'The level above reviews a proposed exit (county for a village, province for a county).',
    errors: { types: COMMAND_ERRORS, directResult: true, union: { name: 'ReviewAreaExitResult' } },
    args: {
      commandId: t.arg.id({ required: true }),
      input: t.arg({ type: StepInput('ReviewAreaExitInput', 'review'), required: true }),
    },
    resolve: (_r, args, ctx) =>
      ctx.deps.areas.reviewExit(plain(args.input, args.commandId), ctx.viewer.actor, writer(ctx, args.input.areaCode)),
  }),
  announceAreaExit: t.field({
    type: AreaRecordSuccess,
    description: '销号 / 摘帽: announces an approved exit.',
    errors: { types: COMMAND_ERRORS, directResult: true, union: { name: 'AnnounceAreaExitResult' } },
    args: {
      commandId: t.arg.id({ required: true }),
      input: t.arg({ type: StepInput('AnnounceAreaExitInput', 'announcement'), required: true }),
    },
    resolve: (_r, args, ctx) =>
      ctx.deps.areas.announceExit(
        plain(args.input, args.commandId),
        ctx.viewer.actor,
        writer(ctx, args.input.areaCode),
      ),
  }),
}));

builder.queryFields((t) => ({
  areaRecord: t.field({
    type: AreaRecordType,
    description: 'An area’s own record (poor village, exit) as known at knownAt (default now, echoed back).',
    args: { areaCode: t.arg({ type: 'AreaCode', required: true }), knownAt: t.arg({ type: 'DateTime' }) },
    resolve: async (_r, args, ctx) => {
      requireArea(ctx.viewer, args.areaCode, `area ${args.areaCode}`);
      const knownAt = knownAtOrNow(ctx, args.knownAt, 'knownAt');
      return { ...(await ctx.deps.areas.read(args.areaCode, knownAt)), areaCode: args.areaCode, knownAt };
    },
  }),
  poorVillages: t.field({
    type: [PoorVillageType],
    description: 'The poor villages of an area designated by effectiveOn, as known at knownAt (default now).',
    args: {
      areaCode: t.arg({ type: 'AreaCode', required: true }),
      effectiveOn: t.arg({ type: 'Date', required: true }),
      knownAt: t.arg({ type: 'DateTime' }),
    },
    resolve: (_r, args, ctx) => {
      requireArea(ctx.viewer, args.areaCode, `area ${args.areaCode}`);
      return poorVillages(ctx.deps.pool, ctx.deps.projections.reference, {
        areaCode: args.areaCode,
        effectiveOn: args.effectiveOn,
        knownAt: knownAtOrNow(ctx, args.knownAt, 'knownAt'),
      });
    },
  }),
}));

const ReviewItemType = builder
  .objectRef<Awaited<ReturnType<typeof comparisonReviewList>>[number]>('ComparisonReviewItem')
  .implement({
    description: 'A household an agency’s batch found disqualified, still on file: to review for removal (清退).',
    fields: (t) => ({
      householdId: t.exposeID('householdId'),
      cardNumber: t.string({ nullable: true, resolve: (r) => r.cardNumber }),
      status: t.field({ type: HouseholdStatusEnum, resolve: (r) => r.status as 'registered' }),
      villageCode: t.string({ nullable: true, resolve: (r) => r.villageCode }),
      agency: t.field({ type: enumFor(ComparisonAgency), resolve: (r) => r.agency as 'vehicles' }),
      detail: t.exposeString('detail'),
      fileName: t.exposeString('fileName'),
      recordedAt: t.field({ type: 'DateTime', resolve: (r) => r.recordedAt }),
    }),
  });

builder.queryField('comparisonReviewList', (t) =>
  t.field({
    type: [ReviewItemType],
    description:
      '数据比对 复核: households of the area an agency’s batch (POST /comparison) found disqualified and that are still on file, oldest first (at most 500).',
    args: { areaCode: t.arg({ type: 'AreaCode', required: true }) },
    resolve: (_r, args, ctx) => {
      requireArea(ctx.viewer, args.areaCode, `area ${args.areaCode}`);
      return comparisonReviewList(ctx.deps.pool, ctx.deps.projections.registry, {
        areaCode: args.areaCode,
        limit: 500,
      });
    },
  }),
);

const IncomingMoveType = builder
  .objectRef<Awaited<ReturnType<typeof incomingMoves>>[number]>('IncomingMove')
  .implement({
    description: 'A household moving into the area (迁入), awaiting acceptance here.',
    fields: (t) => ({
      householdId: t.exposeID('householdId'),
      cardNumber: t.string({ nullable: true, resolve: (m) => m.cardNumber }),
      fromVillageCode: t.string({ nullable: true, resolve: (m) => m.fromVillageCode }),
      toVillageCode: t.exposeString('toVillageCode'),
      relocation: t.exposeBoolean('relocation', { description: '易地扶贫搬迁' }),
      proposedOn: t.field({ type: 'Date', resolve: (m) => m.proposedOn }),
    }),
  });

builder.queryField('incomingMoves', (t) =>
  t.field({
    type: [IncomingMoveType],
    description: 'Households whose move into the area awaits acceptance (acceptMove), oldest first (at most 500).',
    args: { areaCode: t.arg({ type: 'AreaCode', required: true }) },
    resolve: (_r, args, ctx) => {
      requireArea(ctx.viewer, args.areaCode, `area ${args.areaCode}`);
      return incomingMoves(ctx.deps.pool, ctx.deps.projections.registry, { areaCode: args.areaCode });
    },
  }),
);
