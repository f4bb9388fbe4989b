import { poorVillages } from '@registry/projections';
import type { AssessmentResult } from '@registry/registry';
import { Uuid } from '@registry/schema';
import { registryAt } from '../assessments.js';
import { requireArea, requireRole } from '../auth.js';
import { VerdictEnum } from './assessment.js';
import { builder } from './builder.js';
import type { Context } from './context.js';
import { COMMAND_ERRORS } from './errors.js';

const AssessmentSuccess = builder.objectRef<AssessmentResult>('AssessmentSuccess').implement({
  fields: (t) => ({
    assessmentId: t.exposeID('assessmentId'),
    revision: t.exposeInt('revision'),
    position: t.field({ type: 'Position', resolve: (r) => r.position }),
    duplicate: t.exposeBoolean('duplicate', {
      description: 'This command id was handled before: nothing new was written.',
    }),
  }),
});

const SizesInput = builder.inputType('AssessmentSampleSizesInput', {
  fields: (t) => ({
    poorVillages: t.int({ required: true, description: 'Poor villages (贫困村) to draw.' }),
    otherVillages: t.int({ required: true, description: 'Other villages to draw.' }),
    exitedPerVillage: t.int({ required: true, description: 'Exited households per drawn village.' }),
    registeredPerVillage: t.int({
      required: true,
      description: 'Registered, not exited households per drawn village.',
    }),
  }),
});

const OpenInput = builder.inputType('OpenAssessmentInput', {
  fields: (t) => ({
    assessmentId: t.id({ required: true, description: 'A client-chosen UUID.' }),
    title: t.string({ required: true }),
    areaCode: t.field({ type: 'AreaCode', required: true, description: 'The county (or larger area) assessed.' }),
    year: t.int({ required: true }),
    cutoff: t.field({ type: 'Date', required: true, description: 'The registry is read as effective on this date.' }),
    seedCommitment: t.string({
      required: true,
      description: 'SHA-256 (hex) of the seed, committed now; the seed itself is revealed at the draw.',
    }),
    sizes: t.field({ type: SizesInput, required: true }),
    poorVillageCodes: t.stringList({
      description:
        'The area’s poor villages (贫困村), the stratum drawn apart; not given: those the registry records at the cut-off.',
    }),
    west: t.boolean({ description: 'A western county: incidence must be below 3%, not 2%.' }),
    reason: t.string(),
  }),
});

const DrawInput = builder.inputType('DrawSampleInput', {
  fields: (t) => ({
    assessmentId: t.id({ required: true }),
    seed: t.string({ required: true, description: 'The seed whose SHA-256 was committed when the assessment opened.' }),
    reason: t.string(),
  }),
});

const ConditionsInput = builder.inputType('FindingConditionsInput', {
  fields: (t) => ({
    food: t.boolean({ required: true }),
    clothing: t.boolean({ required: true }),
    compulsoryEducation: t.boolean({ required: true }),
    basicMedical: t.boolean({ required: true }),
    safeHousing: t.boolean({ required: true }),
    safeDrinkingWater: t.boolean({ required: true }),
  }),
});

const OutsideInput = builder.inputType('OutsideHouseholdInput', {
  description: 'A household outside the registry, found on site in a sampled village.',
  fields: (t) => ({
    villageCode: t.field({ type: 'AreaCode', required: true }),
    label: t.string({ required: true, description: 'The assessor’s label, unique in the village (e.g. 三组-12).' }),
    headName: t.string(),
    headNationalId: t.string({ description: 'Lets the county invite the household to apply and see that it did.' }),
    people: t.int({ required: true }),
  }),
});

const FindingInput = builder.inputType('RecordFindingInput', {
  fields: (t) => ({
    assessmentId: t.id({ required: true }),
    surveyedOn: t.field({ type: 'Date', required: true }),
    householdId: t.id({ description: 'A sampled registry household; or give outside.' }),
    outside: t.field({ type: OutsideInput }),
    incomePerCapitaFen: t.field({ type: 'Fen', required: true }),
    conditions: t.field({ type: ConditionsInput, required: true }),
    verdict: t.field({ type: VerdictEnum, required: true }),
    approves: t.boolean({ description: 'Whether the household approves of the work (群众认可); null if not asked.' }),
    notes: t.string(),
    reason: t.string({ description: 'Required when the household already has a finding.' }),
  }),
});

/** Drops nulls GraphQL sends for omitted optional fields, at every level. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

const PATHS = {
  envelope: (field: string) => (field === 'commandId' ? field : ['input', field].filter(Boolean).join('.')),
};

/** Only assessors and admins write, and only for an assessment of an area within their own. */
async function writable(ctx: Context, assessmentId: string): Promise<void> {
  requireRole(ctx.viewer, ['assessor', 'admin'], 'record assessments');
  // Not a UUID: the command's own parsing names the field; no stream is read by such a name.
  if (!Uuid.safeParse(assessmentId).success) return;
  const state = await ctx.deps.assessments.read(assessmentId);
  if (state) requireArea(ctx.viewer, state.opened.areaCode, `assessment ${assessmentId}`);
}

builder.mutationFields((t) => ({
  openAssessment: t.field({
    type: AssessmentSuccess,
    description:
      'Opens a third-party assessment: area, year, cut-off, sample sizes and the seed’s commitment. The registry is read as known now, for good.',
    errors: { types: COMMAND_ERRORS, directResult: true, union: { name: 'OpenAssessmentResult' } },
    args: { commandId: t.arg.id({ required: true }), input: t.arg({ type: OpenInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      requireRole(ctx.viewer, ['assessor', 'admin'], 'open assessments');
      requireArea(ctx.viewer, args.input.areaCode, `area ${args.input.areaCode}`);
      // Not given: the area's poor villages as the registry records them at the cut-off, now.
      const poor =
        args.input.poorVillageCodes ??
        (
          await poorVillages(ctx.deps.pool, ctx.deps.projections.reference, {
            areaCode: args.input.areaCode,
            effectiveOn: args.input.cutoff,
            knownAt: ctx.now,
          })
        ).map((v) => v.villageCode);
      const input = withoutNulls({ ...args.input, poorVillageCodes: poor, commandId: args.commandId });
      return ctx.deps.assessments.open(input, ctx.viewer.actor, PATHS);
    },
  }),
  drawSample: t.field({
    type: AssessmentSuccess,
    description:
      'Reveals the seed (its SHA-256 must be the commitment) and draws the sample; recorded with the seed and the frame’s digest.',
    errors: { types: COMMAND_ERRORS, directResult: true, union: { name: 'DrawSampleResult' } },
    args: { commandId: t.arg.id({ required: true }), input: t.arg({ type: DrawInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      await writable(ctx, String(args.input.assessmentId));
      const input = withoutNulls({ ...args.input, commandId: args.commandId });
      // The log's head signed now covers every event known when the assessment opened.
      const logHead = async () => {
        const head = await ctx.deps.log.signNow();
        return {
          treeSize: head.treeSize,
          rootHash: head.rootHash.toString('hex'),
          signedAt: head.signedAt,
          keyId: head.keyId,
          signature: head.signature.toString('base64'),
        };
      };
      return ctx.deps.assessments.draw(
        input,
        ctx.viewer.actor,
        (opened) => registryAt(ctx.deps, opened),
        PATHS,
        logHead,
      );
    },
  }),
  recordFinding: t.field({
    type: AssessmentSuccess,
    description:
      'Records what the assessor found at a surveyed household; a new finding on the same household replaces the last (with a reason).',
    errors: { types: COMMAND_ERRORS, directResult: true, union: { name: 'RecordFindingResult' } },
    args: { commandId: t.arg.id({ required: true }), input: t.arg({ type: FindingInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      await writable(ctx, String(args.input.assessmentId));
      const input = withoutNulls({ ...args.input, commandId: args.commandId });
      return ctx.deps.assessments.record(input, ctx.viewer.actor, PATHS);
    },
  }),
}));
