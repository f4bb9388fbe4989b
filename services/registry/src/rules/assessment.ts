import { ValidationError } from '../errors.js';
import { deriveId } from '../ids.js';
import { year } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * Living conditions assessed at least yearly: income per person and 两不愁三保障 with safe
 * drinking water. An assessment counts for its own year or the year before.
 */
export const decide: Deciders<'AssessConditions'> = {
  AssessConditions: (command, _state, ctx) => {
    const on = ctx.effectiveAt;
    if (command.data.year !== year(on) && command.data.year !== year(on) - 1) {
      throw new ValidationError([
        { path: 'year', message: `must be the year of the assessment (${year(on)}) or the year before` },
      ]);
    }
    const { assessmentId, ...rest } = command.data;
    return [
      {
        type: 'ConditionsAssessed',
        data: { assessmentId: assessmentId ?? deriveId(ctx.commandId, 'assessment'), assessedOn: on, ...rest },
      },
    ];
  },
};

export const evolve: Evolvers<'ConditionsAssessed'> = {
  ConditionsAssessed: (state, event) => ({ ...state, assessments: [...state.assessments, event.data] }),
};
