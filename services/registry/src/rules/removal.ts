import { refuse, requireReason, requireStatus } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 清退: a household found not to qualify is removed as misidentified, on a disqualifying
 * comparison finding or a review, with a reason. Not an exit.
 */
export const decide: Deciders<'RemoveFromRegistry'> = {
  RemoveFromRegistry: (command, state, ctx) => {
    requireStatus(state, ['registered', 'returned', 'exited'], 'remove from the registry');
    const evidence = command.data.evidence;
    if (evidence.source === 'data_comparison' && !evidence.finding.disqualifying) {
      refuse('FINDING_NOT_DISQUALIFYING', 'a removal needs a finding that rules the household out');
    }
    requireReason(ctx, 'remove a household');
    return [{ type: 'RemovedFromRegistry', data: command.data }];
  },
};

export const evolve: Evolvers<'RemovedFromRegistry'> = {
  RemovedFromRegistry: (state, event) => ({
    ...state,
    status: 'removed',
    case: undefined,
    removedOn: event.effectiveAt,
  }),
};
