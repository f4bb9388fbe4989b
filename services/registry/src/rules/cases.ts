import type { HouseholdEvent } from '@registry/schema';
import { evaluateElimination, evaluateExit } from '../criteria.js';
import type { HouseholdState, OpenCase } from '../state.js';
import { moveCase } from '../steps.js';
import type { DecideContext } from './types.js';

/**
 * The open case (identification or exit) that several rules move along: a review approved, a
 * notice closed, a comparison recorded, an exit signed or verified each advance it a step.
 */
export function advance(state: HouseholdState): OpenCase | undefined {
  return state.case && moveCase(state.case, 'next');
}

/**
 * The event that ends a case with a refusal at the step it is at: an application rejected, or
 * an exit refused with the criteria it does not meet.
 */
export function rejection(open: OpenCase, reason: string, state: HouseholdState, ctx: DecideContext): HouseholdEvent {
  if (open.kind === 'identification') {
    return { type: 'ApplicationRejected', data: { step: open.step, reason } };
  }
  if (open.kind === 'elimination') {
    const unmet = evaluateElimination(state, open.year, ctx.effectiveAt, ctx.policy).unmet;
    return { type: 'RiskEliminationRejected', data: { step: open.step, reason, unmetCriteria: unmet } };
  }
  if (open.kind === 'monitoring') {
    return { type: 'MonitoringIdentificationRejected', data: { alertId: open.alertId, step: open.step, reason } };
  }
  const unmet = evaluateExit(state, open.year, ctx.policy).unmet;
  return { type: 'ExitRejected', data: { step: open.step, reason, unmetCriteria: unmet } };
}
