import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { person } from '../harness.js';

/** What the fuzzer knows of the registry it attacks, so some values are real ids and codes. */
export interface World {
  households: { own: string[]; foreign: string[] };
  areas: { own: string[]; foreign: string[] };
  villages: { own: string[]; foreign: string[] };
  memberIds: string[];
  eventIds: string[];
  measureIds: string[];
  positions: string[];
}

/** A GraphQL operation whose every argument is a variable, with an arbitrary for its variables. */
export interface Operation {
  name: string;
  document: string;
  variables: fc.Arbitrary<Record<string, unknown>>;
  /** For mutations: the result's field, to read its union member. */
  mutationField?: string;
}

/** Texts no field should take: control characters, lone surrogates, injection, sizes, lookalikes. */
const hostileText = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\u0007',
    '\u001b[31m红\u001b[0m',
    '\u007f',
    "320924'",
    "'; DROP TABLE es_events; --",
    '%',
    '_%\\',
    '',
    ' ',
    '\t\n',
    '\u202e\u202d',
    '\ufeff',
    '𠮷'.repeat(60),
    'x'.repeat(3000),
    '__proto__',
    'constructor',
    '0000-01-01',
    '9999-12-31T23:59:59-14:00',
    '+275760-09-13T00:00:00Z',
    'null',
    '-1',
    '1e400',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

const chineseText = fc.constantFrom(
  '入户走访',
  '因病致贫，申请建档立卡',
  '张庄村18号',
  '两不愁三保障已落实',
  '一组',
  '风险已消除',
);
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

const validDate = fc
  .date({ min: new Date('2014-01-01T00:00:00Z'), max: new Date(`${today()}T00:00:00Z`), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const hostileDate = fc.constantFrom(
  '0000-01-01',
  '1899-12-31',
  '2013-12-31',
  '2019-02-30',
  '2019-13-01',
  '20190101',
  '2100-01-01',
  '9999-12-31',
  `${new Date().getUTCFullYear() + 2}-01-01`,
);
const instant = fc.oneof(
  fc.date({ min: new Date('2014-01-01T00:00:00Z'), max: new Date(), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '2099-01-01T00:00:00Z',
    '1900-01-01T00:00:00+08:00',
    '2020-01-01',
    '2020-01-01T00:00:00',
    'yesterday',
  ),
);
const hex16 = fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }).map((n) => n.toString(16).padStart(16, '0'));
const uuid = fc.uuid({ version: 4 });
const bigNumbers = fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 1e300, 0.5, -0, 2 ** 53 + 2);

/**
 * Hostile: any value may be wrong in any way. Plausible: every value has the right type and a
 * likely shape (ids of the world, dates in range, texts a clerk writes), so that some commands
 * are accepted and their events must then be projected.
 */
export type Mode = 'hostile' | 'plausible';

/** Values of one GraphQL input type; `name` is the field or argument, to pick plausible values for known names. */
export function valuesOf(
  type: GraphQLInputType,
  name: string,
  world: World,
  mode: Mode,
  depth = 0,
): fc.Arbitrary<unknown> {
  const hostile = fc.oneof(hostileText, bigNumbers, fc.constant(null), fc.constant({}), fc.constant([]));
  if (isNonNullType(type)) {
    const inner = valuesOf(type.ofType, name, world, mode, depth);
    return mode === 'plausible'
      ? inner.filter((v) => v !== undefined)
      : fc.oneof({ weight: 12, arbitrary: inner }, { weight: 1, arbitrary: hostile });
  }
  const value = (): fc.Arbitrary<unknown> => {
    if (isListType(type)) {
      const item = valuesOf(type.ofType, name, world, mode, depth + 1);
      if (mode === 'plausible') return fc.array(item, { minLength: 1, maxLength: 2 });
      return fc.oneof(
        { weight: 8, arbitrary: fc.array(item, { maxLength: 3 }) },
        { weight: 1, arbitrary: fc.array(item, { minLength: 25, maxLength: 40 }) },
      );
    }
    if (isInputObjectType(type)) {
      if (name === 'members' || name === 'member') {
        return fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(0).map(() => person(name === 'members' ? 'head' : 'child')) },
          { weight: 1, arbitrary: objectOf(type, world, mode, depth) },
        );
      }
      return objectOf(type, world, mode, depth);
    }
    if (isEnumType(type)) {
      if (mode === 'plausible') return fc.constantFrom(...type.getValues().map((v) => v.value as string));
      return fc.oneof(
        { weight: 10, arbitrary: fc.constantFrom(...type.getValues().map((v) => v.value as string)) },
        { weight: 1, arbitrary: fc.constantFrom('UNKNOWN_VALUE', 'registered; --', '') },
      );
    }
    return scalarOf(type.name, name, world, mode);
  };
  if (mode === 'plausible') return fc.option(value(), { nil: undefined, freq: 3 });
  return fc.oneof(
    { weight: 10, arbitrary: value() },
    { weight: 2, arbitrary: hostile },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function objectOf(
  type: Extract<GraphQLInputType, { getFields: unknown }>,
  world: World,
  mode: Mode,
  depth: number,
): fc.Arbitrary<unknown> {
  if (!isInputObjectType(type) || depth > 4) return fc.constant({});
  const fields = Object.values(type.getFields());
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) record[f.name] = valuesOf(f.type, f.name, world, mode, depth + 1);
  const required = fields.filter((f) => isNonNullType(f.type)).map((f) => f.name);
  return fc
    .record(record, { requiredKeys: required })
    .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
}

function scalarOf(scalar: string, name: string, world: World, mode: Mode): fc.Arbitrary<unknown> {
  const pick = (values: string[]) => (values.length > 0 ? fc.constantFrom(...values) : uuid);
  switch (scalar) {
    case 'ID':
      if (name === 'householdId' || name === 'id') {
        return fc.oneof(
          { weight: 4, arbitrary: pick(world.households.own) },
          { weight: 1, arbitrary: pick(world.households.foreign) },
          { weight: 2, arbitrary: uuid },
        );
      }
      if (/member/i.test(name)) return fc.oneof(pick(world.memberIds), uuid);
      if (name === 'eventId') return fc.oneof(pick(world.eventIds), uuid);
      if (name === 'measureId') return fc.oneof(pick(world.measureIds), uuid);
      if (name === 'commandId')
        return fc.oneof({ weight: 9, arbitrary: uuid }, { weight: 1, arbitrary: fc.constant('short') });
      return uuid;
    case 'String':
      if (name === 'areaCode' || name === 'villageCode')
        return fc.oneof(pick(world.villages.own), pick(world.villages.foreign));
      if (name === 'helperId') return fc.constantFrom('helper-1', 'helper-2');
      if (name === 'cardNumber') return fc.integer({ min: 1000, max: 99999 }).map((n) => `C-${n}`);
      if (name === 'phone') return fc.constantFrom('13812345678', '+8613900001111', '12');
      if (name === 'bankAccount') return fc.constantFrom('6228480012345678901', '1');
      if (name === 'province') return fc.constantFrom('32', '15', '3');
      if (name === 'name') return fc.constantFrom('张三', '李四', '王', '欧阳娜娜');
      return fc.oneof(chineseText, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }));
    case 'Int':
      if (/year/i.test(name)) return fc.integer({ min: 2012, max: 2030 });
      if (name === 'first' || name === 'last')
        return fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constantFrom(0, -1, 500, 501, 100_000));
      if (name === 'expectedVersion')
        return mode === 'plausible' ? fc.constant(undefined) : fc.integer({ min: -2, max: 40 });
      return fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer());
    case 'Float':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'Boolean':
      return fc.boolean();
    case 'Date':
      return mode === 'plausible'
        ? validDate
        : fc.oneof({ weight: 5, arbitrary: validDate }, { weight: 1, arbitrary: hostileDate });
    case 'DateTime':
      return instant;
    case 'Position':
      return fc.oneof(
        world.positions.length > 0
          ? fc.constantFrom(...world.positions)
          : fc.constant('0000000000000001-0000000000000001'),
        fc.tuple(hex16, hex16).map(([a, b]) => `${a}-${b}`),
        fc.constantFrom('ffffffffffffffff-ffffffffffffffff', '0-0'),
      );
    case 'Fen':
      return fc.oneof(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 1.5, 2 ** 53 + 2),
      );
    case 'AreaCode':
      return fc.oneof(
        pick(world.areas.own),
        pick(world.areas.foreign),
        fc.constantFrom('320000000000', '320924000201'),
      );
    case 'JSON':
      return fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant({ household: { villageCode: '320924102203' } }));
    default:
      return hostileText;
  }
}

/** A selection of an output type: its leaves, and its objects down to `depth`, arguments as variables. */
function selectionOf(
  type: GraphQLOutputType,
  path: string,
  depth: number,
  args: { name: string; arg: GraphQLArgument }[],
): string {
  const named = getNamedType(type) as GraphQLNamedType;
  if (isLeafType(named)) return '';
  if (isUnionType(named) || isInterfaceType(named)) {
    const members = isUnionType(named) ? named.getTypes() : [];
    const inner = members
      .map(
        (member) =>
          `... on ${member.name} { ${selectionOf(member, `${path}_${member.name}`, depth, args) || '__typename'} }`,
      )
      .join(' ');
    return `__typename ${inner}`;
  }
  if (!isObjectType(named)) return '__typename';
  const parts: string[] = [];
  for (const field of Object.values(named.getFields()) as GraphQLField<unknown, unknown>[]) {
    const leaf = isLeafType(getNamedType(field.type));
    if (!leaf && depth <= 0) continue;
    const fieldPath = `${path}_${field.name}`;
    const declared = field.args.map((arg) => {
      const variable = `${fieldPath}_${arg.name}`;
      args.push({ name: variable, arg });
      return `${arg.name}: $${variable}`;
    });
    const call = declared.length > 0 ? `${field.name}(${declared.join(', ')})` : field.name;
    if (leaf) parts.push(call);
    else {
      const inner = selectionOf(field.type, fieldPath, depth - 1, args);
      if (inner) parts.push(`${call} { ${inner} }`);
    }
  }
  return parts.length > 0 ? parts.join(' ') : '__typename';
}

/** One operation per query and mutation field of the schema. */
export function operationsOf(schema: GraphQLSchema, world: World): Operation[] {
  const operations: Operation[] = [];
  const make = (kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, depth: number) => {
    const args: { name: string; arg: GraphQLArgument }[] = [];
    const root = field.args.map((arg) => {
      args.push({ name: arg.name, arg });
      return `${arg.name}: $${arg.name}`;
    });
    const selection = selectionOf(field.type, field.name, depth, args);
    const declarations = args.map(({ name, arg }) => `$${name}: ${arg.type.toString()}`).join(', ');
    const call = root.length > 0 ? `${field.name}(${root.join(', ')})` : field.name;
    const document = `${kind} Fuzz${declarations ? `(${declarations})` : ''} { ${call}${selection ? ` { ${selection} }` : ''} }`;
    const variablesIn = (mode: Mode) => {
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const { name, arg } of args) record[name] = valuesOf(arg.type, arg.name, world, mode);
      return fc
        .record(record, { requiredKeys: [] })
        .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
    };
    const variables = fc.oneof(variablesIn('plausible'), variablesIn('hostile'));
    operations.push({
      name: `${kind} ${field.name}`,
      document,
      variables,
      ...(kind === 'mutation' ? { mutationField: field.name } : {}),
    });
  };
  for (const field of Object.values(schema.getQueryType()?.getFields() ?? {})) make('query', field, 3);
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) make('mutation', field, 1);
  return operations;
}

/** A fresh command id, for setup commands. */
export const newId = () => randomUUID();

/** Text a clerk may type, at any length the field allows: CJK (beyond the BMP too), emoji, line breaks. */
const clerkText = (max: number) =>
  fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(max, 60) }),
    fc.constantFrom('𠮷野家', '👨‍👩‍👧‍👦 一家四口', '第一行\n第二行\t缩进', 'x'.repeat(max), '龘'.repeat(max)),
  );
const year = fc.integer({ min: 2014, max: 2100 });
const fen = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom(0, Number.MAX_SAFE_INTEGER));
const birth = fc.constantFrom('1900-01-01', '1950-06-15', '2000-02-29', '2014-01-01');

/**
 * Commands that ought to be accepted, carrying the extremes the write side allows (largest sums,
 * longest texts, oldest births, the first and last days, thirty members): whatever is accepted
 * must then be held by the read models.
 */
export function acceptableCommands(
  operations: Operation[],
  world: World & { monitored: string; planned: { id: string; measureId: string } },
): Operation[] {
  const documentOf = (field: string) => {
    const op = operations.find((o) => o.mutationField === field);
    if (!op) throw new Error(`no mutation ${field}`);
    return op.document;
  };
  const envelope = (
    data: fc.Arbitrary<Record<string, unknown>> | ((effectiveAt: string) => fc.Arbitrary<Record<string, unknown>>),
    householdId: fc.Arbitrary<string> = fc.constant(world.monitored),
  ) =>
    validDate.chain((effectiveAt) =>
      fc.record({
        commandId: uuid,
        input: fc.record({
          householdId,
          effectiveAt: fc.constant(effectiveAt),
          reason: clerkText(2000),
          data: typeof data === 'function' ? data(effectiveAt) : data,
        }),
      }),
    );
  const op = (field: string, variables: fc.Arbitrary<Record<string, unknown>>): Operation => ({
    name: `acceptable ${field}`,
    document: documentOf(field),
    variables,
    mutationField: field,
  });
  const category = fc.constantFrom('industry', 'employment', 'training', 'relocation', 'other');
  const source = fc.constantFrom('central', 'county', 'social_donation', 'self_raised');
  const members = fc
    .tuple(fc.integer({ min: 0, max: 29 }), birth)
    .map(([others, born]) => [person('head', 'male', born), ...Array.from({ length: others }, () => person('other'))]);
  const household = fc.record({
    villageCode: fc.constantFrom(...world.villages.own),
    address: clerkText(200),
    group: fc.constantFrom('一组', '十二组'),
  });
  return [
    op('recordVisit', envelope(fc.record({ notes: clerkText(2000) }))),
    op(
      'planAssistance',
      envelope(fc.record({ category, description: clerkText(2000), amountFen: fen, fundingSource: source, year })),
    ),
    op(
      'assessConditions',
      envelope((effectiveAt) =>
        fc.record({
          year: fc.constant(Number(effectiveAt.slice(0, 4))),
          incomePerCapitaFen: fen,
          food: fc.boolean(),
          clothing: fc.boolean(),
          compulsoryEducation: fc.boolean(),
          basicMedical: fc.boolean(),
          safeHousing: fc.boolean(),
          safeDrinkingWater: fc.boolean(),
        }),
      ),
    ),
    op(
      'addMember',
      envelope(fc.record({ member: birth.map((b) => person('child', 'female', b)), reason: fc.constant('birth') })),
    ),
    op('applyForRegistration', envelope(fc.record({ household, members, statement: clerkText(2000) }), uuid)),
    op(
      'startMonitoring',
      envelope(
        fc.record({
          category: fc.constantFrom('edge_vulnerable', 'sudden_hardship'),
          risks: fc.array(clerkText(200), { minLength: 1, maxLength: 20 }),
          household,
          members,
        }),
        uuid,
      ),
    ),
    op(
      'correctEvent',
      envelope(
        fc.record({
          eventId: fc.constant(world.planned.id),
          action: fc.constant('replace'),
          replacementData: fc.record({
            measureId: fc.constant(world.planned.measureId),
            category,
            description: clerkText(2000),
            amountFen: fen,
            fundingSource: source,
            year,
          }),
        }),
      ),
    ),
  ];
}
