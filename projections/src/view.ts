import type { HouseholdState } from '@registry/registry';
import type { HouseholdDetails, HouseholdEventData, Member } from '@registry/schema';

/**
 * The household as the read side shows it: now (from the roll), as of two dates and after each
 * event of its timeline, all through `toView`. The domain's state is the write side's working
 * memory and may change shape; this is the shape the API, exports and the console rely on.
 * `viewVersion` changes when a field changes meaning or goes away (fields are only added
 * within a version), so a consumer holding views (an export, a cache) can tell them apart.
 */
export const VIEW_VERSION = 1;

export interface HouseholdView {
  viewVersion: typeof VIEW_VERSION;
  householdId: string;
  status: HouseholdState['status'];
  /** Address, village and contact; null before anything about the household is recorded. */
  household: HouseholdDetails | null;
  registration: {
    cardNumber: string;
    attribute: HouseholdEventData<'RegistrationApproved'>['attribute'];
    mainCause: HouseholdEventData<'RegistrationApproved'>['mainCause'];
    otherCauses: HouseholdEventData<'RegistrationApproved'>['otherCauses'];
    registeredOn: string;
  } | null;
  helper: { helperId: string; name: string; unit: string; phone: string | null } | null;
  headMemberId: string | null;
  /** In the order they were recorded. */
  members: Member[];
  /** In stream order; the last is the latest. */
  assessments: HouseholdEventData<'ConditionsAssessed'>[];
  measures: {
    measureId: string;
    category: HouseholdEventData<'AssistancePlanned'>['category'];
    fundingSource: HouseholdEventData<'AssistancePlanned'>['fundingSource'];
    year: number;
    description: string;
    amountFen: number;
    deliveredFen: number;
    /** planned, under_way, completed or cancelled. */
    status: string;
  }[];
  /** In stream order. */
  visits: { visitId: string; helperId: string; visitedOn: string; notes: string }[];
  exits: { year: number; exitedOn: string; incomePerCapitaFen: number; incomeLineFen: number; policyId: string }[];
  returns: { returnedOn: string; mainCause: string }[];
  /** Exits annulled as wrong (错退), in the order found. */
  wrongExits: { year: number; exitedOn: string; source: string }[];
  monitoring: {
    category: HouseholdEventData<'MonitoringStarted'>['category'];
    since: string;
    risks: string[];
  } | null;
  /** An identification, exit or monitored household's identification case under way. */
  openCase: {
    kind: 'identification' | 'exit' | 'monitoring' | 'elimination';
    step: string;
    year: number | null;
    /** A monitored household's identification: the category the verification found. */
    category: string | null;
    notice: { level: 'village' | 'township'; openedOn: string; closesOn: string } | null;
  } | null;
  removedOn: string | null;
  decreasedOn: string | null;
  /** 一户一策: the plan of each year, in year order. */
  plans: { year: number; goal: string; incomeTargetFen: number | null; categories: string[]; recordedOn: string }[];
  /** A move to another village proposed, awaiting that village's acceptance. */
  pendingMove: { toVillageCode: string; address: string; relocation: boolean; proposedOn: string } | null;
  /** 风险预警, in the order raised, each with its deadlines and, once verified, its outcome. */
  alerts: AlertView[];
}

export interface AlertView {
  alertId: string;
  channel: string;
  department: string | null;
  risks: string[];
  detail: string;
  raisedOn: string;
  verifyBy: string;
  identifyBy: string;
  verification: {
    verifiedOn: string;
    outcome: string;
    incomePerCapitaFen: number | null;
    category: string | null;
  } | null;
}

/** The view of a folded household state. */
export function toView(householdId: string, state: HouseholdState): HouseholdView {
  const { registration, helper, monitoring, case: open } = state;
  return {
    viewVersion: VIEW_VERSION,
    householdId,
    status: state.status,
    household: state.household ?? null,
    registration: registration
      ? {
          cardNumber: registration.cardNumber,
          attribute: registration.attribute,
          mainCause: registration.mainCause,
          otherCauses: registration.otherCauses,
          registeredOn: registration.registeredOn,
        }
      : null,
    helper: helper
      ? { helperId: helper.helperId, name: helper.name, unit: helper.unit, phone: helper.phone ?? null }
      : null,
    headMemberId: state.headMemberId ?? null,
    members: Object.values(state.members),
    assessments: state.assessments,
    measures: Object.values(state.measures).map((m) => ({
      measureId: m.measureId,
      category: m.category,
      fundingSource: m.fundingSource,
      year: m.year,
      description: m.description,
      amountFen: m.amountFen,
      deliveredFen: m.deliveredFen,
      // A state stored before measures had a status (refolded by its shape anyway) reads as planned.
      status: m.status ?? 'planned',
    })),
    visits: state.visits.map((v) => ({
      visitId: v.visitId,
      helperId: v.helperId,
      visitedOn: v.visitedOn,
      notes: v.notes,
    })),
    exits: state.exits.map((e) => ({
      year: e.year,
      exitedOn: e.exitedOn,
      incomePerCapitaFen: e.evidence.incomePerCapitaFen,
      incomeLineFen: e.evidence.incomeLineFen,
      policyId: e.evidence.policyId,
    })),
    returns: state.returns.map((r) => ({ returnedOn: r.returnedOn, mainCause: r.mainCause })),
    // A state stored before wrong exits existed has none (it is refolded by its shape anyway).
    wrongExits: (state.wrongExits ?? []).map((w) => ({ year: w.year, exitedOn: w.exitedOn, source: w.source })),
    monitoring: monitoring ? { category: monitoring.category, since: monitoring.since, risks: monitoring.risks } : null,
    openCase: open
      ? {
          kind: open.kind,
          step: open.step,
          year: open.kind === 'exit' || open.kind === 'elimination' ? open.year : null,
          category: open.kind === 'monitoring' ? open.category : null,
          notice: open.notice
            ? { level: open.notice.level, openedOn: open.notice.openedOn, closesOn: open.notice.closesOn }
            : null,
        }
      : null,
    removedOn: state.removedOn ?? null,
    decreasedOn: state.status === 'decreased' ? state.decreasedOn : null,
    plans: (state.plans ?? []).map((p) => ({
      year: p.year,
      goal: p.goal,
      incomeTargetFen: p.incomeTargetFen ?? null,
      categories: p.categories,
      recordedOn: p.recordedOn,
    })),
    // A state stored before alerts existed has none (it is refolded by its shape anyway).
    alerts: (state.alerts ?? []).map((a) => ({
      alertId: a.alertId,
      channel: a.channel,
      department: a.department ?? null,
      risks: a.risks,
      detail: a.detail,
      raisedOn: a.raisedOn,
      verifyBy: a.verifyBy,
      identifyBy: a.identifyBy,
      verification: a.verification
        ? {
            verifiedOn: a.verification.verifiedOn,
            outcome: a.verification.outcome,
            incomePerCapitaFen: a.verification.incomePerCapitaFen ?? null,
            category: a.verification.category ?? null,
          }
        : null,
    })),
    pendingMove: state.pendingMove
      ? {
          toVillageCode: state.pendingMove.toVillageCode,
          address: state.pendingMove.address,
          relocation: state.pendingMove.relocation,
          proposedOn: state.pendingMove.proposedOn,
        }
      : null,
  };
}
