import { evaluateExit } from '../criteria.js';
import { RuleViolation, ValidationError } from '../errors.js';
import { advance, rejection } from './cases.js';
import { refuse, requireReason, requireStatus, requireStep, year } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 脱贫退出: proposed, reviewed by the village (identification's rule) and posted, signed by
 * the household and its helper, verified by the township, approved by the county. Proposal
 * and approval are refused with the unmet criteria unless the exit year's latest assessment
 * meets them ("两不愁、三保障、一高于"); the approval copies its evidence.
 */
export const decide: Deciders<'ProposeExit' | 'ConfirmExit' | 'VerifyExit' | 'ApproveExit' | 'RejectExit'> = {
  ProposeExit: (command, state, ctx) => {
    requireStatus(state, ['registered', 'returned'], 'propose an exit');
    if (state.case) refuse('CASE_OPEN', `an ${state.case.kind} case is already open`);
    const on = ctx.effectiveAt;
    if (command.data.year !== year(on) && command.data.year !== year(on) - 1) {
      throw new ValidationError([{ path: 'year', message: `must be ${year(on)} or ${year(on) - 1}` }]);
    }
    const evaluation = evaluateExit(state, command.data.year, ctx.policy);
    if (evaluation.unmet.length > 0 || !evaluation.evidence) throw unmetCriteria(evaluation.unmet, evaluation.facts);
    return [{ type: 'ExitProposed', data: { year: command.data.year, evidence: evaluation.evidence } }];
  },

  ConfirmExit: (command, state, ctx) => {
    requireStep(state, 'exit', 'confirmation');
    if (!state.members[command.data.signedByMemberId]) {
      refuse('NO_SUCH_MEMBER', 'the exit must be signed by a member of the household');
    }
    if (!state.helper) refuse('NO_HELPER', 'the exit must be signed by the household’s helper, and it has none');
    return [
      {
        type: 'ExitConfirmed',
        data: {
          signedByMemberId: command.data.signedByMemberId,
          helperId: state.helper.helperId,
          confirmedOn: ctx.effectiveAt,
        },
      },
    ];
  },

  VerifyExit: (command, state, ctx) => {
    requireStep(state, 'exit', 'township_verification');
    return [{ type: 'ExitVerified', data: { verifiedOn: ctx.effectiveAt, ...command.data } }];
  },

  ApproveExit: (_command, state, ctx) => {
    const open = requireStep(state, 'exit', 'county_approval');
    const exitYear = open.year;
    const evaluation = evaluateExit(state, exitYear, ctx.policy);
    if (evaluation.unmet.length > 0 || !evaluation.evidence) throw unmetCriteria(evaluation.unmet, evaluation.facts);
    return [
      { type: 'ExitApproved', data: { year: exitYear, exitedOn: ctx.effectiveAt, evidence: evaluation.evidence } },
    ];
  },

  RejectExit: (_command, state, ctx) => {
    const open = state.case;
    if (open?.kind !== 'exit') refuse('NO_OPEN_CASE', 'there is no open exit case');
    return [rejection(open, requireReason(ctx, 'refuse an exit'), state, ctx)];
  },
};

function unmetCriteria(unmet: RuleViolation['unmetCriteria'], facts: Record<string, unknown>): RuleViolation {
  return new RuleViolation('EXIT_CRITERIA_UNMET', `the exit criteria are not met: ${unmet.join(', ')}`, facts, unmet);
}

export const evolve: Evolvers<'ExitProposed' | 'ExitConfirmed' | 'ExitVerified' | 'ExitApproved' | 'ExitRejected'> = {
  ExitProposed: (state, event) => ({ ...state, case: { kind: 'exit', step: 'village_review', year: event.data.year } }),
  ExitConfirmed: (state, event) => {
    const open = state.case;
    if (open?.kind !== 'exit') return { ...state, case: advance(state) };
    const confirmedBy = { memberId: event.data.signedByMemberId, helperId: event.data.helperId };
    return { ...state, case: advance({ ...state, case: { ...open, confirmedBy } }) };
  },
  ExitVerified: (state) => ({ ...state, case: advance(state) }),
  ExitApproved: (state, event) => ({
    ...state,
    status: 'exited',
    case: undefined,
    exits: [...state.exits, { year: event.data.year, exitedOn: event.data.exitedOn, evidence: event.data.evidence }],
  }),
  ExitRejected: (state) => ({ ...state, case: undefined }),
};
