import { endMonitoring } from './monitoring.js';
import type { Deciders, Evolvers } from './types.js';

/** 自然减少: the household died out or moved away. Terminal: nothing may follow (see decide). Not an exit. */
export const decide: Deciders<'RecordNaturalDecrease'> = {
  RecordNaturalDecrease: (command) => [{ type: 'NaturalDecreaseRecorded', data: command.data }],
};

export const evolve: Evolvers<'NaturalDecreaseRecorded'> = {
  NaturalDecreaseRecorded: (state, event) => ({
    ...state,
    status: 'decreased',
    case: undefined,
    decreasedOn: event.effectiveAt,
    ...endMonitoring(state, event.effectiveAt, 'decreased'),
  }),
};
