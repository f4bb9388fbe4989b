import {
  type Actor,
  CommandEnvelope,
  chinaDate,
  type EventMetadata,
  type HouseholdCommand,
  HouseholdCommands,
  type HouseholdCommandType,
} from '@registry/schema';
import type { z } from 'zod';
import { type FieldIssue, ValidationError } from './errors.js';
import { deriveId } from './ids.js';

/** Parsing a command at the edge, naming its issues where the caller put the fields, and the metadata its events carry. */

/** Where a command's fields sit in the caller's input, to name them in issues. */
export interface IssuePaths {
  /** The path of an envelope field (`commandId`, `effectiveAt`, `reason`, …). */
  envelope(field: string): string;
  /** The path the command's own data sits at. */
  data: string;
}

/** The handler's own arguments: envelope fields by name, the data under `input`. */
export const HANDLER_PATHS: IssuePaths = { envelope: (field) => field, data: 'input' };

const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(Object.keys(CommandEnvelope.shape));

/** A command parsed once, at the edge: typed, and knowing how to name its fields in issues found later. */
export interface ParsedCommand {
  envelope: CommandEnvelope;
  command: HouseholdCommand;
  paths: IssuePaths;
}

const joined = (...parts: (string | number)[]) => parts.filter((p) => p !== '').join('.');

/**
 * Parses an envelope and a command's data against their schemas, and refuses an effective
 * date after today in China. Every issue of both is reported at once, at the caller's paths.
 */
export function parseCommand(
  envelopeInput: unknown,
  type: string,
  dataInput: unknown,
  now: Date,
  paths: IssuePaths = HANDLER_PATHS,
): ParsedCommand {
  if (!Object.hasOwn(HouseholdCommands, type)) {
    throw new ValidationError([{ path: 'type', message: `is not a household command: ${type}` }]);
  }
  const envelope = CommandEnvelope.safeParse(envelopeInput);
  const data = HouseholdCommands[type as HouseholdCommandType].schema.safeParse(dataInput);
  const problems: FieldIssue[] = [];
  if (!envelope.success) problems.push(...issues(envelope.error, paths));
  if (!data.success) problems.push(...issues(data.error, { ...paths, envelope: (f) => joined(paths.data, f) }));
  if (envelope.success) problems.push(...futureDate(envelope.data.effectiveAt, now, paths.envelope('effectiveAt')));
  if (!envelope.success || !data.success || problems.length > 0) throw new ValidationError(problems);
  // The type was checked against the table above and the data against that type's schema.
  return { envelope: envelope.data, command: { type, data: data.data } as HouseholdCommand, paths };
}

/** Zod's issues at the caller's paths (the first segment placed by `paths.envelope`). */
export function issues(error: z.ZodError, paths: Pick<IssuePaths, 'envelope'>): FieldIssue[] {
  return error.issues.map((i) => {
    const [head = '', ...rest] = i.path.map(String);
    return { path: joined(paths.envelope(head), ...rest), message: i.message };
  });
}

/** Issues a rule found in a command, named where the caller put the fields: envelope fields as such, the rest under the data. */
export function atPaths(error: ValidationError, paths: IssuePaths): ValidationError {
  return new ValidationError(
    error.issues.map((issue) => {
      const [head = '', ...rest] = issue.path.split('.');
      return {
        ...issue,
        path: ENVELOPE_FIELDS.has(head) ? joined(paths.envelope(head), ...rest) : joined(paths.data, issue.path),
      };
    }),
  );
}

/** A command id already used for a different command (on another household, or another command). */
export function commandIdTaken(paths: Pick<IssuePaths, 'envelope'> = HANDLER_PATHS): ValidationError {
  return new ValidationError([
    {
      path: paths.envelope('commandId'),
      message: 'was already used for a different command; every command needs a new id',
    },
  ]);
}

/**
 * Refuses an effective date after today in China (UTC+8): the registry records what has
 * taken effect, and a date ahead would count in indicators before it happens.
 */
export function futureDate(date: string, now: Date, path: string): FieldIssue[] {
  const today = chinaDate(now);
  return date > today ? [{ path, message: `must not be in the future (today is ${today}, China Standard Time)` }] : [];
}

/**
 * The metadata every event of a command carries: who, when it takes effect, why, and the
 * ids that tie it to its command (the correlation id derives from the command id unless given).
 */
export function commandMetadata(
  envelope: Pick<CommandEnvelope, 'commandId' | 'effectiveAt' | 'reason' | 'correlationId' | 'causationId'>,
  actor: Actor,
): Omit<EventMetadata, 'schemaVersion'> {
  return {
    actor,
    effectiveAt: envelope.effectiveAt,
    ...(envelope.reason ? { reason: envelope.reason } : {}),
    correlationId: envelope.correlationId ?? deriveId(envelope.commandId, 'correlation'),
    ...(envelope.causationId ? { causationId: envelope.causationId } : {}),
    commandId: envelope.commandId,
  };
}
