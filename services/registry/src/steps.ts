import { type CaseStep, EliminationStep, ExitStep, IdentificationStep, MonitoringStep } from '@registry/schema';
import type { OpenCase } from './state.js';

/** The steps of each kind of case, in order. */
export const STEPS = {
  identification: IdentificationStep.options,
  exit: ExitStep.options,
  monitoring: MonitoringStep.options,
  elimination: EliminationStep.options,
} as const;

/** The step `by` places after (1) or before (-1) `step` among `steps`, if there is one. */
function stepFrom<S extends CaseStep>(steps: readonly S[], step: S, by: 1 | -1): S | undefined {
  return steps[steps.indexOf(step) + by];
}

/**
 * The case moved one step on (`next`: undefined after its last step) or back to the review
 * before its notice (`back`: where an upheld objection sends it), its notice gone either way.
 */
export function moveCase(open: OpenCase, way: 'next' | 'back'): OpenCase | undefined {
  const by = way === 'next' ? 1 : -1;
  if (open.kind === 'identification') {
    const step = stepFrom(STEPS.identification, open.step, by) ?? (way === 'back' ? open.step : undefined);
    return step && { ...open, step, notice: undefined };
  }
  if (open.kind === 'elimination') {
    const step = stepFrom(STEPS.elimination, open.step, by) ?? (way === 'back' ? open.step : undefined);
    return step && { ...open, step, notice: undefined };
  }
  if (open.kind === 'monitoring') {
    const step = stepFrom(STEPS.monitoring, open.step, by) ?? (way === 'back' ? open.step : undefined);
    return step && { ...open, step, notice: undefined };
  }
  const step = stepFrom(STEPS.exit, open.step, by) ?? (way === 'back' ? open.step : undefined);
  return step && { ...open, step, notice: undefined };
}

export const STEP_NAMES: Record<CaseStep, string> = {
  village_review: 'village review (村民代表评议)',
  village_notice: 'village public notice (村级公示)',
  township_review: 'township review (乡镇审核)',
  township_notice: 'township public notice (乡镇公示)',
  data_comparison: 'data comparison (数据比对)',
  county_approval: 'county approval (县审定)',
  confirmation: 'household and helper confirmation (签字确认)',
  township_verification: 'township verification (乡镇核实)',
  county_decision: 'county decision (县级审定)',
};
