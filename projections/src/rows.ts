import {
  applyCorrections,
  evolve,
  foldEvents,
  type HistoryEvent,
  type HouseholdState,
  initialState,
  STATE_SHAPE,
} from '@registry/registry';
import { countyOf, townshipOf } from '@registry/schema';

/** What the status history tracks: a new interval starts whenever one of these changes. */
export interface RollFields {
  status: string;
  memberCount: number;
  attribute: string | null;
  monitoringCategory: string | null;
  countyCode: string | null;
  townshipCode: string | null;
  villageCode: string | null;
}

export function rollFields(state: HouseholdState): RollFields {
  const village = state.household?.villageCode ?? null;
  return {
    status: state.status,
    memberCount: Object.keys(state.members).length,
    attribute: state.registration?.attribute ?? null,
    monitoringCategory: state.monitoring?.category ?? null,
    countyCode: village && countyOf(village),
    townshipCode: village && townshipOf(village),
    villageCode: village,
  };
}

export const sameRoll = (a: RollFields, b: RollFields): boolean =>
  a.status === b.status &&
  a.memberCount === b.memberCount &&
  a.attribute === b.attribute &&
  a.monitoringCategory === b.monitoringCategory &&
  a.villageCode === b.villageCode;

export interface EffectiveInterval extends RollFields {
  effectiveFrom: string;
  effectiveTo: string | null;
}

/**
 * The event types that can change a household's roll fields (status, members, attribute,
 * monitoring, area). Evolving any of these reads only fields that these types write, so the
 * others (case steps, reviews and notices, assessments, measures, visits, the helper, member
 * details) can be left out of the status history without changing it: a property test
 * compares both. A late visit, the most common back-dated record, changes no interval.
 */
export const ROLL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'ApplicationSubmitted',
  'HouseholdImported',
  'ExitImported',
  'RegistrationApproved',
  'ApplicationRejected',
  'MemberAdded',
  'MemberRemoved',
  'ExitApproved',
  'ExitAnnulled',
  'ReturnedToPoverty',
  'AttributeAndCausesAdjusted',
  'RemovedFromRegistry',
  'NaturalDecreaseRecorded',
  'MonitoringStarted',
  'MonitoringEnded',
  'HouseholdMoved',
  // Only when it records a household not yet on file; the fold of roll events must see it.
  'RiskAlertRaised',
]);

/** Whether an event can change the status history: a roll event, or a correction of one. */
export function changesRoll(event: HistoryEvent): boolean {
  return event.type === 'EventCorrected'
    ? ROLL_EVENT_TYPES.has(event.data.correctedType)
    : ROLL_EVENT_TYPES.has(event.type);
}

/**
 * The household's status over business time, from everything in `history` (as known when
 * its last event was recorded): the state on a date is the fold of the events effective by
 * then, in stream order, corrections applied. Equal neighbours merge.
 *
 * Cost: only roll events are folded; going through the dates in order, the events that come
 * into effect on a date are folded on from the state before the earliest of them in stream
 * order (kept for every folded event), not from the start. Records entered late, effective
 * before others already folded, refold only what follows them.
 */
export function effectiveTimeline(history: readonly HistoryEvent[]): EffectiveInterval[] {
  const events = applyCorrections(history).filter((e) => ROLL_EVENT_TYPES.has(e.type));
  // A decision backdated before the application that gave the address still belongs to the
  // household's area: where a date's state has no address yet, the address known now stands.
  const known = rollFields(foldEvents(events));
  const byDate = new Map<string, number[]>();
  events.forEach((e, i) => {
    const same = byDate.get(e.effectiveAt);
    if (same) same.push(i);
    else byDate.set(e.effectiveAt, [i]);
  });
  // included[i]: event i is in effect; folded: the indices folded so far, in stream order, and
  // after[k]: the state after folding folded[0..k].
  const included = new Array<boolean>(events.length).fill(false);
  const folded: number[] = [];
  const after: HouseholdState[] = [];
  const intervals: EffectiveInterval[] = [];
  for (const date of [...byDate.keys()].sort()) {
    const newly = byDate.get(date) as number[];
    for (const i of newly) included[i] = true;
    // Keep the folded prefix that precedes the earliest newly effective event; fold on from there.
    const first = newly[0] as number;
    let keep = folded.length;
    while (keep > 0 && (folded[keep - 1] as number) > first) keep--;
    folded.length = keep;
    after.length = keep;
    let state = keep > 0 ? (after[keep - 1] as HouseholdState) : initialState();
    for (let i = first; i < events.length; i++) {
      if (!included[i]) continue;
      state = evolve(state, events[i] as HistoryEvent);
      folded.push(i);
      after.push(state);
    }
    if (state.status === 'none') continue;
    const own = rollFields(state);
    const fields =
      own.villageCode === null
        ? { ...own, countyCode: known.countyCode, townshipCode: known.townshipCode, villageCode: known.villageCode }
        : own;
    const last = intervals.at(-1);
    if (last && sameRoll(last, fields)) continue;
    if (last) last.effectiveTo = date;
    intervals.push({ ...fields, effectiveFrom: date, effectiveTo: null });
  }
  return intervals;
}

export function householdRow(
  householdId: string,
  state: HouseholdState,
  meta: { version: number; lastEffectiveAt: string; updatedAt: string },
) {
  const roll = rollFields(state);
  const latest = state.assessments.at(-1);
  return {
    household_id: householdId,
    county_code: roll.countyCode,
    township_code: roll.townshipCode,
    village_code: roll.villageCode,
    status: state.status,
    card_number: state.registration?.cardNumber || null,
    attribute: roll.attribute,
    main_cause: state.registration?.mainCause ?? null,
    other_causes: state.registration?.otherCauses ?? [],
    helper_id: state.helper?.helperId ?? null,
    helper_name: state.helper?.name ?? null,
    helper_unit: state.helper?.unit ?? null,
    member_count: Object.keys(state.members).length,
    latest_assessment_year: latest?.year ?? null,
    latest_income_fen: latest?.incomePerCapitaFen ?? null,
    monitoring_category: roll.monitoringCategory,
    exit_count: state.exits.length,
    exits_missing_evidence: state.exits.filter(
      (x) => !state.assessments.some((a) => a.assessmentId === x.evidence.assessmentId),
    ).length,
    return_count: state.returns.length,
    open_case: state.case ? `${state.case.kind}:${state.case.step}` : null,
    version: meta.version,
    last_effective_at: meta.lastEffectiveAt,
    updated_at: meta.updatedAt,
    state,
    state_shape: STATE_SHAPE,
  };
}

export function memberRows(householdId: string, state: HouseholdState) {
  return Object.values(state.members).map((m) => ({
    household_id: householdId,
    member_id: m.memberId,
    national_id: m.nationalId,
    name: m.name,
    sex: m.sex,
    birth_date: m.birthDate,
    relation: m.relation,
    health: m.health,
    disability_grade: m.disabilityGrade ?? null,
    labour_capacity: m.labourCapacity,
    schooling: m.schooling,
    basic_medical: m.insurance.basicMedical,
    serious_illness: m.insurance.seriousIllness,
    pension: m.insurance.pension,
  }));
}

export function measureRows(householdId: string, state: HouseholdState) {
  return Object.values(state.measures).map((m) => ({
    household_id: householdId,
    measure_id: m.measureId,
    category: m.category,
    funding_source: m.fundingSource,
    year: m.year,
    description: m.description,
    amount_fen: m.amountFen,
    delivered_fen: m.deliveredFen,
  }));
}

export function visitRows(householdId: string, state: HouseholdState) {
  return state.visits.map((v) => ({
    household_id: householdId,
    visit_id: v.visitId,
    helper_id: v.helperId,
    visited_on: v.visitedOn,
  }));
}

/** 风险预警: one row per alert, with its deadlines and, once verified, its outcome (the village's queue reads these). */
export function alertRows(householdId: string, state: HouseholdState) {
  return (state.alerts ?? []).map((a) => ({
    household_id: householdId,
    alert_id: a.alertId,
    channel: a.channel,
    department: a.department ?? null,
    risks: a.risks,
    detail: a.detail,
    raised_on: a.raisedOn,
    verify_by: a.verifyBy,
    identify_by: a.identifyBy,
    verified_on: a.verification?.verifiedOn ?? null,
    outcome: a.verification?.outcome ?? null,
    income_per_capita_fen: a.verification?.incomePerCapitaFen ?? null,
    category: a.verification?.category ?? null,
  }));
}

/** 防返贫监测 periods: one row per period, in stream order, with how it ended (the indicators read these). */
export function monitoringRows(householdId: string, state: HouseholdState) {
  return state.monitoringPeriods.map((p, i) => ({
    household_id: householdId,
    period: i,
    category: p.category,
    // A state stored before periods kept their risks (shape 10) is folded again before it is written.
    risks: p.risks ?? [],
    started_on: p.from,
    ended_on: p.to ?? null,
    ended: p.ended ?? null,
  }));
}
