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

/** A refusal as the message catalogue reads it: its stable code and what it found. */
function describeRefusal(error: Error): Parameters<typeof refusalText>[0] {
  if (error instanceof RuleViolation) {
    return { code: error.rule, detail: error.message, unmetCriteria: error.unmetCriteria, facts: error.facts };
  }
  if (error instanceof ValidationError) return { code: 'VALIDATION', detail: error.message, issues: error.issues };
  if (error instanceof ConcurrencyConflict) return { code: 'CONCURRENCY_CONFLICT', detail: error.message };
  if (error instanceof HouseholdNotFound) return { code: 'NOT_FOUND', detail: error.message };
  return { code: error instanceof Forbidden ? 'FORBIDDEN' : 'INTERNAL', detail: error.message };
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
