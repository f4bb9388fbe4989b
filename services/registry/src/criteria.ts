import {
  CONDITION_CRITERIA,
  type ExitCriterion,
  type ExitEvidence,
  incomeLineFor,
  type Policy,
} from '@registry/schema';
import type { z } from 'zod';
import type { Assessment, HouseholdState } from './state.js';

export interface ExitEvaluation {
  unmet: ExitCriterion[];
  assessment?: Assessment;
  evidence?: z.infer<typeof ExitEvidence>;
  facts: Record<string, unknown>;
}

/**
 * "两不愁、三保障、一高于": the latest assessment in the exit year must show income above
 * that year's line for the household's province, and food, clothing, compulsory education,
 * basic medical care, safe housing and safe drinking water all met.
 */
export function evaluateExit(state: HouseholdState, year: number, policy: Policy): ExitEvaluation {
  const assessment = state.assessments.filter((a) => a.year === year).at(-1);
  if (!assessment) return { unmet: ['assessment_in_exit_year'], facts: { year } };
  const unmet: ExitCriterion[] = [];
  const villageCode = state.household?.villageCode ?? '';
  const line = incomeLineFor(policy, year, villageCode);
  const facts: Record<string, unknown> = {
    year,
    assessmentId: assessment.assessmentId,
    incomePerCapitaFen: assessment.incomePerCapitaFen,
    incomeLineFen: line?.lineFen ?? null,
    policyId: policy.id,
  };
  if (!line) {
    unmet.push('income_line_known');
    // From the monitoring regime's start there is no poverty line: say so, not a bare "not met".
    if (policy.monitoring) facts.monitoringFrom = policy.monitoring.from;
  } else if (!(assessment.incomePerCapitaFen > line.lineFen)) unmet.push('income_above_line');
  for (const [condition, criterion] of Object.entries(CONDITION_CRITERIA)) {
    if (!assessment[condition as keyof typeof CONDITION_CRITERIA]) unmet.push(criterion);
  }
  const evidence = line
    ? {
        assessmentId: assessment.assessmentId,
        assessedOn: assessment.assessedOn,
        incomePerCapitaFen: assessment.incomePerCapitaFen,
        incomeLineFen: line.lineFen,
        incomeLineSource: line.source,
        policyId: policy.id,
      }
    : undefined;
  return { unmet, assessment, ...(evidence ? { evidence } : {}), facts };
}
