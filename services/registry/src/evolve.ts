import type { HouseholdEvent } from '@registry/schema';
import type { HouseholdState, OpenCase } from './state.js';
import { nextStep, reviewBefore } from './steps.js';

/** A household event with the business date it took effect (from its metadata). */
export type DomainEvent = HouseholdEvent & { effectiveAt: string };

function advance(state: HouseholdState): OpenCase | undefined {
  const open = state.case;
  if (!open) return undefined;
  const step = nextStep(open.kind, open.step);
  return step ? { ...open, step, notice: undefined } : undefined;
}

/**
 * Applies one event to the state. Pure and total: it never refuses (deciding is decide's
 * job), so any stored history folds, also one corrected after the fact.
 */
export function evolve(state: HouseholdState, event: DomainEvent): HouseholdState {
  switch (event.type) {
    case 'ApplicationSubmitted': {
      const members = Object.fromEntries(event.data.members.map((m) => [m.memberId, m]));
      return {
        ...state,
        status: 'applicant',
        householdId: event.data.householdId,
        household: event.data.household,
        members,
        headMemberId: event.data.members.find((m) => m.relation === 'head')?.memberId,
        case: { kind: 'identification', step: 'village_review' },
        comparisonFindings: [],
      };
    }
    case 'VillageReviewRecorded':
    case 'TownshipReviewRecorded':
    case 'ExitVerified':
      return event.type !== 'ExitVerified' && !event.data.approved ? state : { ...state, case: advance(state) };
    case 'PublicNoticeOpened':
      return state.case
        ? {
            ...state,
            case: {
              ...state.case,
              notice: {
                noticeId: event.data.noticeId,
                level: event.data.level,
                openedOn: event.data.openedOn,
                closesOn: event.data.closesOn,
                objections: {},
              },
            },
          }
        : state;
    case 'ObjectionRecorded': {
      const notice = state.case?.notice;
      if (!state.case || !notice) return state;
      const objections = {
        ...notice.objections,
        [event.data.objectionId]: { summary: event.data.summary, resolved: false },
      };
      return { ...state, case: { ...state.case, notice: { ...notice, objections } } };
    }
    case 'ObjectionResolved': {
      const open = state.case;
      const notice = open?.notice;
      if (!open || !notice) return state;
      const objection = notice.objections[event.data.objectionId];
      if (!objection) return state;
      if (event.data.upheld && event.data.consequence === 'sent_back') {
        return { ...state, case: { ...open, step: reviewBefore(open.kind, open.step), notice: undefined } };
      }
      const objections = {
        ...notice.objections,
        [event.data.objectionId]: { ...objection, resolved: true, upheld: event.data.upheld },
      };
      return { ...state, case: { ...open, notice: { ...notice, objections } } };
    }
    case 'PublicNoticeClosed':
    case 'ExitConfirmed':
      return {
        ...state,
        case:
          event.type === 'ExitConfirmed' && state.case
            ? advance({
                ...state,
                case: {
                  ...state.case,
                  confirmedBy: { memberId: event.data.signedByMemberId, helperId: event.data.helperId },
                },
              })
            : advance(state),
      };
    case 'DataComparisonRecorded':
      return { ...state, comparisonFindings: event.data.findings, case: advance(state) };
    case 'RegistrationApproved':
      return {
        ...state,
        status: 'registered',
        case: undefined,
        registration: { ...event.data, registeredOn: event.effectiveAt },
      };
    case 'ApplicationRejected':
      return { ...state, status: 'rejected', case: undefined };
    case 'MemberAdded':
      return { ...state, members: { ...state.members, [event.data.member.memberId]: event.data.member } };
    case 'MemberRemoved': {
      const { [event.data.memberId]: _removed, ...members } = state.members;
      const newHead = event.data.newHeadMemberId;
      if (newHead && members[newHead]) members[newHead] = { ...members[newHead], relation: 'head' };
      const headMemberId = newHead ?? (state.headMemberId === event.data.memberId ? undefined : state.headMemberId);
      return { ...state, members, ...(headMemberId ? { headMemberId } : { headMemberId: undefined }) };
    }
    case 'MemberUpdated': {
      const member = state.members[event.data.memberId];
      if (!member) return state;
      const { disabilityGrade, ...changes } = event.data.changes;
      const updated = { ...member, ...changes };
      if (disabilityGrade === null) delete updated.disabilityGrade;
      else if (disabilityGrade !== undefined) updated.disabilityGrade = disabilityGrade;
      return { ...state, members: { ...state.members, [member.memberId]: updated } };
    }
    case 'ConditionsAssessed':
      return { ...state, assessments: [...state.assessments, event.data] };
    case 'HelperAssigned':
      return { ...state, helper: event.data.helper };
    case 'AssistancePlanned':
      return {
        ...state,
        measures: { ...state.measures, [event.data.measureId]: { ...event.data, deliveredFen: 0, deliveries: [] } },
      };
    case 'AssistanceDelivered': {
      const measure = state.measures[event.data.measureId];
      if (!measure) return state;
      const delivery = { amountFen: event.data.amountFen, deliveredOn: event.data.deliveredOn };
      return {
        ...state,
        measures: {
          ...state.measures,
          [measure.measureId]: {
            ...measure,
            deliveredFen: measure.deliveredFen + delivery.amountFen,
            deliveries: [...measure.deliveries, delivery],
          },
        },
      };
    }
    case 'VisitRecorded': {
      const visit = {
        visitId: event.data.visitId,
        helperId: event.data.helperId,
        visitedOn: event.data.visitedOn,
        notes: event.data.notes,
      };
      const at = state.visits.findIndex((v) => v.visitId === visit.visitId);
      return {
        ...state,
        visits: at < 0 ? [...state.visits, visit] : state.visits.map((v, i) => (i === at ? visit : v)),
      };
    }
    case 'ExitProposed':
      return { ...state, case: { kind: 'exit', step: 'village_review', year: event.data.year } };
    case 'ExitApproved':
      return {
        ...state,
        status: 'exited',
        case: undefined,
        exits: [
          ...state.exits,
          { year: event.data.year, exitedOn: event.data.exitedOn, evidence: event.data.evidence },
        ],
      };
    case 'ExitRejected':
      return { ...state, case: undefined };
    case 'ReturnedToPoverty':
      return {
        ...state,
        status: 'returned',
        registration: {
          cardNumber: state.registration?.cardNumber ?? '',
          registeredOn: state.registration?.registeredOn ?? event.effectiveAt,
          attribute: event.data.attribute,
          mainCause: event.data.mainCause,
          otherCauses: event.data.otherCauses,
        },
        returns: [...state.returns, { returnedOn: event.effectiveAt, mainCause: event.data.mainCause }],
        ...endMonitoring(state, event.effectiveAt),
      };
    case 'RemovedFromRegistry':
      return { ...state, status: 'removed', case: undefined, removedOn: event.effectiveAt };
    case 'NaturalDecreaseRecorded':
      return {
        ...state,
        status: 'decreased',
        case: undefined,
        decreasedOn: event.effectiveAt,
        ...endMonitoring(state, event.effectiveAt),
      };
    case 'MonitoringStarted': {
      const isNew = state.status === 'none';
      return {
        ...state,
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
        monitoringPeriods: [...state.monitoringPeriods, { category: event.data.category, from: event.effectiveAt }],
      };
    }
    case 'MonitoringEnded':
      return { ...state, ...endMonitoring(state, event.effectiveAt) };
    case 'EventCorrected':
      // Corrections are applied to the history before folding (see fold.ts), not here.
      return state;
    default: {
      const unknown: never = event;
      throw new Error(`unhandled event ${(unknown as { type: string }).type}`);
    }
  }
}

function endMonitoring(state: HouseholdState, on: string): Partial<HouseholdState> {
  if (!state.monitoring) return {};
  const periods = state.monitoringPeriods.map((p, i) =>
    i === state.monitoringPeriods.length - 1 && p.to === undefined ? { ...p, to: on } : p,
  );
  return { monitoring: undefined, monitoringPeriods: periods };
}
