import { refuse, requireStatus } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 动态调整: a household on the roll whose situation changes takes another attribute (a household
 * that becomes 低保 in 2018 is 低保 from then, and ordinary before) or other causes, from the
 * effective date. An event of its own, not a correction: the registry as of an earlier date
 * still shows the earlier ones.
 */
export const decide: Deciders<'AdjustAttributeAndCauses'> = {
  AdjustAttributeAndCauses: (command, state) => {
    requireStatus(state, ['registered', 'returned'], 'adjust the attribute and causes');
    const now = state.registration;
    const same =
      now?.attribute === command.data.attribute &&
      now.mainCause === command.data.mainCause &&
      [...now.otherCauses].sort().join() === [...command.data.otherCauses].sort().join();
    if (same) refuse('NO_CHANGE', 'the attribute and causes given are the household’s already', { ...command.data });
    return [{ type: 'AttributeAndCausesAdjusted', data: command.data }];
  },
};

export const evolve: Evolvers<'AttributeAndCausesAdjusted'> = {
  AttributeAndCausesAdjusted: (state, event) =>
    state.registration ? { ...state, registration: { ...state.registration, ...event.data } } : state,
};
