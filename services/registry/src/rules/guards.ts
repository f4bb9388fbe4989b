import type { CaseStep, EliminationStep, ExitStep, IdentificationStep, MonitoringStep } from '@registry/schema';
import { RuleViolation, ValidationError } from '../errors.js';
import {
  ASSISTED,
  type CaseKind,
  type EliminationCase,
  type ExitCase,
  type HouseholdState,
  type IdentificationCase,
  type MonitoringCase,
  type OpenCase,
  type Status,
} from '../state.js';
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

/** The open case, which must be of this kind (or any) and at one of these steps, its notice closed unless a notice step is asked for. */
export function requireStep(
  state: HouseholdState,
  kind: 'identification',
  step: IdentificationStep | IdentificationStep[],
): IdentificationCase;
export function requireStep(state: HouseholdState, kind: 'exit', step: ExitStep | ExitStep[]): ExitCase;
export function requireStep(
  state: HouseholdState,
  kind: 'elimination',
  step: EliminationStep | EliminationStep[],
): EliminationCase;
export function requireStep(
  state: HouseholdState,
  kind: 'monitoring',
  step: MonitoringStep | MonitoringStep[],
): MonitoringCase;
export function requireStep(state: HouseholdState, kind: 'any', step: CaseStep | CaseStep[]): OpenCase;
export function requireStep(state: HouseholdState, kind: CaseKind | 'any', step: CaseStep | CaseStep[]): OpenCase {
  const open = state.case;
  const steps: CaseStep[] = Array.isArray(step) ? step : [step];
  if (!open || (kind !== 'any' && open.kind !== kind)) {
    refuse('NO_OPEN_CASE', `there is no open ${kind === 'any' ? '' : `${kind} `}case`, { status: state.status });
  }
  if (!steps.includes(open.step)) {
    refuse(
      'OUT_OF_ORDER',
      `the ${open.kind} case is at ${STEP_NAMES[open.step]}, not ${steps.map((s) => STEP_NAMES[s]).join(' or ')}`,
      { expectedStep: open.step, attemptedStep: steps },
    );
  }
  if (open.notice && !steps.some((s) => s.endsWith('_notice'))) {
    refuse('NOTICE_OPEN', 'a public notice is still open', { noticeId: open.notice.noticeId });
  }
  return open;
}

/**
 * Registered, returned and exited households receive assistance, and monitored ones; so does a
 * household taken in as a sudden hardship (突发严重困难户) while its identification is still
 * under way: "先帮扶后认定" — help first, the procedure after.
 */
export function requireAssisted(state: HouseholdState, action: string): void {
  const helpFirst = state.case?.kind === 'monitoring' && state.case.category === 'sudden_hardship';
  if (!ASSISTED.includes(state.status) && !state.monitoring && !helpFirst) {
    refuse(
      'NOT_ASSISTED',
      `cannot ${action}: only registered, returned or exited households, or monitored ones, receive assistance (a sudden hardship from its verification on)`,
      { status: state.status },
    );
  }
}
