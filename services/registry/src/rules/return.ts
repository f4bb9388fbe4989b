import { requireStatus } from './guards.js';
import { endMonitoring } from './monitoring.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 返贫: an exited household that falls back is taken in again with its cause, counted as a
 * return, not as a new household; its monitoring ends.
 */
export const decide: Deciders<'ReportReturnToPoverty'> = {
  ReportReturnToPoverty: (command, state) => {
    requireStatus(state, ['exited'], 'report a return to poverty');
    return [{ type: 'ReturnedToPoverty', data: command.data }];
  },
};

export const evolve: Evolvers<'ReturnedToPoverty'> = {
  ReturnedToPoverty: (state, event) => ({
    ...state,
    status: 'returned',
    registration: {
      cardNumber: state.registration?.cardNumber ?? '',
      registeredOn: state.registration?.registeredOn ?? event.effectiveAt,
      attribute: event.data.attribute,
      mainCause: event.data.mainCause,
      otherCauses: event.data.otherCauses,
    },
    returns: [...state.returns, { returnedOn: event.effectiveAt, mainCause: event.data.mainCause }],
    ...endMonitoring(state, event.effectiveAt, 'returned'),
  }),
};
