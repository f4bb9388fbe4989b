import type { HouseholdCommand, HouseholdCommandType, HouseholdEvent } from '@registry/schema';
import { HouseholdNotFound } from './errors.js';
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
import { refuse } from './rules/guards.js';
import * as identification from './rules/identification.js';
import * as imports from './rules/import.js';
import * as members from './rules/members.js';
import * as monitoring from './rules/monitoring.js';
import * as notices from './rules/notices.js';
import * as plan from './rules/plan.js';
import * as removal from './rules/removal.js';
import * as returns from './rules/return.js';
import type { CommandOf, DecideContext, Decider, Deciders } from './rules/types.js';
import * as wrongExit from './rules/wrong-exit.js';
import type { HouseholdState } from './state.js';

export { CORRECTION_KEYS, VOIDABLE } from './rules/corrections.js';
export type { DecideContext } from './rules/types.js';

/** Every command's rule, each in the file of its rule; the type makes a missing one a compile error. */
const DECIDERS: Deciders<HouseholdCommandType> = {
  ...identification.decide,
  ...imports.decide,
  ...notices.decide,
  ...members.decide,
  ...assistance.decide,
  ...assessment.decide,
  ...adjustment.decide,
  ...exit.decide,
  ...returns.decide,
  ...wrongExit.decide,
  ...agencyFinding.decide,
  ...areaMove.decide,
  ...plan.decide,
  ...removal.decide,
  ...decrease.decide,
  ...details.decide,
  ...monitoring.decide,
  ...alerts.decide,
  ...elimination.decide,
  ...corrections.decide,
};

/** Commands that record a step of an open case (or its notice): in order on the effective clock too. */
const CASE_STEPS: ReadonlySet<HouseholdCommandType> = new Set([
  'RecordVillageReview',
  'OpenPublicNotice',
  'RecordObjection',
  'ResolveObjection',
  'ClosePublicNotice',
  'RecordTownshipReview',
  'RecordDataComparison',
  'ApproveRegistration',
  'RejectApplication',
  'ConfirmExit',
  'VerifyExit',
  'ApproveExit',
  'RejectExit',
  'ApproveMonitoring',
  'RejectMonitoring',
  'ApproveRiskElimination',
  'RejectRiskElimination',
]);

/** Commands that may come before the household is recorded: every other one needs it to exist. */
const CREATES: ReadonlySet<HouseholdCommandType> = new Set([
  'ApplyForRegistration',
  'StartMonitoring',
  'ImportHousehold',
  'RaiseRiskAlert',
]);

/**
 * Decides what a command means for a household: the events to record, or a refusal that
 * names the rule. Pure: time, actor and ids come in through the context.
 */
export function decide(command: HouseholdCommand, state: HouseholdState, ctx: DecideContext): HouseholdEvent[] {
  if (state.status === 'decreased') {
    refuse('HOUSEHOLD_CLOSED', 'the household was recorded as a natural decrease; nothing may follow', {
      decreasedOn: state.decreasedOn,
    });
  }
  if (state.status === 'none' && !CREATES.has(command.type)) throw new HouseholdNotFound(ctx.householdId);
  const events = decideBy(command.type, command, state, ctx);
  // Checked once the rule has found the step right: a step out of order is refused as such.
  const stepOn = state.case?.stepOn;
  if (CASE_STEPS.has(command.type) && stepOn && ctx.effectiveAt < stepOn) {
    refuse(
      'BEFORE_PREVIOUS_STEP',
      `a step cannot take effect (${ctx.effectiveAt}) before the ${state.case?.kind} case's previous one (${stepOn})`,
      { effectiveAt: ctx.effectiveAt, previousStepOn: stepOn },
    );
  }
  return events;
}

/** The decider of `type`, typed by it: TypeScript pairs a union's members with their table entries through a type parameter. */
function decideBy<T extends HouseholdCommandType>(
  type: T,
  command: CommandOf<T>,
  state: HouseholdState,
  ctx: DecideContext,
): HouseholdEvent[] {
  const decider: Decider<T> = DECIDERS[type];
  return decider(command, state, ctx);
}
