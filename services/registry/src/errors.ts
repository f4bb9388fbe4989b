import type { ExitCriterion } from '@registry/schema';

/** An expected refusal: the clerk gets the code and the facts, nothing is written. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export interface FieldIssue {
  path: string;
  message: string;
}

/** Input that does not fit its schema. Each issue names the field and the rule. */
export class ValidationError extends DomainError {
  readonly code = 'VALIDATION';
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; '));
    this.name = 'ValidationError';
  }
}

/** A rule of the registry refuses the command. `rule` is a stable code; `facts` say why. */
export class RuleViolation extends DomainError {
  readonly code = 'RULE_VIOLATION';
  constructor(
    readonly rule: string,
    message: string,
    readonly facts: Record<string, unknown> = {},
    readonly unmetCriteria: ExitCriterion[] = [],
  ) {
    super(message);
    this.name = 'RuleViolation';
  }
}

export class HouseholdNotFound extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(readonly householdId: string) {
    super(`household ${householdId} is not in the registry`);
    this.name = 'HouseholdNotFound';
  }
}

/** The household moved on since the version the client gave. */
export class ConcurrencyConflict extends DomainError {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(
    readonly householdId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`household ${householdId} is at version ${actualVersion}, not the expected ${expectedVersion}`);
    this.name = 'ConcurrencyConflict';
  }
}
