import { RuleViolation, ValidationError } from '../errors.js';
import { ASSISTED, type HouseholdState, type Status } from '../state.js';
import { STEP_NAMES } from '../steps.js';
import type { DecideContext } from './types.js';

/** The checks several rules share. Each refuses with a stable rule code and the facts behind it. */

export function refuse(rule: string, message: string, facts: Record<string, unknown> = {}): never {
  throw new RuleViolation(rule, message, facts);
}

export const year = (date: string) => Number(date.slice(0, 4));

export function requireReason(ctx: DecideContext, what: string): string {
  if (!ctx.reason) throw new ValidationError([{ path: 'reason', message: `is required to ${what}` }]);
  return ctx.reason;
}

export function requireStatus(state: HouseholdState, allowed: readonly Status[], action: string): void {
  if (!allowed.includes(state.status)) {
    refuse('STATUS', `cannot ${action}: the household is ${state.status}, must be ${allowed.join(' or ')}`, {
      status: state.status,
      allowed,
    });
  }
}

export function requireStep(state: HouseholdState, kind: 'identification' | 'exit' | 'any', step: string | string[]) {
  const open = state.case;
  const steps = Array.isArray(step) ? step : [step];
  if (!open || (kind !== 'any' && open.kind !== kind)) {
    refuse('NO_OPEN_CASE', `there is no open ${kind === 'any' ? '' : `${kind} `}case`, { status: state.status });
  }
  if (!steps.includes(open.step)) {
    refuse(
      'OUT_OF_ORDER',
      `the ${open.kind} case is at ${STEP_NAMES[open.step]}, not ${steps.map((s) => STEP_NAMES[s as keyof typeof STEP_NAMES]).join(' or ')}`,
      { expectedStep: open.step, attemptedStep: steps },
    );
  }
  if (open.notice && !steps.some((s) => s.endsWith('_notice'))) {
    refuse('NOTICE_OPEN', 'a public notice is still open', { noticeId: open.notice.noticeId });
  }
  return open;
}

export function requireAssisted(state: HouseholdState, action: string): void {
  if (!ASSISTED.includes(state.status) && !state.monitoring) {
    refuse(
      'NOT_ASSISTED',
      `cannot ${action}: only registered, returned or exited households, or monitored ones, receive assistance`,
      { status: state.status },
    );
  }
}
