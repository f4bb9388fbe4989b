import { requireStatus } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 数据比对 in batches: an agency's file of ID numbers with findings (a car, a company, a
 * civil-servant post) is matched to households, and each match is recorded on its household
 * as it stands, whatever its case. A disqualifying finding bars a pending registration (as a
 * comparison step's does) and puts a household on the roll on the county's review list, where
 * removal (清退) decides; it removes nothing by itself.
 */
export const decide: Deciders<'RecordAgencyFinding'> = {
  RecordAgencyFinding: (command, state) => {
    requireStatus(
      state,
      ['applicant', 'registered', 'returned', 'exited', 'unregistered'],
      'record a comparison finding',
    );
    return [{ type: 'AgencyFindingRecorded', data: command.data }];
  },
};

export const evolve: Evolvers<'AgencyFindingRecorded'> = {
  AgencyFindingRecorded: (state, event) => ({
    ...state,
    comparisonFindings: [...state.comparisonFindings, event.data.finding],
  }),
};
