import type {
  HouseholdCommand,
  HouseholdCommandType,
  HouseholdEvent,
  HouseholdEventType,
  Policy,
} from '@registry/schema';
import type { HouseholdState } from '../state.js';

/** A household event with the business date it took effect (from its metadata). */
export type DomainEvent = HouseholdEvent & { effectiveAt: string };

export interface DecideContext {
  commandId: string;
  householdId: string;
  /** The command's business date. */
  effectiveAt: string;
  reason?: string;
  policy: Policy;
  /** An earlier event of this household's stream, for corrections. */
  findEvent(eventId: string): { type: string; data: unknown } | undefined;
  /** An earlier event's data as in force now: its latest replacement's, else its own. */
  currentData?(eventId: string): unknown;
}

export type CommandOf<T extends HouseholdCommandType> = Extract<HouseholdCommand, { type: T }>;
export type EventOf<T extends HouseholdEventType> = Extract<DomainEvent, { type: T }>;

/** What one command means for a household: its events, or a refusal thrown. */
export type Decider<T extends HouseholdCommandType> = (
  command: CommandOf<T>,
  state: HouseholdState,
  ctx: DecideContext,
) => HouseholdEvent[];

/** What one event makes of a household. Pure and total: it never refuses. */
export type Evolver<T extends HouseholdEventType> = (state: HouseholdState, event: EventOf<T>) => HouseholdState;

/** A rule's deciders, one per command it owns. */
export type Deciders<T extends HouseholdCommandType> = { [K in T]: Decider<K> };
/** A rule's evolvers, one per event it owns. */
export type Evolvers<T extends HouseholdEventType> = { [K in T]: Evolver<K> };
