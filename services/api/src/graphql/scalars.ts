import { IsoDate } from '@registry/schema';
import { GraphQLError, Kind, valueFromASTUntyped } from 'graphql';
import { builder } from './builder.js';

function parseDate(value: unknown): string {
  const parsed = IsoDate.safeParse(value);
  if (!parsed.success) throw new GraphQLError(`Date ${JSON.stringify(value)}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    throw new GraphQLError(`DateTime ${JSON.stringify(value)}: must be an ISO 8601 instant, e.g. 2020-01-01T00:00:00Z`);
  }
  return new Date(value).toISOString();
}

function parsePosition(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{16}-[0-9a-f]{16}$/.test(value)) {
    throw new GraphQLError(`Position ${JSON.stringify(value)}: must be a position returned by this API`);
  }
  return value;
}

function parseFen(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new GraphQLError(`Fen ${JSON.stringify(value)}: must be a whole number of fen (1 yuan = 100 fen)`);
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

builder.scalarType('JSON', {
  description: 'Any JSON value: event data as stored.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
