import { requireStatus } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 一户一策: each assisted household's plan for a year — what it aims at, the income it targets
 * and the kinds of measure it relies on — recorded as a whole, beside the measures themselves.
 * A plan for a year recorded again revises it from then (the earlier stays in the history).
 */
export const decide: Deciders<'RecordHouseholdPlan'> = {
  RecordHouseholdPlan: (command, state) => {
    requireStatus(state, ['registered', 'returned', 'exited', 'unregistered'], 'record a household plan');
    return [{ type: 'HouseholdPlanRecorded', data: command.data }];
  },
};

export const evolve: Evolvers<'HouseholdPlanRecorded'> = {
  HouseholdPlanRecorded: (state, event) => {
    const { year, goal, incomeTargetFen, categories } = event.data;
    const plan = {
      year,
      goal,
      ...(incomeTargetFen !== undefined ? { incomeTargetFen } : {}),
      categories,
      recordedOn: event.effectiveAt,
    };
    // A state folded before plans existed has none (it is refolded by its shape anyway).
    const others = (state.plans ?? []).filter((p) => p.year !== year);
    return { ...state, plans: [...others, plan].sort((a, b) => a.year - b.year) };
  },
};
