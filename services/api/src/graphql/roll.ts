import { resolveCursorConnection } from '@pothos/plugin-relay';
import { builder, pageComplexity } from './builder.js';
import { HouseholdAttributeEnum, PovertyCauseEnum } from './enums.js';
import { HouseholdType, readYourWrites } from './household.js';
import { HouseholdStatusEnum } from './household-types.js';
import { areaFilter, COLUMNS, type DbRollRow, householdCursor, type RollRow, toRow } from './roll-data.js';

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
  }),
});

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
        const filter = areaFilter(ctx, f.areaCode);
        const { params, where } = filter;
        const p = filter.param;
        if (f.status?.length) where.push(`status = ANY(${p(f.status)}::text[])`);
        if (f.attribute) where.push(`attribute = ${p(f.attribute)}`);
        if (f.cause) {
          const c = p(f.cause);
          where.push(`(main_cause = ${c} OR ${c} = ANY(other_causes))`);
        }
        if (f.helperId) where.push(`helper_id = ${p(f.helperId)}`);
        if (f.monitored !== null && f.monitored !== undefined) {
          where.push(f.monitored ? 'monitoring_category IS NOT NULL' : 'monitoring_category IS NULL');
        }
        const tables = ctx.deps.projections.registry.tables;
        if (f.text) {
          const like = p(`%${f.text.replace(/[\\%_]/g, '\\$&')}%`);
          // Assessors see names and ID numbers masked, so they may not probe for them either.
          const byPerson = ctx.viewer.masked
            ? ''
            : ` OR EXISTS (SELECT 1 FROM ${tables.members} m WHERE m.household_id = h.household_id
                        AND (m.name ILIKE ${like} OR m.national_id = ${p(f.text.trim())}))`;
          where.push(`(card_number ILIKE ${like} OR state #>> '{household,address}' ILIKE ${like}${byPerson})`);
        }
        const filterSql = filter.sql();
        const filterParams = [...params];
        const total = ctx.deps.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${tables.households} h WHERE ${filterSql}`,
          filterParams,
        );
        const rows = resolveCursorConnection<Promise<RollRow[]>>(
          { args, toCursor: (row: RollRow) => row.householdId, defaultSize: 50, maxSize: 500 },
          async ({ before, after, limit, inverted }) => {
            const page: string[] = [];
            if (householdCursor(after, 'after')) page.push(`household_id > ${p(after)}::uuid`);
            if (householdCursor(before, 'before')) page.push(`household_id < ${p(before)}::uuid`);
            const result = await ctx.deps.pool.query<DbRollRow>(
              `SELECT ${COLUMNS} FROM ${tables.households} h
                WHERE ${[filterSql, ...page].join(' AND ')}
                ORDER BY household_id ${inverted ? 'DESC' : 'ASC'} LIMIT ${p(limit)}`,
              params,
            );
            return result.rows.map(toRow);
          },
        );
        // Both awaited together: a count left unawaited while the page fails would reject with
        // no one listening, which ends a Node process.
        const [connection, count] = await Promise.all([rows, total]);
        return { ...connection, totalCount: Number(count.rows[0]?.n ?? 0) };
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
