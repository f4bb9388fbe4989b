import { ValidationError } from '../errors.js';
import { refuse, requireStatus } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * A household moving to another village, township or county, relocation (易地扶贫搬迁)
 * included: proposed where it lives (迁出), accepted by the clerks of the village it goes to
 * (迁入), so both areas' authority stands behind it; until then it stays where it is, and it
 * may be withdrawn. The household keeps its stream, card and history: it belongs to the new
 * village from the acceptance's effective date. A correction never moves a household.
 */
export const decide: Deciders<'ProposeMove' | 'AcceptMove' | 'CancelMove'> = {
  ProposeMove: (command, state) => {
    requireStatus(
      state,
      ['applicant', 'registered', 'returned', 'exited', 'rejected', 'removed', 'unregistered'],
      'propose a move',
    );
    if (state.pendingMove) {
      refuse('MOVE_PENDING', `a move to ${state.pendingMove.toVillageCode} awaits acceptance`, {
        toVillageCode: state.pendingMove.toVillageCode,
      });
    }
    const from = state.household?.villageCode as string;
    const { toVillageCode, address, group, relocation } = command.data;
    if (toVillageCode === from)
      refuse('SAME_VILLAGE', `the household already lives in ${from}`, { field: 'toVillageCode' });
    return [
      {
        type: 'MoveProposed',
        data: {
          fromVillageCode: from,
          toVillageCode,
          address,
          ...(group ? { group } : {}),
          relocation: relocation ?? false,
        },
      },
    ];
  },
  AcceptMove: (_command, state, ctx) => {
    const move = state.pendingMove;
    if (!move) refuse('NO_PENDING_MOVE', 'no move of this household awaits acceptance');
    if (ctx.effectiveAt < move.proposedOn) {
      throw new ValidationError([
        { path: 'effectiveAt', message: `must not be before the move was proposed (${move.proposedOn})` },
      ]);
    }
    return [
      {
        type: 'HouseholdMoved',
        data: {
          fromVillageCode: state.household?.villageCode as string,
          toVillageCode: move.toVillageCode,
          address: move.address,
          ...(move.group ? { group: move.group } : {}),
          relocation: move.relocation,
        },
      },
    ];
  },
  CancelMove: (_command, state) => {
    if (!state.pendingMove) refuse('NO_PENDING_MOVE', 'no move of this household awaits acceptance');
    return [{ type: 'MoveCancelled', data: { toVillageCode: state.pendingMove.toVillageCode } }];
  },
};

export const evolve: Evolvers<'MoveProposed' | 'HouseholdMoved' | 'MoveCancelled'> = {
  MoveProposed: (state, event) => {
    const { toVillageCode, address, group, relocation } = event.data;
    return {
      ...state,
      pendingMove: { toVillageCode, address, ...(group ? { group } : {}), relocation, proposedOn: event.effectiveAt },
    };
  },
  HouseholdMoved: (state, event) => {
    const { pendingMove: _done, ...rest } = state;
    if (!state.household) return rest;
    const { group: _old, ...details } = state.household;
    const { toVillageCode, address, group } = event.data;
    return { ...rest, household: { ...details, villageCode: toVillageCode, address, ...(group ? { group } : {}) } };
  },
  MoveCancelled: (state) => {
    const { pendingMove: _withdrawn, ...rest } = state;
    return rest;
  },
};
