import { exitedHouseholds } from '@registry/projections';
import { type ExitReplay, replayExits, toHistoryEvent, ValidationError } from '@registry/registry';
import { chinaDate, householdStream, Policy } from '@registry/schema';
import { requireRole } from '../auth.js';
import { builder } from './builder.js';
import { ExitCriterionEnum } from './enums.js';
import { requireAreaCode } from './snapshot.js';

const YearLine = builder.inputType('YearLineInput', {
  fields: (t) => ({
    year: t.int({ required: true }),
    lineFen: t.field({ type: 'Fen', required: true }),
  }),
});

const ProvinceLine = builder.inputType('ProvinceLineInput', {
  fields: (t) => ({
    province: t.string({ required: true, description: '2-digit province code.' }),
    year: t.int({ required: true }),
    lineFen: t.field({ type: 'Fen', required: true }),
  }),
});

const PolicyInput = builder.inputType('PolicyInput', {
  description: "A policy to replay exits under: the service's policy with these lines replaced.",
  fields: (t) => ({
    id: t.string({ required: true, description: 'Names the policy in the answer, e.g. huitoukan-2017.' }),
    incomeLines: t.field({ type: [YearLine], description: 'National line per year (replaces those years).' }),
    provincialIncomeLines: t.field({ type: [ProvinceLine] }),
  }),
});

interface HouseholdReview {
  householdId: string;
  cardNumber: string | null;
  exits: ExitReplay[];
}

const ExitReplayType = builder.objectRef<ExitReplay>('ExitReplay').implement({
  fields: (t) => ({
    eventId: t.exposeID('eventId'),
    year: t.exposeInt('year'),
    exitedOn: t.field({ type: 'Date', resolve: (r) => r.exitedOn }),
    recordedAt: t.field({ type: 'DateTime', resolve: (r) => r.recordedAt }),
    approvedIncomeLineFen: t.field({ type: 'Fen', resolve: (r) => r.approvedWith.incomeLineFen }),
    approvedPolicyId: t.string({ resolve: (r) => r.approvedWith.policyId }),
    incomePerCapitaFen: t.field({ type: 'Fen', resolve: (r) => r.approvedWith.incomePerCapitaFen }),
    passes: t.exposeBoolean('passes', { description: 'Whether the exit passes under the policy replayed.' }),
    unmet: t.field({ type: [ExitCriterionEnum], resolve: (r) => r.unmet }),
    facts: t.field({ type: 'JSON', resolve: (r) => r.facts }),
  }),
});

const HouseholdReviewType = builder.objectRef<HouseholdReview>('HouseholdExitReview').implement({
  fields: (t) => ({
    householdId: t.exposeID('householdId'),
    cardNumber: t.string({ nullable: true, resolve: (h) => h.cardNumber }),
    exits: t.field({ type: [ExitReplayType], resolve: (h) => h.exits }),
  }),
});

const ExitReview = builder
  .objectRef<{ areaCode: string; policyId: string; households: HouseholdReview[] }>('ExitReview')
  .implement({
    description: '回头看: every exit in the area re-checked against the rule under a policy, on history as known now.',
    fields: (t) => ({
      areaCode: t.exposeString('areaCode'),
      policyId: t.exposeString('policyId'),
      exits: t.int({ resolve: (r) => r.households.reduce((n, h) => n + h.exits.length, 0) }),
      failing: t.int({
        description: 'Exits that would not pass.',
        resolve: (r) => r.households.reduce((n, h) => n + h.exits.filter((e) => !e.passes).length, 0),
      }),
      households: t.field({
        type: [HouseholdReviewType],
        args: { onlyFailing: t.arg.boolean({ defaultValue: false }) },
        resolve: (r, args) =>
          args.onlyFailing ? r.households.filter((h) => h.exits.some((e) => !e.passes)) : r.households,
      }),
    }),
  });

builder.queryField('exitReview', (t) =>
  t.field({
    type: ExitReview,
    description: "Replays the exit rule over every exited household's history in an area, under a policy.",
    errors: { types: [ValidationError], directResult: true, union: { name: 'ExitReviewResult' } },
    args: {
      areaCode: t.arg({ type: 'AreaCode', required: true }),
      policyVersion: t.arg.string({
        description:
          'A recorded policy version (policyVersions) to replay every exit under. Default: each exit under the version in force on its date, as recorded now.',
      }),
      policy: t.arg({
        type: PolicyInput,
        description: 'Lines replaced for the review, over policyVersion (default: the version in force today).',
      }),
    },
    resolve: async (_root, args, ctx) => {
      requireRole(ctx.viewer, ['clerk', 'evaluator', 'assessor', 'admin'], 'review exits');
      requireAreaCode(ctx, args.areaCode);
      const timeline = await ctx.deps.policies.timeline();
      const version = args.policyVersion ? timeline.byId(args.policyVersion) : undefined;
      if (args.policyVersion && !version) {
        throw new ValidationError([{ path: 'policyVersion', message: 'must be a recorded policy version' }]);
      }
      const base = version?.policy ?? timeline.at(chinaDate(new Date(ctx.now)));
      const candidate = args.policy
        ? {
            ...base,
            id: args.policy.id,
            description: `${base.description}; lines replaced for review`,
            incomeLinesFen: {
              ...base.incomeLinesFen,
              ...Object.fromEntries((args.policy.incomeLines ?? []).map((l) => [String(l.year), l.lineFen])),
            },
            provincialIncomeLinesFen: mergeProvincial(
              base.provincialIncomeLinesFen,
              args.policy.provincialIncomeLines ?? [],
            ),
          }
        : base;
      const parsed = Policy.safeParse(candidate);
      if (!parsed.success) {
        throw new ValidationError(
          parsed.error.issues.map((i) => ({ path: `policy.${i.path.join('.')}`, message: i.message })),
        );
      }
      // Neither a version nor lines asked: each exit under the version in force on its date.
      const fixed = Boolean(version || args.policy);
      const used = new Set<string>();
      const households = await exitedHouseholds(ctx.deps.pool, ctx.deps.projections.registry, args.areaCode);
      const reviews: HouseholdReview[] = [];
      // Streams in batches: a county has thousands of exited households.
      for (let i = 0; i < households.length; i += 500) {
        const batch = households.slice(i, i + 500);
        const streams = await ctx.deps.eventStore.readStreams(batch.map((h) => householdStream(h.householdId)));
        for (const h of batch) {
          const events = (streams.get(householdStream(h.householdId)) ?? []).map(toHistoryEvent);
          reviews.push({
            householdId: h.householdId,
            cardNumber: h.cardNumber,
            exits: replayExits(events, fixed ? parsed.data : (exitedOn) => timeline.at(exitedOn)),
          });
        }
      }
      if (!fixed) for (const r of reviews) for (const e of r.exits) used.add(e.replayedWith);
      return {
        areaCode: args.areaCode,
        policyId: fixed ? parsed.data.id : [...used].sort().join('+') || timeline.at(chinaDate(new Date(ctx.now))).id,
        households: reviews,
      };
    },
  }),
);

function mergeProvincial(
  base: Policy['provincialIncomeLinesFen'],
  lines: { province: string; year: number; lineFen: number }[],
): Policy['provincialIncomeLinesFen'] {
  const merged: Policy['provincialIncomeLinesFen'] = Object.fromEntries(
    Object.entries(base).map(([province, years]) => [province, { ...years }]),
  );
  for (const line of lines) merged[line.province] = { ...merged[line.province], [String(line.year)]: line.lineFen };
  return merged;
}
