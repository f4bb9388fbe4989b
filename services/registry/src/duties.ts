import type { Actor, AreaLevel, CaseStep, Duty, HouseholdCommand, Policy } from '@registry/schema';
import { RuleViolation } from './errors.js';
import type { HistoryEvent } from './fold.js';
import type { HouseholdState } from './state.js';

/**
 * Separation of duties (村申请、乡审核、县审批): which level of government may record a step, and
 * which two steps of one case one person may not both record. Both are the policy's data
 * (`dutyLevels`, `separateDuties`); this file only says which duty a command or an event is.
 */

const STEP_DUTIES: Record<'identification' | 'exit' | 'monitoring' | 'elimination', Partial<Record<CaseStep, Duty>>> = {
  elimination: {
    village_review: 'village_review',
    village_notice: 'village_notice',
    county_approval: 'elimination_approval',
  },
  monitoring: {
    village_review: 'village_review',
    village_notice: 'village_notice',
    township_review: 'township_review',
    county_decision: 'monitoring_decision',
  },
  identification: {
    village_review: 'village_review',
    village_notice: 'village_notice',
    township_review: 'township_review',
    township_notice: 'township_notice',
    data_comparison: 'data_comparison',
    county_approval: 'county_approval',
  },
  exit: {
    village_review: 'village_review',
    village_notice: 'village_notice',
    confirmation: 'exit_confirmation',
    township_verification: 'township_verification',
    county_approval: 'exit_approval',
  },
};

/** Every step of every kind of case with the duty that takes it forward (for a work queue to say whose it is). */
export function caseStepDuties(): { kind: CaseAtStep['kind']; step: CaseStep; duty: Duty }[] {
  return Object.entries(STEP_DUTIES).flatMap(([kind, steps]) =>
    Object.entries(steps).map(([step, duty]) => ({
      kind: kind as CaseAtStep['kind'],
      step: step as CaseStep,
      duty: duty as Duty,
    })),
  );
}

/** The duty a command performs on a household as it stands; undefined for records any clerk keeps. */
export function dutyOf(command: HouseholdCommand, state: HouseholdState): Duty | undefined {
  return dutyOfType(command.type, state.case ?? null);
}

/** The case a household has open, as far as the duty of a command depends on it. */
export interface CaseAtStep {
  kind: 'identification' | 'exit' | 'monitoring' | 'elimination';
  step: CaseStep;
  notice?: { level: 'village' | 'township' } | null;
}

/** The duty a command of this type performs while this case is open (none: no case). */
export function dutyOfType(type: HouseholdCommand['type'], open: CaseAtStep | null): Duty | undefined {
  const atStep = open ? STEP_DUTIES[open.kind][open.step] : undefined;
  switch (type) {
    case 'ApplyForRegistration':
      return 'application';
    case 'RecordVillageReview':
      return 'village_review';
    case 'RecordTownshipReview':
      return 'township_review';
    case 'RecordDataComparison':
    case 'RecordAgencyFinding':
      return 'data_comparison';
    case 'ApproveRegistration':
      return 'county_approval';
    case 'ProposeExit':
      return 'exit_proposal';
    case 'ConfirmExit':
      return 'exit_confirmation';
    case 'VerifyExit':
      return 'township_verification';
    case 'ApproveExit':
      return 'exit_approval';
    case 'RemoveFromRegistry':
      return 'removal';
    case 'AnnulExit':
      return 'exit_annulment';
    case 'ProposeMove':
    case 'CancelMove':
      return 'move_out';
    case 'AcceptMove':
      return 'move_in';
    case 'ImportHousehold':
    case 'ImportExit':
      return 'import';
    case 'ApproveMonitoring':
      return 'monitoring_decision';
    case 'ProposeRiskElimination':
      return 'elimination_proposal';
    case 'ApproveRiskElimination':
      return 'elimination_approval';
    case 'RejectRiskElimination':
      return atStep;
    case 'RejectMonitoring':
      return atStep;
    case 'RaiseRiskAlert':
      return 'risk_alert';
    case 'VerifyRiskAlert':
      return 'alert_verification';
    // A notice and its objections belong to the level whose notice it is; a rejection to the
    // level of the step the case is at.
    case 'OpenPublicNotice':
    case 'ClosePublicNotice':
    case 'RecordObjection':
    case 'ResolveObjection':
      return open?.notice?.level === 'township' || atStep === 'township_notice' ? 'township_notice' : 'village_notice';
    case 'RejectApplication':
    case 'RejectExit':
      return atStep;
    default:
      return undefined;
  }
}

/** The duty an event of a case records (who recorded it is on its metadata). */
function dutyOfEvent(event: HistoryEvent): Duty | undefined {
  switch (event.type) {
    case 'ApplicationSubmitted':
      return 'application';
    case 'VillageReviewRecorded':
      return 'village_review';
    case 'PublicNoticeOpened':
      return event.data.level === 'township' ? 'township_notice' : 'village_notice';
    case 'TownshipReviewRecorded':
      return 'township_review';
    case 'DataComparisonRecorded':
      return 'data_comparison';
    case 'RegistrationApproved':
      return 'county_approval';
    case 'ExitProposed':
      return 'exit_proposal';
    case 'ExitConfirmed':
      return 'exit_confirmation';
    case 'ExitVerified':
      return 'township_verification';
    case 'ExitApproved':
      return 'exit_approval';
    case 'MonitoringStarted':
      return 'monitoring_decision';
    case 'RiskEliminationProposed':
      return 'elimination_proposal';
    default:
      return undefined;
  }
}

/** The events of the case now open (or that the command closes), from the one that opened it. */
function currentCase(history: readonly HistoryEvent[]): readonly HistoryEvent[] {
  for (let i = history.length - 1; i >= 0; i--) {
    const type = history[i]?.type;
    const event = history[i];
    if (type === 'ApplicationSubmitted' || type === 'ExitProposed' || type === 'RiskEliminationProposed') {
      return history.slice(i);
    }
    // A monitored household's identification opens with the verification that took it in.
    if (type === 'RiskAlertVerified' && (event?.data as { outcome?: string } | undefined)?.outcome === 'taken_in') {
      return history.slice(i);
    }
  }
  return [];
}

/**
 * Refuses a command whose duty the caller's level may not record (`LEVEL_NOT_ALLOWED`), or that
 * the same person recorded the duty it must be kept apart from in this case (`SAME_PERSON`).
 * `level` is the caller's area level; without one (loaders and scripts acting for the system)
 * only the two-person rule applies.
 */
export function checkDuties(
  command: HouseholdCommand,
  state: HouseholdState,
  history: readonly HistoryEvent[],
  actor: Actor,
  level: AreaLevel | undefined,
  policy: Policy,
): void {
  const duty = dutyOf(command, state);
  if (!duty) return;
  checkLevel(duty, level, policy);
  for (const [a, b] of policy.separateDuties ?? []) {
    const other = duty === a ? b : duty === b ? a : undefined;
    if (!other) continue;
    const earlier = currentCase(history).find((e) => dutyOfEvent(e) === other && e.metadata.actor.id === actor.id);
    if (earlier) {
      throw new RuleViolation(
        'SAME_PERSON',
        `${actor.id} recorded the ${other} of this case; the ${duty} must be recorded by someone else`,
        { duty, otherDuty: other, actorId: actor.id, eventId: earlier.id },
      );
    }
  }
}

/** Refuses a duty the caller's level may not record (`LEVEL_NOT_ALLOWED`); no level: no rule. */
export function checkLevel(duty: Duty, level: AreaLevel | undefined, policy: Policy): void {
  const allowed = policy.dutyLevels?.[duty];
  if (level && allowed && !allowed.includes(level)) {
    throw new RuleViolation(
      'LEVEL_NOT_ALLOWED',
      `${duty} is recorded at ${allowed.join(' or ')} level; your area is a ${level}`,
      { duty, level, allowed },
    );
  }
}
