import { ValidationError } from '../errors.js';
import { refuse, requireStatus } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 错退: a review (回头看), an inspection or a third-party assessment finds that an exit was
 * wrong (income not stably above the line, or 两不愁三保障 not met). The exit is annulled, not
 * followed by a return: the event takes effect on the exit's own date, so the household is on
 * the roll again from then (the registry as known before the finding still shows the exit),
 * and it counts as a wrong exit, never as an exit or a return to poverty. Only the latest exit,
 * while the household is still exited; after a return, the return already put it back.
 */
export const decide: Deciders<'AnnulExit'> = {
  AnnulExit: (command, state, ctx) => {
    requireStatus(state, ['exited'], 'annul an exit');
    const { year, source, finding, unmetCriteria } = command.data;
    const exit = state.exits.at(-1);
    if (exit?.year !== year) {
      refuse('NO_SUCH_EXIT', `the household's latest exit is not of ${year}`, {
        year,
        ...(exit ? { latestExitYear: exit.year } : {}),
      });
    }
    if (ctx.effectiveAt !== exit.exitedOn) {
      throw new ValidationError([
        {
          path: 'effectiveAt',
          message: `must be the exit's effective date, ${exit.exitedOn}: the household is back on the roll from then`,
        },
      ]);
    }
    return [
      {
        type: 'ExitAnnulled',
        data: { year, exitedOn: exit.exitedOn, source, finding, ...(unmetCriteria?.length ? { unmetCriteria } : {}) },
      },
    ];
  },
};

export const evolve: Evolvers<'ExitAnnulled'> = {
  ExitAnnulled: (state, event) => {
    const { year, exitedOn, source } = event.data;
    return {
      ...state,
      // Back to what it was before the exit: a household that had returned before is a returned one.
      status: state.returns.length > 0 ? 'returned' : 'registered',
      exits: state.exits.filter((e) => !(e.year === year && e.exitedOn === exitedOn)),
      wrongExits: [...state.wrongExits, { year, exitedOn, source }],
    };
  },
};
