import {
  ComparisonFinding,
  Fen,
  Helper,
  HouseholdDetails,
  Insurance,
  Member,
  MemberChanges,
  Uuid,
} from '@registry/schema';
import type { z } from 'zod';
import { builder } from './builder.js';
import { enumFor, enumOf } from './enums.js';

/**
 * GraphQL input types generated from the commands' zod schemas, so the two cannot drift:
 * GraphQL checks shapes and types, then the same zod schema the handler uses checks every
 * rule and names the field. Refinements (cross-field rules) stay in zod.
 */

interface Converted {
  /** A Pothos type parameter: a ref or a scalar name, or a list of one. */
  type: unknown;
  list: boolean;
  optional: boolean;
  nullable: boolean;
  normalize(value: unknown): unknown;
  /** Objects: whether any of their fields is required. */
  hasRequired?: boolean;
}

/** The part of the Pothos builder used here, typed loosely: these types are built from data. */
interface LooseFieldBuilder {
  field(options: { type: unknown; required: unknown; description?: string }): unknown;
}
interface LooseInputRef {
  implement(options: { description?: string; fields: (t: LooseFieldBuilder) => object }): unknown;
}

export type DataInputRef = ReturnType<typeof builder.inputRef<Record<string, unknown>>>;

const NAMED_OBJECTS = new Map<z.ZodType, string>([
  [Member, 'MemberInput'],
  [HouseholdDetails, 'HouseholdDetailsInput'],
  [Insurance, 'InsuranceInput'],
  [Helper, 'HelperInput'],
  [MemberChanges, 'MemberChangesInput'],
  [ComparisonFinding, 'ComparisonFindingInput'],
]);

const objects = new Map<z.ZodType, Converted>();

const identity = (value: unknown) => value;
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  left?: z.ZodType;
  right?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: ZodDef } })._zod.def;

function scalar(type: string): Converted {
  return { type, list: false, optional: false, nullable: false, normalize: identity };
}

interface Fields {
  shape: Record<string, z.ZodType>;
  /** Fields of one variant of a discriminated union: optional in GraphQL, checked by zod. */
  variant: Record<string, z.ZodType>;
  tag?: { key: string; values: string[] };
}

/** The fields of an object-like schema: an object, an intersection of objects, or a discriminated union. */
function fieldsOf(schema: z.ZodType, name: string): Fields {
  const def = defOf(schema);
  if (def.type === 'object') return { shape: def.shape ?? {}, variant: {} };
  if (def.type === 'intersection') {
    const left = fieldsOf(def.left as z.ZodType, name);
    const right = fieldsOf(def.right as z.ZodType, name);
    return { shape: { ...left.shape, ...right.shape }, variant: { ...left.variant, ...right.variant } };
  }
  if (def.type === 'union' && def.discriminator) {
    // GraphQL has no input unions: one object with the discriminator and every variant's
    // fields, those optional; zod then checks the chosen variant.
    const key = def.discriminator;
    const variant: Record<string, z.ZodType> = {};
    const values: string[] = [];
    for (const option of def.options ?? []) {
      for (const [field, fieldSchema] of Object.entries(fieldsOf(option, name).shape)) {
        if (field === key) values.push(...(defOf(fieldSchema).values ?? []).map(String));
        else variant[field] = fieldSchema;
      }
    }
    return { shape: {}, variant, tag: { key, values } };
  }
  throw new Error(`${name}: cannot make a GraphQL input from a zod ${def.type}`);
}

function objectType(schema: z.ZodType, hint: string): Converted {
  const cached = objects.get(schema);
  if (cached) return cached;
  const name = NAMED_OBJECTS.get(schema) ?? hint;
  const { shape, variant, tag } = fieldsOf(schema, name);
  const fields: Record<string, Converted> = {};
  const converted: Converted = {
    type: undefined,
    list: false,
    optional: false,
    nullable: false,
    normalize: (value) => {
      if (value === null || typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        const field = fields[key];
        if (v === undefined || (v === null && !field?.nullable)) continue;
        out[key] = field ? field.normalize(v) : v;
      }
      return out;
    },
  };
  objects.set(schema, converted);
  for (const [key, field] of Object.entries(shape))
    fields[key] = convert(field, `${name.replace(/Input$/, '')}${capitalize(key)}`);
  const base = name.replace(/(Input|Data)$/, '');
  if (tag) fields[tag.key] = { ...scalar(''), type: enumOf(`${base}${capitalize(tag.key)}`, tag.values) };
  for (const [key, field] of Object.entries(variant)) {
    fields[key] = { ...convert(field, `${base}${capitalize(key)}`), optional: true };
  }
  const ref = builder.inputRef<Record<string, unknown>>(
    name.endsWith('Input') || name.endsWith('Data') ? name : `${name}Input`,
  );
  (ref as unknown as LooseInputRef).implement({
    fields: (t) =>
      Object.fromEntries(
        Object.entries(fields).map(([key, f]) => [
          key,
          t.field({
            type: f.list ? [f.type] : f.type,
            required: f.list ? { list: !f.optional, items: true } : !f.optional,
          }),
        ]),
      ),
  });
  converted.type = ref;
  converted.hasRequired = Object.values(fields).some((f) => !f.optional);
  return converted;
}

function convert(schema: z.ZodType, hint: string): Converted {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
      return { ...convert(def.innerType as z.ZodType, hint), optional: true };
    case 'nullable':
      return { ...convert(def.innerType as z.ZodType, hint), optional: true, nullable: true };
    case 'pipe':
      return convert(def.in as z.ZodType, hint);
    case 'string':
      return scalar(schema === Uuid ? 'ID' : 'String');
    case 'number':
      if (schema === Fen) return scalar('Fen');
      return scalar((schema as z.ZodNumber).isInt ? 'Int' : 'Float');
    case 'boolean':
      return scalar('Boolean');
    case 'enum':
      return { ...scalar(''), type: enumFor(schema as z.ZodEnum, hint) };
    case 'array': {
      const element = convert(def.element as z.ZodType, hint);
      return {
        type: element.type,
        list: true,
        optional: false,
        nullable: false,
        normalize: (value) => (Array.isArray(value) ? value.map(element.normalize) : value),
      };
    }
    case 'object':
    case 'intersection':
    case 'union':
      return objectType(schema, hint);
    case 'record':
    case 'unknown':
    case 'any':
      return scalar('JSON');
    default:
      throw new Error(`${hint}: cannot make a GraphQL input from a zod ${def.type}`);
  }
}

export interface GeneratedInput {
  /** The input object type, or undefined when the schema has no fields. */
  type: DataInputRef | undefined;
  /** Whether any field is required, so the data itself must be given. */
  required: boolean;
  /** GraphQL's input turned into what zod expects: omitted and null optional fields dropped. */
  normalize(value: unknown): unknown;
}

/** The GraphQL input object for a command's data schema, named `name`. */
export function inputFromZod(schema: z.ZodType, name: string): GeneratedInput {
  const def = defOf(schema);
  if (def.type === 'object' && Object.keys(def.shape ?? {}).length === 0) {
    return { type: undefined, required: false, normalize: () => ({}) };
  }
  const converted = objectType(schema, name);
  return {
    type: converted.type as DataInputRef,
    required: converted.hasRequired ?? true,
    normalize: converted.normalize,
  };
}
