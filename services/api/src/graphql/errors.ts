import { ConcurrencyConflict, HouseholdNotFound, RuleViolation, ValidationError } from '@registry/registry';
import { refusalText } from '@registry/schema/messages';
import { Forbidden } from '../auth.js';
import { builder } from './builder.js';
import { ExitCriterionEnum } from './enums.js';

/** Expected failures, returned as members of each mutation's result union. */
export const ProblemInterface = builder.interfaceRef<Error>('Problem').implement({
  description: 'A refusal: nothing was written.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'The rule’s own message, in English, with its details.' }),
    localizedMessage: t.string({
      description:
        'The refusal for people, in the caller’s language (Accept-Language; Chinese by default), from the shared message catalogue: for an exit, each unmet criterion and by how much.',
      resolve: (error, _args, ctx) => refusalText(describeRefusal(error), ctx.language),
    }),
  }),
});

/**
 * A refusal as the message catalogue reads it: its stable code and what it found. Told apart
 * by `code`, not `instanceof`: Pothos' errors plugin hands these fields a proxy of the error
 * whose prototype chain is proxied too, so `instanceof` is false for every class (every
 * refusal then read "internal error").
 */
function describeRefusal(error: Error): Parameters<typeof refusalText>[0] {
  const known = error as Error & {
    code?: string;
    rule?: string;
    unmetCriteria?: string[];
    facts?: Record<string, unknown>;
    issues?: { path: string; message: string }[];
  };
  switch (known.code) {
    case 'RULE_VIOLATION':
      return {
        code: known.rule ?? 'RULE_VIOLATION',
        detail: error.message,
        unmetCriteria: known.unmetCriteria ?? [],
        facts: known.facts ?? {},
      };
    case 'VALIDATION':
      return { code: 'VALIDATION', detail: error.message, issues: known.issues ?? [] };
    case 'CONCURRENCY_CONFLICT':
    case 'NOT_FOUND':
    case 'FORBIDDEN':
      return { code: known.code, detail: error.message };
    default:
      return { code: 'INTERNAL', detail: error.message };
  }
}

const FieldIssue = builder.objectRef<{ path: string; message: string }>('FieldIssue').implement({
  fields: (t) => ({
    path: t.exposeString('path', { description: 'The argument path, e.g. input.data.members.0.nationalId' }),
    message: t.exposeString('message', { description: 'The rule the value breaks.' }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'Input that does not fit its schema; each issue names the field and the rule.',
  interfaces: [ProblemInterface],
  fields: (t) => ({ issues: t.field({ type: [FieldIssue], resolve: (e) => e.issues }) }),
});

builder.objectType(RuleViolation, {
  name: 'RuleViolation',
  description: 'A rule of the registry refuses the command.',
  interfaces: [ProblemInterface],
  fields: (t) => ({
    rule: t.exposeString('rule', { description: 'A stable code, e.g. EXIT_CRITERIA_UNMET.' }),
    facts: t.field({ type: 'JSON', description: 'The facts the rule looked at.', resolve: (e) => e.facts }),
    unmetCriteria: t.field({
      type: [ExitCriterionEnum],
      description: 'Exit criteria not met, where the rule is about an exit.',
      resolve: (e) => e.unmetCriteria,
    }),
  }),
});

builder.objectType(ConcurrencyConflict, {
  name: 'ConcurrencyConflict',
  description: 'The household moved on since the version the client gave.',
  interfaces: [ProblemInterface],
  fields: (t) => ({
    householdId: t.exposeID('householdId'),
    expectedVersion: t.exposeInt('expectedVersion'),
    actualVersion: t.exposeInt('actualVersion'),
  }),
});

builder.objectType(HouseholdNotFound, {
  name: 'NotFound',
  description: 'No household with this id is in the registry.',
  interfaces: [ProblemInterface],
  fields: (t) => ({ householdId: t.exposeID('householdId') }),
});

builder.objectType(Forbidden, {
  name: 'Forbidden',
  description: "The caller's role or area does not allow this.",
  interfaces: [ProblemInterface],
  fields: () => ({}),
});

export const COMMAND_ERRORS = [ValidationError, RuleViolation, ConcurrencyConflict, HouseholdNotFound, Forbidden];
