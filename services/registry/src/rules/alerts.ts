import { addDays, type HouseholdEventData, monitoringRegimeOn, monitoringStandardFor } from '@registry/schema';
import { ValidationError } from '../errors.js';
import { deriveId } from '../ids.js';
import type { Alert } from '../state.js';
import { refuse, requireStatus, year } from './guards.js';
import { MONITORING_ALLOWED } from './monitoring.js';
import type { DecideContext, Deciders, Evolvers } from './types.js';

/**
 * 风险预警 and 入户核实 (防返贫动态监测, 2021 on): a risk comes to light through a channel and lands
 * on the village's queue with two deadlines from the policy in force on its date (the
 * verification's and the county's decision's); the verification records what was found at the
 * household and its outcome. An alert not verified by its date is overdue until it is (the read
 * side says so: the deadline is on the event).
 */
export const decide: Deciders<'RaiseRiskAlert' | 'VerifyRiskAlert'> = {
  RaiseRiskAlert: (command, state, ctx) => {
    const regime = requireRegime(ctx, 'record a risk alert');
    const isNew = state.status === 'none';
    if (isNew && !command.data.household) {
      throw new ValidationError([
        { path: 'household', message: 'is required for a household the registry has not recorded yet' },
        { path: 'members', message: 'is required for a household the registry has not recorded yet' },
      ]);
    }
    if (!isNew && command.data.household) {
      throw new ValidationError([{ path: 'household', message: 'must be omitted: the household is already recorded' }]);
    }
    const alertId = command.data.alertId ?? deriveId(ctx.commandId, 'alert');
    if (state.alerts.some((a) => a.alertId === alertId)) {
      refuse('ALERT_EXISTS', `alert ${alertId} is already on record`, { alertId });
    }
    return [
      {
        type: 'RiskAlertRaised',
        data: {
          ...command.data,
          alertId,
          verifyBy: addDays(ctx.effectiveAt, regime.verificationDays),
          identifyBy: addDays(ctx.effectiveAt, regime.identificationDays),
          ...(isNew ? { householdId: ctx.householdId } : {}),
        },
      },
    ];
  },

  VerifyRiskAlert: (command, state, ctx) => {
    const data = command.data;
    const alert = state.alerts.find((a) => a.alertId === data.alertId);
    if (!alert) refuse('NO_SUCH_ALERT', `the household has no alert ${data.alertId}`, { alertId: data.alertId });
    if (alert.verification) {
      refuse('ALERT_VERIFIED', `alert ${alert.alertId} was verified on ${alert.verification.verifiedOn}`, {
        alertId: alert.alertId,
        verifiedOn: alert.verification.verifiedOn,
      });
    }
    if (ctx.effectiveAt < alert.raisedOn) {
      refuse(
        'BEFORE_PREVIOUS_STEP',
        `a verification cannot take effect (${ctx.effectiveAt}) before its alert (${alert.raisedOn})`,
        { effectiveAt: ctx.effectiveAt, previousStepOn: alert.raisedOn },
      );
    }
    const standard = monitoringStandardFor(ctx.policy, year(ctx.effectiveAt), state.household?.villageCode ?? '');
    if (data.outcome === 'already_monitored' && !state.monitoring) {
      refuse('NOT_MONITORED', 'the household is not monitored: take it in, exclude it or refer it');
    }
    if (data.outcome === 'taken_in') {
      if (state.case) {
        refuse('CASE_OPEN', `a ${state.case.kind} case is open: it must end before the household is taken in`, {
          case: state.case.kind,
        });
      }
      if (state.monitoring) {
        refuse('ALREADY_MONITORED', `already monitored as ${state.monitoring.category}: record already_monitored`, {
          category: state.monitoring.category,
        });
      }
      const category = data.category as keyof typeof MONITORING_ALLOWED;
      requireStatus(state, MONITORING_ALLOWED[category], `take the household in as ${category}`);
      // 脱贫不稳定户 and 边缘易致贫户 are households within the monitoring range; a household above
      // it is at risk only through a sudden hardship (突发严重困难户).
      if (category !== 'sudden_hardship') {
        if (!standard) {
          refuse('MONITORING_STANDARD_UNKNOWN', `the policy has no monitoring standard for ${year(ctx.effectiveAt)}`, {
            year: year(ctx.effectiveAt),
            policyId: ctx.policy.id,
          });
        }
        const income = data.incomePerCapitaFen as number;
        if (income >= standard.lineFen) {
          refuse(
            'ABOVE_MONITORING_STANDARD',
            `income per head ${income} fen is not below the ${year(ctx.effectiveAt)} monitoring standard of ${standard.lineFen} fen: only a sudden hardship takes such a household in`,
            { incomePerCapitaFen: income, monitoringStandardFen: standard.lineFen, year: year(ctx.effectiveAt) },
          );
        }
      }
    }
    return [
      {
        type: 'RiskAlertVerified',
        data: { ...data, ...(standard ? { monitoringStandardFen: standard.lineFen } : {}) },
      },
    ];
  },
};

/** The monitoring regime in force on the command's date, or a refusal saying from when it is. */
export function requireRegime(ctx: DecideContext, action: string) {
  const regime = monitoringRegimeOn(ctx.policy, ctx.effectiveAt);
  if (!regime) {
    const from = ctx.policy.monitoring?.from ?? null;
    refuse(
      'MONITORING_NOT_IN_FORCE',
      from
        ? `cannot ${action} effective ${ctx.effectiveAt}: monitoring is in force from ${from}`
        : `cannot ${action}: policy ${ctx.policy.id} has no monitoring regime`,
      { effectiveAt: ctx.effectiveAt, monitoringFrom: from, policyId: ctx.policy.id },
    );
  }
  return regime;
}

/** An alert past its verification date and not verified (as of `today`): the rule every reader uses. */
export function isOverdue(alert: Pick<Alert, 'verifyBy'> & { verification?: unknown }, today: string): boolean {
  return !alert.verification && alert.verifyBy < today;
}

export const evolve: Evolvers<'RiskAlertRaised' | 'RiskAlertVerified'> = {
  RiskAlertRaised: (state, event) => ({
    ...state,
    // A household not yet on file is recorded with its alert: on file, never registered.
    ...(state.status === 'none' && event.data.household
      ? {
          status: 'unregistered' as const,
          householdId: event.data.householdId,
          household: event.data.household,
          members: Object.fromEntries((event.data.members ?? []).map((m) => [m.memberId, m])),
          headMemberId: event.data.members?.find((m) => m.relation === 'head')?.memberId,
        }
      : {}),
    alerts: [
      ...state.alerts,
      {
        alertId: event.data.alertId,
        channel: event.data.channel,
        risks: event.data.risks,
        detail: event.data.detail,
        ...(event.data.department ? { department: event.data.department } : {}),
        raisedOn: event.effectiveAt,
        verifyBy: event.data.verifyBy,
        identifyBy: event.data.identifyBy,
      },
    ],
  }),
  RiskAlertVerified: (state, event) => ({
    ...state,
    alerts: state.alerts.map((a) =>
      a.alertId === event.data.alertId ? { ...a, verification: verificationOf(event.data, event.effectiveAt) } : a,
    ),
    // Taken in: the identification of a monitored household opens at the village review (民主评议).
    ...(event.data.outcome === 'taken_in' && event.data.category && event.data.risks
      ? {
          case: {
            kind: 'monitoring' as const,
            step: 'village_review' as const,
            alertId: event.data.alertId,
            category: event.data.category,
            risks: event.data.risks,
            ...(event.data.incomePerCapitaFen !== undefined
              ? { incomePerCapitaFen: event.data.incomePerCapitaFen }
              : {}),
            ...(event.data.rigidExpenditureFen !== undefined
              ? { rigidExpenditureFen: event.data.rigidExpenditureFen }
              : {}),
          },
        }
      : {}),
  }),
};

function verificationOf(data: HouseholdEventData<'RiskAlertVerified'>, on: string): NonNullable<Alert['verification']> {
  return {
    verifiedOn: on,
    outcome: data.outcome,
    ...(data.incomePerCapitaFen !== undefined ? { incomePerCapitaFen: data.incomePerCapitaFen } : {}),
    ...(data.category ? { category: data.category } : {}),
  };
}
