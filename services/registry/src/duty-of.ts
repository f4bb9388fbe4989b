import type { CaseStep, Duty, HouseholdCommand } from '@registry/schema';
import type { HouseholdState } from './state.js';

/**
 * Separation of duties (村申请、乡审核、县审批): which level of government may record a step, and
 * which two steps of one case one person may not both record. Both are the policy's data
 * (`dutyLevels`, `separateDuties`); this file only says which duty a command is (duties.ts
 * enforces them and says which duty an event records).
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
