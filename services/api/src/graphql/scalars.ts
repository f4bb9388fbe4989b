import { AreaCode, IsoDate } from '@registry/schema';
import { Kind, valueFromASTUntyped } from 'graphql';
import { toInstant } from '../instant.js';
import { builder } from './builder.js';
import { badInput } from './problems.js';

/** A value in an error message: JSON, cut short so a huge value does not come back whole. */
const shown = (value: unknown) => {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 80)}…` : json;
};

function parseDate(value: unknown): string {
  const parsed = IsoDate.safeParse(value);
  if (!parsed.success) throw badInput(`Date ${shown(value)}`, parsed.error.issues[0]?.message ?? 'is invalid');
  return parsed.data;
}

function parseDateTime(value: unknown): string {
  const instant = toInstant(value);
  if ('problem' in instant) throw badInput(`DateTime ${shown(value)}`, instant.problem);
  return instant.iso;
}

function parseAreaCode(value: unknown): string {
  const parsed = AreaCode.safeParse(value);
  if (!parsed.success) throw badInput(`AreaCode ${shown(value)}`, parsed.error.issues[0]?.message ?? 'is invalid');
  return parsed.data;
}

function parsePosition(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{16}-[0-9a-f]{16}$/.test(value)) {
    throw badInput(`Position ${shown(value)}`, 'must be a position returned by this API');
  }
  return value;
}

function parseFen(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw badInput(`Fen ${shown(value)}`, 'must be a whole number of fen (1 yuan = 100 fen)');
  }
  return value;
}

builder.scalarType('Date', {
  description: 'A calendar date YYYY-MM-DD (a business date: when something took effect).',
  serialize: (value) => value,
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('DateTime', {
  description: 'An instant in ISO 8601 with a time zone (system time: when something was recorded).',
  serialize: (value) => value,
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('Position', {
  description: 'A position in the global event log, as returned by a mutation. Opaque; sorts as a string.',
  serialize: (value) => value,
  parseValue: parsePosition,
  parseLiteral: (ast) => parsePosition(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('Fen', {
  description: 'Money in fen (1 yuan = 100 fen): a whole number, exact up to 2^53.',
  serialize: (value) => value,
  parseValue: parseFen,
  parseLiteral: (ast) => parseFen(ast.kind === Kind.INT ? Number(ast.value) : undefined),
});

builder.scalarType('AreaCode', {
  description:
    'A 12-digit statistical area code: province 2, city 2, county 2, township 3, village 3 digits (zeros below the level named).',
  serialize: (value) => value,
  parseValue: parseAreaCode,
  parseLiteral: (ast) => parseAreaCode(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('JSON', {
  description: 'Any JSON value: event data as stored.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
