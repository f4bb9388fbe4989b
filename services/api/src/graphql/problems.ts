import { GraphQLError } from 'graphql';

/**
 * Codes in `extensions.code` of GraphQL errors that are not a mutation's result union: stable
 * for machines. Anything else is answered "Unexpected error." (code INTERNAL_SERVER_ERROR)
 * and logged: a bug, never the caller's fault.
 */
export const ERROR_CODES = {
  /** A value the API cannot take; `extensions.issues` names each field and its rule. */
  badInput: 'BAD_USER_INPUT',
  /** The role or area does not allow this. */
  forbidden: 'FORBIDDEN',
  /** The read models have not reached the position waited for in time; retry. */
  behind: 'READ_MODEL_BEHIND',
  /** The database is away (restarting, failing over): nothing was done; retry after `Retry-After` seconds (HTTP 503). */
  unavailable: 'DATABASE_UNAVAILABLE',
  /** The read models stopped at an event they cannot project (an operator must act). */
  projectionFailed: 'PROJECTION_FAILED',
  /** The answer carried personal data whose read could not be recorded: it was not served; retry. */
  readNotRecorded: 'READ_NOT_RECORDED',
} as const;

export interface InputIssue {
  path: string;
  message: string;
}

/** A refusal of the request's input, naming the field and the rule. */
export function badInput(path: string, message: string, more: InputIssue[] = []): GraphQLError {
  const issues = [{ path, message }, ...more];
  return new GraphQLError(`${path}: ${message}${more.length > 0 ? ` (and ${more.length} more)` : ''}`, {
    extensions: { code: ERROR_CODES.badInput, issues },
  });
}
