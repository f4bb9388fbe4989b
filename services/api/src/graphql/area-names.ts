import { type AsOf, type NamedArea, REGISTER_VINTAGE } from '@registry/projections';
import { chinaDate } from '@registry/schema';
import { builder } from './builder.js';
import type { Context } from './context.js';
import { knownAtOrNow } from './household.js';
import { badInput } from './problems.js';

/**
 * Area names: the national register of divisions (统计用区划代码) and the changes admins record
 * since (更名, 撤并), as of a date. Names are public reference data: every signed-in role reads
 * them, whatever its area, so a township clerk sees the county's name in the header and an
 * assessor reads the report's villages by name.
 */

/** How many codes one question may name: a page of a table, a report's villages. */
const MAX_CODES = 1000;

const AreaType = builder.objectRef<NamedArea>('Area').implement({
  description: 'An area as named on a date.',
  fields: (t) => ({
    code: t.field({ type: 'AreaCode', resolve: (a) => a.code }),
    name: t.exposeString('name', {
      description: 'The name on the date (临海镇, 新东村); the code itself where nothing names it.',
    }),
    fullName: t.exposeString('fullName', { description: 'With the parent’s name (射阳县临海镇, 临海镇新东村).' }),
    level: t.exposeString('level', { description: 'province, city, county, township or village.' }),
    parentCode: t.field({ type: 'AreaCode', nullable: true, resolve: (a) => a.parentCode }),
    mergedInto: t.field({
      type: 'AreaCode',
      nullable: true,
      description: '撤并: the area it was merged into by the date.',
      resolve: (a) => a.mergedInto,
    }),
    fromRegister: t.exposeBoolean('fromRegister', {
      description: 'The national register’s name (false: recorded since, or nothing names the code).',
    }),
    known: t.exposeBoolean('known'),
  }),
});

const RegisterEditionType = builder.objectRef<typeof REGISTER_VINTAGE>('DivisionRegisterEdition').implement({
  description: 'Which published register of divisions the names start from.',
  fields: (t) => ({
    source: t.exposeString('source'),
    edition: t.exposeString('edition'),
  }),
});

function asOf(ctx: Context, effectiveOn: string | null | undefined, knownAt: string | null | undefined): AsOf {
  return {
    effectiveOn: effectiveOn ?? chinaDate(new Date(ctx.now)),
    knownAt: knownAtOrNow(ctx, knownAt, 'knownAt'),
  };
}

builder.queryFields((t) => ({
  areaNames: t.field({
    type: [AreaType],
    description: `The areas the codes name on a date (today unless given), as known at a time, in the order asked. At most ${MAX_CODES} codes.`,
    args: {
      codes: t.arg({ type: ['AreaCode'], required: true }),
      effectiveOn: t.arg({ type: 'Date' }),
      knownAt: t.arg({ type: 'DateTime' }),
    },
    resolve: async (_r, args, ctx) => {
      if (args.codes.length > MAX_CODES) throw badInput('codes', `must name at most ${MAX_CODES} areas`);
      const named = await ctx.deps.names.areas(args.codes, asOf(ctx, args.effectiveOn, args.knownAt));
      return args.codes.map((code) => named.get(code) as NamedArea);
    },
  }),
  areaChildren: t.field({
    type: [AreaType],
    description:
      'The areas one level below an area on a date (provinces when no code), in code order: the register’s and those named since, without those merged away by then. For choosing an area level by level.',
    args: {
      code: t.arg({ type: 'AreaCode' }),
      effectiveOn: t.arg({ type: 'Date' }),
      knownAt: t.arg({ type: 'DateTime' }),
    },
    resolve: (_r, args, ctx) => ctx.deps.names.children(args.code ?? null, asOf(ctx, args.effectiveOn, args.knownAt)),
  }),
  divisionRegister: t.field({
    type: RegisterEditionType,
    description: 'The published register of divisions the names start from.',
    resolve: () => REGISTER_VINTAGE,
  }),
}));
