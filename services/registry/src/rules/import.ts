import { incomeLineFor } from '@registry/schema';
import { RuleViolation, ValidationError } from '../errors.js';
import { deriveId } from '../ids.js';
import { refuse, requireStatus, year } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 导入: a county's existing roll taken over. A household registered before the registry comes
 * in registered on its registration date, with its card, attribute and causes; an exit the
 * roll holds comes in on its exit date, with the roll's income per head as its evidence, and is
 * refused like any exit when that income is not above the year's line. Each event names the
 * file and rows it came from. New households are not imported: they apply.
 */
export const decide: Deciders<'ImportHousehold' | 'ImportExit'> = {
  ImportHousehold: (command, state, ctx) => {
    if (state.status !== 'none') {
      refuse('ALREADY_RECORDED', `household ${ctx.householdId} is already in the registry`, { status: state.status });
    }
    const { otherCauses = [], ...data } = command.data;
    return [{ type: 'HouseholdImported', data: { householdId: ctx.householdId, ...data, otherCauses } }];
  },

  ImportExit: (command, state, ctx) => {
    requireStatus(state, ['registered'], 'import an exit');
    const { year: exitYear, incomePerCapitaFen, source } = command.data;
    if (year(ctx.effectiveAt) !== exitYear && year(ctx.effectiveAt) !== exitYear + 1) {
      throw new ValidationError([
        { path: 'effectiveAt', message: `must fall in the exit year ${exitYear} or early in the next` },
      ]);
    }
    const registeredOn = state.registration?.registeredOn ?? ctx.effectiveAt;
    if (ctx.effectiveAt < registeredOn) {
      throw new ValidationError([
        { path: 'effectiveAt', message: `must not be before the household was registered (${registeredOn})` },
      ]);
    }
    const village = state.household?.villageCode ?? '';
    const line = incomeLineFor(ctx.policy, exitYear, village);
    if (!line) {
      throw new RuleViolation('EXIT_CRITERIA_UNMET', `no income line is known for ${exitYear}`, { year: exitYear }, [
        'income_line_known',
      ]);
    }
    if (incomePerCapitaFen <= line.lineFen) {
      throw new RuleViolation(
        'EXIT_CRITERIA_UNMET',
        `the income per head on the roll (${incomePerCapitaFen} fen) is not above the ${exitYear} line (${line.lineFen} fen)`,
        { year: exitYear, incomePerCapitaFen, incomeLineFen: line.lineFen },
        ['income_above_line'],
      );
    }
    const evidence = {
      assessmentId: deriveId(ctx.commandId, 'imported-assessment'),
      assessedOn: ctx.effectiveAt,
      incomePerCapitaFen,
      incomeLineFen: line.lineFen,
      incomeLineSource: line.source,
      policyId: ctx.policy.id,
    };
    return [{ type: 'ExitImported', data: { year: exitYear, exitedOn: ctx.effectiveAt, evidence, source } }];
  },
};

export const evolve: Evolvers<'HouseholdImported' | 'ExitImported'> = {
  HouseholdImported: (state, event) => {
    const { householdId, household, members, cardNumber, attribute, mainCause, otherCauses } = event.data;
    return {
      ...state,
      status: 'registered',
      householdId,
      household,
      members: Object.fromEntries(members.map((m) => [m.memberId, m])),
      headMemberId: members.find((m) => m.relation === 'head')?.memberId,
      registration: { cardNumber, attribute, mainCause, otherCauses, registeredOn: event.effectiveAt },
    };
  },
  ExitImported: (state, event) => ({
    ...state,
    status: 'exited',
    exits: [...state.exits, { year: event.data.year, exitedOn: event.data.exitedOn, evidence: event.data.evidence }],
  }),
};
