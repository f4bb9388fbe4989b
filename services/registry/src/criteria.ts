import {
  CONDITION_CRITERIA,
  type EliminationCriterion,
  type ExitCriterion,
  type ExitEvidence,
  incomeLineFor,
  monitoringStandardFor,
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

export interface EliminationEvaluation {
  unmet: EliminationCriterion[];
  evidence?: {
    assessmentId: string;
    assessedOn: string;
    incomePerCapitaFen: number;
    monitoringStandardFen: number;
    policyId: string;
  };
  facts: Record<string, unknown>;
}

/** `date` plus `months` calendar months (ISO dates; the day kept, or the month's last). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * 风险消除: monitored at least the policy's months by `on`; the latest assessment of `year` shows
 * income per head above that year's monitoring standard for the household's province, and
 * 两不愁三保障 and drinking water all secure. Each unmet criterion is named, with the amounts.
 */
export function evaluateElimination(
  state: HouseholdState,
  year: number,
  on: string,
  policy: Policy,
): EliminationEvaluation {
  const unmet: EliminationCriterion[] = [];
  const since = state.monitoring?.since;
  const minMonths = policy.monitoring?.eliminationMinMonths ?? 0;
  const facts: Record<string, unknown> = { year, monitoredSince: since ?? null, minMonths, policyId: policy.id };
  if (since) {
    const from = addMonths(since, minMonths);
    facts.eligibleFrom = from;
    if (on < from) unmet.push('monitored_long_enough');
  }
  const assessment = state.assessments.filter((a) => a.year === year).at(-1);
  if (!assessment) return { unmet: [...unmet, 'assessment_in_year'], facts };
  const standard = monitoringStandardFor(policy, year, state.household?.villageCode ?? '');
  facts.assessmentId = assessment.assessmentId;
  facts.incomePerCapitaFen = assessment.incomePerCapitaFen;
  facts.monitoringStandardFen = standard?.lineFen ?? null;
  if (!standard) unmet.push('standard_known');
  else if (!(assessment.incomePerCapitaFen > standard.lineFen)) unmet.push('income_above_standard');
  for (const [condition, criterion] of Object.entries(CONDITION_CRITERIA)) {
    if (!assessment[condition as keyof typeof CONDITION_CRITERIA]) unmet.push(criterion as EliminationCriterion);
  }
  return {
    unmet,
    ...(standard
      ? {
          evidence: {
            assessmentId: assessment.assessmentId,
            assessedOn: assessment.assessedOn,
            incomePerCapitaFen: assessment.incomePerCapitaFen,
            monitoringStandardFen: standard.lineFen,
            policyId: policy.id,
          },
        }
      : {}),
    facts,
  };
}
