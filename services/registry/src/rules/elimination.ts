import type { EliminationCriterion } from '@registry/schema';
import { evaluateElimination } from '../criteria.js';
import { RuleViolation } from '../errors.js';
import { rejection } from './cases.js';
import { refuse, requireReason, requireStep } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 风险消除 (2021 on): the village proposes that a monitored household's risk is eliminated, on the
 * year's assessment; the village reviews (民主评议) and posts it (公示); the county approves
 * ("县级审核批准"), checking the criteria again. A proposal or an approval that misses a criterion
 * is refused naming each, with the amounts; any step may end it with a reason, the household
 * still monitored.
 */
export const decide: Deciders<'ProposeRiskElimination' | 'ApproveRiskElimination' | 'RejectRiskElimination'> = {
  ProposeRiskElimination: (command, state, ctx) => {
    if (!state.monitoring) refuse('NOT_MONITORED', 'the household is not being monitored');
    if (state.case) {
      refuse('CASE_OPEN', `a ${state.case.kind} case is open`, { case: state.case.kind });
    }
    const evaluation = evaluateElimination(state, command.data.year, ctx.effectiveAt, ctx.policy);
    if (evaluation.unmet.length > 0 || !evaluation.evidence) throw unmet(evaluation.unmet, evaluation.facts);
    return [{ type: 'RiskEliminationProposed', data: { year: command.data.year, evidence: evaluation.evidence } }];
  },

  ApproveRiskElimination: (_command, state, ctx) => {
    const open = requireStep(state, 'elimination', 'county_approval');
    const evaluation = evaluateElimination(state, open.year, ctx.effectiveAt, ctx.policy);
    if (evaluation.unmet.length > 0) throw unmet(evaluation.unmet, evaluation.facts);
    return [{ type: 'MonitoringEnded', data: { reason: 'risk_eliminated' } }];
  },

  RejectRiskElimination: (_command, state, ctx) => {
    const open = requireStep(state, 'elimination', ['village_review', 'village_notice', 'county_approval']);
    return [rejection(open, requireReason(ctx, 'refuse a risk elimination'), state, ctx)];
  },
};

/** The refusal of an elimination: the criteria it misses in `facts.unmet`, with the amounts beside them. */
function unmet(criteria: EliminationCriterion[], facts: Record<string, unknown>): RuleViolation {
  return new RuleViolation(
    'ELIMINATION_CRITERIA_UNMET',
    `the risk elimination criteria are not met: ${criteria.join(', ')}`,
    { ...facts, unmet: criteria },
  );
}

export const evolve: Evolvers<'RiskEliminationProposed' | 'RiskEliminationRejected'> = {
  RiskEliminationProposed: (state, event) => ({
    ...state,
    case: { kind: 'elimination', step: 'village_review', year: event.data.year },
  }),
  RiskEliminationRejected: (state) => ({ ...state, case: state.case?.kind === 'elimination' ? undefined : state.case }),
};
