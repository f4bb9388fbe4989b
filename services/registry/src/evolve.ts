import type { HouseholdEventType } from '@registry/schema';
import * as adjustment from './rules/adjustment.js';
import * as agencyFinding from './rules/agency-finding.js';
import * as alerts from './rules/alerts.js';
import * as areaMove from './rules/area-move.js';
import * as assessment from './rules/assessment.js';
import * as assistance from './rules/assistance.js';
import * as corrections from './rules/corrections.js';
import * as decrease from './rules/decrease.js';
import * as details from './rules/details.js';
import * as elimination from './rules/elimination.js';
import * as exit from './rules/exit.js';
import * as identification from './rules/identification.js';
import * as imports from './rules/import.js';
import * as members from './rules/members.js';
import * as monitoring from './rules/monitoring.js';
import * as notices from './rules/notices.js';
import * as plan from './rules/plan.js';
import * as removal from './rules/removal.js';
import * as returns from './rules/return.js';
import type { DomainEvent, EventOf, Evolver, Evolvers } from './rules/types.js';
import * as wrongExit from './rules/wrong-exit.js';
import type { HouseholdState } from './state.js';

export type { DomainEvent } from './rules/types.js';

/** Every event's fold, each in the file of its rule; the type makes a missing one a compile error. */
const EVOLVERS: Evolvers<HouseholdEventType> = {
  ...identification.evolve,
  ...imports.evolve,
  ...notices.evolve,
  ...members.evolve,
  ...assistance.evolve,
  ...assessment.evolve,
  ...adjustment.evolve,
  ...exit.evolve,
  ...returns.evolve,
  ...wrongExit.evolve,
  ...agencyFinding.evolve,
  ...areaMove.evolve,
  ...plan.evolve,
  ...removal.evolve,
  ...decrease.evolve,
  ...details.evolve,
  ...monitoring.evolve,
  ...alerts.evolve,
  ...elimination.evolve,
  ...corrections.evolve,
};

/**
 * Applies one event to the state. Pure and total: it never refuses (deciding is decide's
 * job), so any stored history folds, also one corrected after the fact.
 */
export function evolve(state: HouseholdState, event: DomainEvent): HouseholdState {
  const next = evolveBy(event.type, state, event);
  // An event that moves an open case (a step, a notice, an objection) dates it: the case keeps
  // the latest such effective date, and no later step may take effect before it.
  if (next.case && next.case !== state.case) {
    const before = state.case?.kind === next.case.kind ? state.case.stepOn : undefined;
    const stepOn = before && before > event.effectiveAt ? before : event.effectiveAt;
    return { ...next, case: { ...next.case, stepOn } };
  }
  return next;
}

/** The evolver of `type`, typed by it: TypeScript pairs a union's members with their table entries through a type parameter. */
function evolveBy<T extends HouseholdEventType>(type: T, state: HouseholdState, event: EventOf<T>): HouseholdState {
  const evolver: Evolver<T> = EVOLVERS[type];
  return evolver(state, event);
}
