import { resolveCursorConnection } from '@pothos/plugin-relay';
import {
  type RawSnapshotHousehold,
  type SnapshotHousehold,
  type SnapshotQuery,
  snapshotSql,
  snapshotTotals,
  toSnapshotHousehold,
} from '@registry/projections';
import { maskNationalId } from '@registry/schema';
import { requireArea } from '../auth.js';
import { maskName } from '../mask.js';
import { builder, pageComplexity } from './builder.js';
import type { Context } from './context.js';
import { HouseholdAttributeEnum, MonitoringCategoryEnum } from './enums.js';
import { knownAtOrNow, readYourWrites } from './household.js';
import { HouseholdStatusEnum } from './household-types.js';
import { LogHeadType } from './log.js';
import { badInput } from './problems.js';
import { householdCursor } from './roll-data.js';

/** An area the caller may read (the AreaCode scalar has checked its form): refused otherwise. */
export function requireAreaCode(ctx: Context, areaCode: string): void {
  requireArea(ctx.viewer, areaCode, `area ${areaCode}`);
}

/** Checks the area of a snapshot request and the caller's right to it; `knownAt` defaults to now. */
export function snapshotRequest(
  ctx: Context,
  areaCode: string,
  effectiveOn: string,
  knownAt?: string | null,
): SnapshotQuery {
  requireAreaCode(ctx, areaCode);
  return { areaCode, effectiveOn, knownAt: knownAtOrNow(ctx, knownAt, 'knownAt') };
}

const SnapshotHouseholdType = builder.objectRef<SnapshotHousehold>('SnapshotHousehold').implement({
  description: 'A household in a registry snapshot: its status then, and the identifiers it is visited by now.',
  fields: (t) => ({
    householdId: t.exposeID('householdId'),
    villageCode: t.string({ nullable: true, resolve: (h) => h.villageCode }),
    status: t.field({ type: HouseholdStatusEnum, resolve: (h) => h.status as 'registered' }),
    attribute: t.field({
      type: HouseholdAttributeEnum,
      nullable: true,
      resolve: (h) => h.attribute as 'ordinary' | null,
    }),
    monitoringCategory: t.field({
      type: MonitoringCategoryEnum,
      nullable: true,
      resolve: (h) => h.monitoringCategory as 'edge_vulnerable' | null,
    }),
    memberCount: t.exposeInt('memberCount'),
    cardNumber: t.string({ nullable: true, resolve: (h) => h.cardNumber }),
    headName: t.string({
      nullable: true,
      description: 'Masked for assessors but for its first character. Read unmasked: recorded, with the purpose.',
      resolve: (h, _a, ctx) => {
        if (!h.headName) return null;
        if (ctx.viewer.masked) return maskName(h.headName);
        ctx.reads.note(h.householdId, 'name');
        return h.headName;
      },
    }),
    headNationalId: t.string({
      nullable: true,
      description: 'Masked for assessors. Read unmasked: recorded, with the purpose.',
      resolve: (h, _a, ctx) => {
        if (!h.headNationalId) return null;
        if (ctx.viewer.masked) return maskNationalId(h.headNationalId);
        ctx.reads.note(h.householdId, 'nationalId');
        return h.headNationalId;
      },
    }),
  }),
});

const StatusCount = builder.objectRef<{ status: string; households: number; people: number }>('StatusCount').implement({
  fields: (t) => ({
    status: t.field({ type: HouseholdStatusEnum, resolve: (s) => s.status as 'registered' }),
    households: t.exposeInt('households'),
    people: t.exposeInt('people'),
  }),
});

const RegistrySnapshot = builder.objectRef<SnapshotQuery>('RegistrySnapshot').implement({
  description:
    'The registry of an area as effective on a date, as known at a time: the same arguments always give the same answer.',
  fields: (t) => ({
    areaCode: t.exposeString('areaCode'),
    effectiveOn: t.field({ type: 'Date', resolve: (s) => s.effectiveOn }),
    knownAt: t.field({
      type: 'DateTime',
      description: 'Pass this back to repeat the answer.',
      resolve: (s) => s.knownAt,
    }),
    logHead: t.field({
      type: LogHeadType,
      nullable: true,
      description:
        'A head of the tamper-evident log under which every event this answer rests on lies (logInclusionProof with its treeSize): the first signed at or after knownAt, or the latest when the log has not grown since. Null until one is signed (each minute while the log grows; signLogHead on demand).',
      resolve: async (s, _a, ctx) => (await ctx.deps.log.headSignedSince(s.knownAt)) ?? null,
    }),
    households: t.int({
      description: 'Households in any status.',
      resolve: async (s, _a, ctx) => (await totals(ctx, s)).households,
    }),
    people: t.int({ resolve: async (s, _a, ctx) => (await totals(ctx, s)).people }),
    byStatus: t.field({ type: [StatusCount], resolve: async (s, _a, ctx) => (await totals(ctx, s)).byStatus }),
    rows: t.connection({
      type: SnapshotHouseholdType,
      description: 'The households, in id order.',
      complexity: pageComplexity,
      resolve: (s, args, ctx) =>
        resolveCursorConnection<Promise<SnapshotHousehold[]>>(
          { args, toCursor: (h: SnapshotHousehold) => h.householdId, defaultSize: 100, maxSize: 1000 },
          async ({ after, before, limit, inverted }) => {
            if (before || inverted) throw badInput('rows', 'page forward with first and after');
            const sql = snapshotSql(ctx.deps.projections.registry, s, {
              ...(householdCursor(after, 'after') ? { after } : {}),
              limit,
            });
            const result = await ctx.deps.pool.query<RawSnapshotHousehold>(sql);
            return result.rows.map(toSnapshotHousehold);
          },
        ),
    }),
  }),
});

const totalsCache = new WeakMap<SnapshotQuery, ReturnType<typeof snapshotTotals>>();
function totals(ctx: Context, s: SnapshotQuery): ReturnType<typeof snapshotTotals> {
  let cached = totalsCache.get(s);
  if (!cached) {
    cached = snapshotTotals(ctx.deps.pool, ctx.deps.projections.registry, s);
    totalsCache.set(s, cached);
  }
  return cached;
}

builder.queryField('registrySnapshot', (t) =>
  t.field({
    type: RegistrySnapshot,
    description: 'The registry of a county, township or village as it stood. CSV and JSON lines: GET /export/snapshot.',
    args: {
      areaCode: t.arg({ type: 'AreaCode', required: true }),
      effectiveOn: t.arg({ type: 'Date', required: true, description: 'Business date.' }),
      knownAt: t.arg({ type: 'DateTime', description: 'System time; default now (echoed back).' }),
      waitFor: t.arg({ type: 'Position' }),
      purpose: t.arg.string({
        description:
          'Why personal data is read in bulk (2 to 200 characters): required when the rows carry unmasked names or ID numbers; recorded with the read.',
      }),
    },
    resolve: async (_root, args, ctx) => {
      ctx.reads.bulkRead('registrySnapshot', args.purpose);
      await readYourWrites(ctx, args.waitFor);
      return snapshotRequest(ctx, args.areaCode, args.effectiveOn, args.knownAt);
    },
  }),
);
