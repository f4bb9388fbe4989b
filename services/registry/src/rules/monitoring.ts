import { type HouseholdEventData, monitoringRegimeOn } from '@registry/schema';
import { ValidationError } from '../errors.js';
import type { HouseholdFacts, HouseholdState, MonitoringEnd, Status } from '../state.js';
import { rejection } from './cases.js';
import { refuse, requireReason, requireStatus, requireStep } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * The statuses a household may be in to be taken in as each category: 脱贫不稳定户 are exited
 * households, 边缘易致贫户 never registered (or rejected, or removed), 突发严重困难户 either.
 */
export const MONITORING_ALLOWED: Record<HouseholdEventData<'MonitoringStarted'>['category'], readonly Status[]> = {
  unstable_exited: ['exited'],
  edge_vulnerable: ['none', 'unregistered', 'rejected', 'removed'],
  sudden_hardship: ['none', 'unregistered', 'rejected', 'removed', 'exited'],
};

/**
 * 防返贫监测 (2020 on): unstable exited households, edge households never registered (the
 * registry then records them), and households hit by sudden hardship are monitored until the
 * risk is eliminated.
 */
export const decide: Deciders<'StartMonitoring' | 'EndMonitoring' | 'ApproveMonitoring' | 'RejectMonitoring'> = {
  StartMonitoring: (command, state, ctx) => {
    if (state.monitoring) refuse('ALREADY_MONITORED', `already monitored as ${state.monitoring.category}`);
    // Under the regime a household enters through an alert, its verification and its
    // identification (识别认定), not by a record alone.
    const regime = monitoringRegimeOn(ctx.policy, ctx.effectiveAt);
    if (regime) {
      refuse(
        'MONITORING_THROUGH_ALERT',
        `from ${regime.from} a household is taken into monitoring through a risk alert, its verification and the county's decision`,
        { effectiveAt: ctx.effectiveAt, monitoringFrom: regime.from },
      );
    }
    requireStatus(state, MONITORING_ALLOWED[command.data.category], `start monitoring as ${command.data.category}`);
    const isNew = state.status === 'none';
    if (isNew && !command.data.household) {
      throw new ValidationError([
        { path: 'household', message: 'is required for a household the registry has not recorded yet' },
      ]);
    }
    if (!isNew && command.data.household) {
      throw new ValidationError([{ path: 'household', message: 'must be omitted: the household is already recorded' }]);
    }
    return [{ type: 'MonitoringStarted', data: { householdId: ctx.householdId, ...command.data } }];
  },

  ApproveMonitoring: (_command, state, ctx) => {
    const open = requireStep(state, 'monitoring', 'county_decision');
    return [
      {
        type: 'MonitoringStarted',
        data: {
          householdId: ctx.householdId,
          category: open.category,
          risks: open.risks,
          alertId: open.alertId,
          ...(open.incomePerCapitaFen !== undefined ? { incomePerCapitaFen: open.incomePerCapitaFen } : {}),
          ...(open.rigidExpenditureFen !== undefined ? { rigidExpenditureFen: open.rigidExpenditureFen } : {}),
        },
      },
    ];
  },

  RejectMonitoring: (_command, state, ctx) => {
    const open = requireStep(state, 'monitoring', [
      'village_review',
      'village_notice',
      'township_review',
      'county_decision',
    ]);
    return [rejection(open, requireReason(ctx, 'end an identification without monitoring'), state, ctx)];
  },

  EndMonitoring: (command, state, ctx) => {
    if (!state.monitoring) refuse('NOT_MONITORED', 'the household is not being monitored');
    // Under the regime the risk is eliminated through its case (proposal, review, notice, approval).
    const regime = monitoringRegimeOn(ctx.policy, ctx.effectiveAt);
    if (regime) {
      refuse(
        'ELIMINATION_THROUGH_CASE',
        `from ${regime.from} a risk is eliminated through a proposal, the village's review and notice and the county's approval`,
        { effectiveAt: ctx.effectiveAt, monitoringFrom: regime.from },
      );
    }
    return [{ type: 'MonitoringEnded', data: { reason: 'risk_eliminated', ...command.data } }];
  },
};

/** Monitoring ends on a date: released, or the household returned to poverty or left the registry. */
export function endMonitoring(
  state: HouseholdState,
  on: string,
  ended: MonitoringEnd,
): Partial<Pick<HouseholdFacts, 'monitoring' | 'monitoringPeriods'>> {
  if (!state.monitoring) return {};
  const periods = state.monitoringPeriods.map((p, i) =>
    i === state.monitoringPeriods.length - 1 && p.to === undefined ? { ...p, to: on, ended } : p,
  );
  return { monitoring: undefined, monitoringPeriods: periods };
}

export const evolve: Evolvers<'MonitoringStarted' | 'MonitoringEnded' | 'MonitoringIdentificationRejected'> = {
  MonitoringStarted: (state, event) => {
    const isNew = state.status === 'none';
    return {
      ...state,
      // The county's decision ends the identification it closes.
      case: state.case?.kind === 'monitoring' ? undefined : state.case,
      ...(isNew
        ? {
            status: 'unregistered' as const,
            householdId: event.data.householdId,
            household: event.data.household,
            members: Object.fromEntries((event.data.members ?? []).map((m) => [m.memberId, m])),
            headMemberId: event.data.members?.find((m) => m.relation === 'head')?.memberId,
          }
        : {}),
      monitoring: { category: event.data.category, since: event.effectiveAt, risks: event.data.risks },
      monitoringPeriods: [
        ...state.monitoringPeriods,
        { category: event.data.category, risks: event.data.risks, from: event.effectiveAt },
      ],
    };
  },
  MonitoringEnded: (state, event) => ({
    ...state,
    ...endMonitoring(state, event.effectiveAt, 'eliminated'),
    // The county's approval closes the elimination it ends.
    case: state.case?.kind === 'elimination' ? undefined : state.case,
  }),
  MonitoringIdentificationRejected: (state) => ({
    ...state,
    case: state.case?.kind === 'monitoring' ? undefined : state.case,
  }),
};
