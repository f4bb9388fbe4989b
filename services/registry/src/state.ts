import type {
  EliminationStep,
  ExitEvidence,
  ExitStep,
  Helper,
  HouseholdDetails,
  HouseholdEventData,
  IdentificationStep,
  Member,
  MonitoringStep,
} from '@registry/schema';
import type { z } from 'zod';

export type Status =
  | 'none' // nothing recorded yet
  | 'applicant' // identification case open
  | 'rejected'
  | 'registered'
  | 'exited'
  | 'returned' // fell back after an exit and registered again
  | 'removed' // 清退, misidentified
  | 'decreased' // 自然减少: terminal
  | 'unregistered'; // recorded for monitoring only, never registered

export interface OpenNotice {
  noticeId: string;
  level: 'village' | 'township';
  openedOn: string;
  closesOn: string;
  objections: Record<string, { summary: string; resolved: boolean; upheld?: boolean }>;
}

/** An identification case (识别) under way, at one of its steps. */
export interface IdentificationCase {
  kind: 'identification';
  step: IdentificationStep;
  notice?: OpenNotice;
  /** The effective date of the case's last event (set by evolve): no step may take effect before it. */
  stepOn?: string;
}

/** An exit case (退出) for a year under way, at one of its steps. */
export interface ExitCase {
  kind: 'exit';
  step: ExitStep;
  year: number;
  notice?: OpenNotice;
  confirmedBy?: { memberId: string; helperId: string };
  /** The effective date of the case's last event (set by evolve): no step may take effect before it. */
  stepOn?: string;
}

/** The identification of a monitored household (识别认定), opened by an alert's verification that took it in. */
export interface MonitoringCase {
  kind: 'monitoring';
  step: MonitoringStep;
  alertId: string;
  category: HouseholdEventData<'MonitoringStarted'>['category'];
  risks: string[];
  incomePerCapitaFen?: number;
  rigidExpenditureFen?: number;
  notice?: OpenNotice;
  /** The effective date of the case's last event (set by evolve): no step may take effect before it. */
  stepOn?: string;
}

/** A risk elimination (风险消除) under way for a year's assessment. */
export interface EliminationCase {
  kind: 'elimination';
  step: EliminationStep;
  year: number;
  notice?: OpenNotice;
  /** The effective date of the case's last event (set by evolve): no step may take effect before it. */
  stepOn?: string;
}

export type OpenCase = IdentificationCase | ExitCase | MonitoringCase | EliminationCase;
export type CaseKind = OpenCase['kind'];

export type Assessment = HouseholdEventData<'ConditionsAssessed'>;
export type Measure = HouseholdEventData<'AssistancePlanned'> & {
  /** Planned until a MeasureStatusChanged says otherwise, with the date it did. */
  status: 'planned' | 'under_way' | 'completed' | 'cancelled';
  statusOn?: string;
  deliveredFen: number;
  deliveries: { amountFen: number; deliveredOn: string }[];
};
export type ComparisonFindings = HouseholdEventData<'DataComparisonRecorded'>['findings'];
type ExitEvidenceT = z.infer<typeof ExitEvidence>;

/**
 * A household's folded state: what every status has, and what only its status has. A natural
 * decrease (自然减少) is final and carries its date. A removal's date (清退) is not bound to
 * its status: a household removed and taken in again keeps it on record, as the registry
 * always showed, so it stays with the common facts (as do the card and causes, kept after an
 * exit or a removal).
 */
export type HouseholdState = HouseholdFacts &
  ({ status: Exclude<Status, 'decreased'> } | { status: 'decreased'; decreasedOn: string });

export interface HouseholdFacts {
  householdId?: string;
  household?: HouseholdDetails;
  members: Record<string, Member>;
  headMemberId?: string;
  case?: OpenCase;
  /** Card, attribute and causes; updated on return to poverty. */
  registration?: {
    cardNumber: string;
    attribute: HouseholdEventData<'RegistrationApproved'>['attribute'];
    mainCause: HouseholdEventData<'RegistrationApproved'>['mainCause'];
    otherCauses: HouseholdEventData<'RegistrationApproved'>['otherCauses'];
    registeredOn: string;
  };
  comparisonFindings: ComparisonFindings;
  /** In stream order; the latest of a year is the one rules read. */
  assessments: Assessment[];
  helper?: Helper;
  measures: Record<string, Measure>;
  /**
   * In stream order. An array, not a record by visit id: a household gathers hundreds of
   * visits, and copying a record keyed by UUIDs on every visit made folding quadratic in cost.
   * A visit id recorded again replaces the earlier entry.
   */
  visits: Visit[];
  exits: { year: number; exitedOn: string; evidence: ExitEvidenceT }[];
  /** Exits annulled as wrong (错退): no longer exits, kept as what they were. */
  wrongExits: { year: number; exitedOn: string; source: HouseholdEventData<'ExitAnnulled'>['source'] }[];
  returns: { returnedOn: string; mainCause: string }[];
  monitoring?: { category: HouseholdEventData<'MonitoringStarted'>['category']; since: string; risks: string[] };
  /**
   * Every period the household was monitored, in stream order: its category and risks (as
   * corrected), from and to, and how it ended (风险消除, 返贫 or 自然减少); open while monitored.
   */
  monitoringPeriods: MonitoringPeriod[];
  /** 风险预警 on the household, in stream order, each with its verification once recorded. */
  alerts: Alert[];
  removedOn?: string;
  /** 一户一策: the plan of each year, the latest recorded standing. */
  plans: { year: number; goal: string; incomeTargetFen?: number; categories: string[]; recordedOn: string }[];
  /** A move to another village proposed here, awaiting that village's acceptance. */
  pendingMove?: { toVillageCode: string; address: string; group?: string; relocation: boolean; proposedOn: string };
}

export interface MonitoringPeriod {
  category: string;
  risks: string[];
  from: string;
  to?: string;
  ended?: MonitoringEnd;
}

/** How a monitoring period ended: risk eliminated (风险消除), returned to poverty (返贫), or the household gone (自然减少, natural elimination). */
export type MonitoringEnd = 'eliminated' | 'returned' | 'decreased';

export interface Alert {
  alertId: string;
  channel: HouseholdEventData<'RiskAlertRaised'>['channel'];
  risks: HouseholdEventData<'RiskAlertRaised'>['risks'];
  detail: string;
  department?: HouseholdEventData<'RiskAlertRaised'>['department'];
  raisedOn: string;
  verifyBy: string;
  identifyBy: string;
  verification?: {
    verifiedOn: string;
    outcome: HouseholdEventData<'RiskAlertVerified'>['outcome'];
    incomePerCapitaFen?: number;
    category?: HouseholdEventData<'RiskAlertVerified'>['category'];
  };
}

export interface Visit {
  visitId: string;
  helperId: string;
  visitedOn: string;
  notes: string;
}

export const initialState = (): HouseholdState => ({
  status: 'none',
  members: {},
  comparisonFindings: [],
  assessments: [],
  measures: {},
  visits: [],
  exits: [],
  wrongExits: [],
  returns: [],
  monitoringPeriods: [],
  alerts: [],
  plans: [],
});

/**
 * The shape of `HouseholdState`, for states kept outside this process (the roll keeps one per
 * household for its projection to go on from). Bump it with any change to the state's fields
 * or their meaning: a state stored in another shape is never read as this one, the read side
 * folds that household again from its events instead. 1: visits keyed by visit id (until
 * 2026-11-24); 2: visits in stream order (until 2026-11-29); 3: an open case keeps the
 * effective date of its last event (stepOn) (until 2026-11-29); 4: wrong exits (wrongExits)
 * (until 2026-11-29); 5: a measure's status (until 2026-11-29); 6: a pending move (until 2026-11-29); 7: household plans (until 2026-12-07);
 * 8: risk alerts (until 2026-12-07); 9: the identification of a monitored household as a case
 * (until 2026-12-07); 10: risk elimination as a case (until 2026-12-07); 11: a monitoring
 * period's risks and how it ended.
 */
export const STATE_SHAPE = 11;

/** Statuses in which a household is on the assistance roll: helper, measures and visits apply. */
export const ASSISTED: readonly Status[] = ['registered', 'returned', 'exited'];
