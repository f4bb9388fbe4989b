import type { AreaLevel, HouseholdCommand, Policy } from '@registry/schema';
import type { HistoryEvent } from './fold.js';
import type { PolicySource } from './policy-book.js';
import type { HouseholdState } from './state.js';

/** The command handler's options and answers. */

export interface CommandResult {
  householdId: string;
  /** The household's version (revision of its last event) after the command. */
  version: number;
  /** Global position of the command's last event: wait for projections to reach it. */
  position: string;
  events: HistoryEvent[];
  /** True when this command id had been handled before and nothing new was written. */
  duplicate: boolean;
}

/**
 * Called twice per attempt: with the household's state as just read, before the command is
 * decided (`before`; also before a repeated command id is answered), and with the state the
 * decided events would make (`after`), before anything is appended. Throws to refuse, e.g.
 * when the caller's area does not cover the household before or after the command (a
 * correction can move a household to another village).
 */
export type CommandGuard = (state: HouseholdState, command: HouseholdCommand, phase: 'before' | 'after') => void;

export interface HandlerOptions {
  /** The policy the rules read: recorded versions (each command reads the one in force on its effective date) or one fixed policy. */
  policy: Policy | PolicySource;
  /**
   * Re-read-and-decide attempts on a conflict when the client gave no expected version.
   * Each lost attempt means another command on the household landed, so with k commands
   * racing on one household every one lands within k attempts.
   */
  maxAttempts?: number;
  /** Households whose parsed history and state stay in memory (least recently used go first). */
  cacheSize?: number;
  /** The time now, to refuse effective dates in the future. Default: the system clock. */
  clock?: () => Date;
  /**
   * How long a claim on a key (ID number, card number) is honoured while its household does
   * not hold the key yet, on a store that cannot append to several streams at once
   * (EventStoreDB): the time a household's append may take after its claim. Default 60 s.
   */
  claimLeaseMs?: number;
}

export interface RunOptions {
  guard?: CommandGuard;
  /**
   * Whether the caller may see a household in this village: a refusal for an ID or card number
   * held by another household names that household (card number, village) only then, and
   * says "another area" otherwise. Default: every household.
   */
  canSee?: (villageCode: string) => boolean;
  /**
   * The level of the caller's area (village, township, county …): the policy's `dutyLevels`
   * say which steps it may record. Absent for loaders acting for the system (the two-person
   * rule still applies).
   */
  level?: AreaLevel;
}
