import { type CaseStep, ExitStep, IdentificationStep } from '@registry/schema';

export const STEPS: Record<'identification' | 'exit', readonly CaseStep[]> = {
  identification: IdentificationStep.options,
  exit: ExitStep.options,
};

export function nextStep(kind: 'identification' | 'exit', step: CaseStep): CaseStep | undefined {
  const steps = STEPS[kind];
  return steps[steps.indexOf(step) + 1];
}

/** The review a notice posts: where an upheld objection sends the case back to. */
export function reviewBefore(kind: 'identification' | 'exit', step: CaseStep): CaseStep {
  const steps = STEPS[kind];
  return steps[Math.max(0, steps.indexOf(step) - 1)] as CaseStep;
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
};
