import { ConcurrencyConflict, HouseholdNotFound, RuleViolation, ValidationError } from '@registry/registry';
import { Forbidden } from '../auth.js';
import { builder } from './builder.js';
import { ExitCriterionEnum } from './enums.js';

/** Expected failures, returned as members of each mutation's result union. */
export const ProblemInterface = builder.interfaceRef<Error>('Problem').implement({
  description: 'A refusal: nothing was written.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

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
