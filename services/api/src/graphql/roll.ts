import { resolveCursorConnection } from '@pothos/plugin-relay';
import { countHouseholds, findHouseholds, type RollQuery } from '@registry/projections';
import { EliminationStep, ExitStep, IdentificationStep, MonitoringStep } from '@registry/schema';
import { builder, pageComplexity } from './builder.js';
import { HouseholdAttributeEnum, PovertyCauseEnum } from './enums.js';
import { HouseholdType, readYourWrites } from './household.js';
import { HouseholdStatusEnum } from './household-types.js';
import { badInput } from './problems.js';
import { householdCursor, listArea, type RollRow } from './roll-data.js';

const HouseholdFilter = builder.inputType('HouseholdFilter', {
  fields: (t) => ({
    areaCode: t.field({ type: 'AreaCode', description: 'County, township or village code (default: your area).' }),
    status: t.field({ type: [HouseholdStatusEnum] }),
    attribute: t.field({ type: HouseholdAttributeEnum }),
    cause: t.field({ type: PovertyCauseEnum, description: 'Main or other cause.' }),
    helperId: t.string(),
    monitored: t.boolean(),
    text: t.string({
      description:
        "Part of a card number, address or member's name; or a whole national ID number. Assessors, who see names and ID numbers masked, search card numbers and addresses only.",
    }),
    openCase: t.string({
      description:
        'Households with an open case of this kind (identification, exit, monitoring: a monitored household’s identification, elimination: a risk elimination), or at this step (identification:village_notice, exit:confirmation, monitoring:county_decision …).',
    }),
    visitsBelowMinimumIn: t.int({
      description: "Households with fewer visits effective in this year than the policy's minimum.",
    }),
  }),
});

/** The values `openCase` takes: a case kind, or a kind and one of its steps. */
export const OPEN_CASE_VALUES: readonly string[] = [
  'identification',
  'exit',
  'monitoring',
  'elimination',
  ...IdentificationStep.options.map((step) => `identification:${step}`),
  ...ExitStep.options.map((step) => `exit:${step}`),
  ...MonitoringStep.options.map((step) => `monitoring:${step}`),
  ...EliminationStep.options.map((step) => `elimination:${step}`),
];

builder.queryField('households', (t) =>
  t.connection(
    {
      type: HouseholdType,
      description: 'The registry roll, filtered, in household id order.',
      complexity: pageComplexity,
      args: { filter: t.arg({ type: HouseholdFilter }), waitFor: t.arg({ type: 'Position' }) },
      resolve: async (_root, args, ctx) => {
        await readYourWrites(ctx, args.waitFor);
        const f = args.filter ?? {};
        const { pool, projections } = ctx.deps;
        // Assessors see names and ID numbers masked, so they may not probe for them either.
        const query: RollQuery = {
          areaCode: listArea(ctx, f.areaCode),
          status: f.status?.map(String),
          attribute: f.attribute ? String(f.attribute) : null,
          cause: f.cause ? String(f.cause) : null,
          helperId: f.helperId,
          monitored: f.monitored,
          text: f.text,
          people: !ctx.viewer.masked,
          openCase: f.openCase,
          fewerVisits:
            f.visitsBelowMinimumIn === null || f.visitsBelowMinimumIn === undefined
              ? null
              : {
                  year: f.visitsBelowMinimumIn,
                  // The minimum of the version in force at that year's end.
                  minimum: (await ctx.deps.policies.timeline()).at(`${f.visitsBelowMinimumIn}-12-31`).minVisitsPerYear,
                },
        };
        if (f.openCase && !OPEN_CASE_VALUES.includes(f.openCase)) {
          throw badInput(
            'filter.openCase',
            'must be identification or exit, or a kind and its step such as identification:village_notice',
          );
        }
        if (
          f.visitsBelowMinimumIn !== null &&
          f.visitsBelowMinimumIn !== undefined &&
          (f.visitsBelowMinimumIn < 2014 || f.visitsBelowMinimumIn > 2099)
        ) {
          throw badInput('filter.visitsBelowMinimumIn', 'must be a year from 2014 to 2099');
        }
        const total = countHouseholds(pool, projections.registry, query);
        const rows = resolveCursorConnection<Promise<RollRow[]>>(
          { args, toCursor: (row: RollRow) => row.householdId, defaultSize: 50, maxSize: 500 },
          async ({ before, after, limit, inverted }) =>
            findHouseholds(pool, projections.registry, query, {
              after: householdCursor(after, 'after'),
              before: householdCursor(before, 'before'),
              limit,
              descending: inverted,
            }),
        );
        // Both awaited together: a count left unawaited while the page fails would reject with
        // no one listening, which ends a Node process.
        const [connection, totalCount] = await Promise.all([rows, total]);
        return { ...connection, totalCount };
      },
    },
    {
      fields: (c) => ({
        totalCount: c.int({
          description: 'Households matching the filter.',
          resolve: (connection) => (connection as unknown as { totalCount: number }).totalCount,
        }),
      }),
    },
  ),
);
