import type { HouseholdEventType } from '@registry/schema';
import * as assessment from './rules/assessment.js';
import * as assistance from './rules/assistance.js';
import * as corrections from './rules/corrections.js';
import * as decrease from './rules/decrease.js';
import * as exit from './rules/exit.js';
import * as identification from './rules/identification.js';
import * as members from './rules/members.js';
import * as monitoring from './rules/monitoring.js';
import * as notices from './rules/notices.js';
import * as removal from './rules/removal.js';
import * as returns from './rules/return.js';
import type { DomainEvent, Evolver, Evolvers } from './rules/types.js';
import type { HouseholdState } from './state.js';

export type { DomainEvent } from './rules/types.js';

/** Every event's fold, each in the file of its rule; the type makes a missing one a compile error. */
const EVOLVERS: Evolvers<HouseholdEventType> = {
  ...identification.evolve,
  ...notices.evolve,
  ...members.evolve,
  ...assistance.evolve,
  ...assessment.evolve,
  ...exit.evolve,
  ...returns.evolve,
  ...removal.evolve,
  ...decrease.evolve,
  ...monitoring.evolve,
  ...corrections.evolve,
};

/**
 * Applies one event to the state. Pure and total: it never refuses (deciding is decide's
 * job), so any stored history folds, also one corrected after the fact.
 */
export function evolve(state: HouseholdState, event: DomainEvent): HouseholdState {
  return (EVOLVERS[event.type] as Evolver<HouseholdEventType>)(state, event as never);
}
