import { applyCorrections, foldEvents, type HistoryEvent, type HouseholdState, initialState } from '@registry/registry';
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
 * The household's status over business time, from everything in `history` (as known when
 * its last event was recorded): the state on a date is the fold of the events effective by
 * then, in stream order, corrections applied. Equal neighbours merge.
 */
export function effectiveTimeline(history: readonly HistoryEvent[]): EffectiveInterval[] {
  const events = applyCorrections(history);
  const dates = [...new Set(events.map((e) => e.effectiveAt))].sort();
  // A decision backdated before the application that gave the address still belongs to the
  // household's area: where a date's state has no address yet, the address known now stands.
  const known = rollFields(foldEvents(events));
  const intervals: EffectiveInterval[] = [];
  let state = initialState();
  let lastIncluded = -1;
  const byDate = new Map<string, number[]>();
  events.forEach((e, i) => {
    byDate.set(e.effectiveAt, [...(byDate.get(e.effectiveAt) ?? []), i]);
  });
  for (const date of dates) {
    // The state on a date folds the events effective by then in stream order. While the
    // newly effective events all come after those already folded, fold on; otherwise refold.
    const newly = byDate.get(date) as number[];
    if ((newly[0] ?? Number.POSITIVE_INFINITY) > lastIncluded) {
      state = foldEvents(
        newly.map((i) => events[i] as (typeof events)[number]),
        state,
      );
    } else {
      state = foldEvents(events.filter((e) => e.effectiveAt <= date));
    }
    lastIncluded = Math.max(lastIncluded, newly.at(-1) ?? -1);
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
