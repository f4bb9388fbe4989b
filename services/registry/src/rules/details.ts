import { refuse } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 户信息变更: a household's address, group, phone or transfer account changes from a date, as
 * an event of its own; the earlier events keep the details as they were. A correction is for a
 * record that was wrong, this for a life that moved on. The village is not changed here.
 */
export const decide: Deciders<'ChangeHouseholdDetails'> = {
  ChangeHouseholdDetails: (command, state) => {
    const current = state.household;
    const changed = Object.entries(command.data).filter(
      ([field, value]) => value !== undefined && current?.[field as keyof typeof current] !== value,
    );
    if (changed.length === 0) {
      refuse('NO_CHANGE', 'the details given are the household’s already', { ...command.data });
    }
    return [{ type: 'HouseholdDetailsChanged', data: Object.fromEntries(changed) }];
  },
};

export const evolve: Evolvers<'HouseholdDetailsChanged'> = {
  HouseholdDetailsChanged: (state, event) =>
    state.household ? { ...state, household: { ...state.household, ...event.data } } : state,
};
