import type { HouseholdEvent } from '@registry/schema';
import { evaluateExit } from '../criteria.js';
import type { HouseholdState, OpenCase } from '../state.js';
import { nextStep } from '../steps.js';
import type { DecideContext } from './types.js';

/**
 * The open case (identification or exit) that several rules move along: a review approved, a
 * notice closed, a comparison recorded, an exit signed or verified each advance it a step.
 */
export function advance(state: HouseholdState): OpenCase | undefined {
  const open = state.case;
  if (!open) return undefined;
  const step = nextStep(open.kind, open.step);
  return step ? { ...open, step, notice: undefined } : undefined;
}

/** The event that ends a case with a refusal at `step`: an application rejected, or an exit refused with its unmet criteria. */
export function rejection(
  kind: 'identification' | 'exit',
  step: string,
  reason: string,
  state: HouseholdState,
  ctx: DecideContext,
): HouseholdEvent {
  if (kind === 'identification') {
    return { type: 'ApplicationRejected', data: { step: step as never, reason } };
  }
  const unmet = state.case?.year === undefined ? [] : evaluateExit(state, state.case.year, ctx.policy).unmet;
  return { type: 'ExitRejected', data: { step: step as never, reason, unmetCriteria: unmet } };
}
