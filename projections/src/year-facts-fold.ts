import type { HistoryEvent } from '@registry/registry';
import type { RollFields } from './rows.js';

/**
 * A household's kept years (year-facts.ts) worked out in memory from its whole stream and its
 * status timeline, as a build from the start has them at hand: the rows `yearFactsSql` and
 * `yearFundsSql` give with `knownAt` = infinity, column for column, so a build writes them in
 * the same pass as the household's other rows instead of reading the audit back afterwards
 * (which took a rebuild of 1M events from 8 s to 81 s after its load).
 *
 * The SQL stays the definition (it is what the live path, the exact way and verify run); the
 * tests require this fold and the SQL to give the same rows for every household of a
 * simulated county and of generated histories with corrections. Like the SQL, it reads the
 * events as recorded (the audit keeps no correction applied), save that an exit's evidence
 * voided by a correction counts as missing.
 */

/** A status interval as the projection keeps it (the current rows of the status history). */
export interface YearInterval extends RollFields {
  effectiveFrom: string;
  effectiveTo: string | null;
}

type Row = Record<string, string | number | boolean | null>;

const TRANSITION_OF: Record<string, string> = {
  ExitApproved: 'exits_approved',
  ExitImported: 'exits_imported',
  ExitAnnulled: 'exits_annulled',
  ReturnedToPoverty: 'returns',
  RemovedFromRegistry: 'removals',
  NaturalDecreaseRecorded: 'natural_decreases',
  RegistrationApproved: 'registrations_approved',
  HouseholdImported: 'households_imported',
};
const CAUSE_EVENTS = new Set(['RegistrationApproved', 'HouseholdImported', 'AttributeAndCausesAdjusted']);

interface Planned {
  measureId: string;
  year: number;
  effectiveAt: string;
  fen: number | null;
  category: string | null;
  fundingSource: string | null;
  cancelledAt: string | null;
}

const yearOf = (date: string) => Number(date.slice(0, 4));
function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
const field = (data: unknown, key: string): unknown => (data as Record<string, unknown> | null)?.[key];
const text = (value: unknown): string | null => (value === undefined || value === null ? null : String(value));
const int = (value: unknown): number | null => (value === undefined || value === null ? null : Number(value));

/** The household's kept rows: `years` in YEAR_FACT_COLUMNS, `funds` in YEAR_FUND_COLUMNS (as objects). */
export function keptYearsOf(
  householdId: string,
  history: readonly HistoryEvent[],
  timeline: readonly YearInterval[],
): { years: Row[]; funds: Row[] } {
  const years: Row[] = [];
  const funds: Row[] = [];
  if (timeline.length === 0) return { years, funds };
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const i of timeline) {
    const y = yearOf(i.effectiveFrom);
    if (y < first) first = y;
    if (y > last) last = y;
  }
  const visits = new Map<number, { visitId: string; eventId: string }[]>();
  /** Per corrected event, its latest correction's action (the fold applies the latest). */
  const corrected = new Map<string, unknown>();
  const transitions = new Map<number, Map<string, number>>();
  let causeFrom: string | null = null;
  let helperFrom: string | null = null;
  const cancels = new Map<string, string>();
  const planned: Planned[] = [];
  const delivered = new Map<string, { effectiveAt: string; fen: number | null }[]>();
  const assessments = new Map<string, string | null>();
  const voids: string[] = [];
  const exits: { year: number; assessmentId: string | null }[] = [];
  for (const e of history) {
    const at = e.effectiveAt;
    const y = yearOf(at);
    const data = e.data as unknown;
    let eventLast = y;
    switch (e.type) {
      case 'VisitRecorded': {
        const id = text(field(data, 'visitId'));
        if (id !== null) entry(visits, y, () => []).push({ visitId: id, eventId: e.id });
        break;
      }
      case 'HelperAssigned':
        if (helperFrom === null || at < helperFrom) helperFrom = at;
        break;
      case 'MeasureStatusChanged': {
        const id = text(field(data, 'measureId')) as string;
        if (field(data, 'status') === 'cancelled') {
          const was = cancels.get(id);
          if (was === undefined || at < was) cancels.set(id, at);
        }
        break;
      }
      case 'AssistancePlanned': {
        const year = int(field(data, 'year')) as number;
        if (year > eventLast) eventLast = year;
        planned.push({
          measureId: text(field(data, 'measureId')) as string,
          year,
          effectiveAt: at,
          fen: int(field(data, 'amountFen')),
          category: text(field(data, 'category')),
          fundingSource: text(field(data, 'fundingSource')),
          cancelledAt: null,
        });
        break;
      }
      case 'AssistanceDelivered': {
        const id = text(field(data, 'measureId')) as string;
        entry(delivered, id, () => []).push({ effectiveAt: at, fen: int(field(data, 'amountFen')) });
        break;
      }
      case 'ConditionsAssessed':
        assessments.set(e.id, text(field(data, 'assessmentId')));
        break;
      case 'EventCorrected':
        if (field(data, 'action') === 'void') voids.push(text(field(data, 'correctedEventId')) as string);
        corrected.set(text(field(data, 'correctedEventId')) as string, field(data, 'action'));
        break;
      default:
        break;
    }
    if (CAUSE_EVENTS.has(e.type) && (causeFrom === null || at < causeFrom)) causeFrom = at;
    const kind = TRANSITION_OF[e.type];
    if (kind) {
      const counts = entry(transitions, y, () => new Map<string, number>());
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    if (e.type === 'ExitApproved') {
      exits.push({ year: y, assessmentId: text(field(field(data, 'evidence'), 'assessmentId')) });
    }
    if (eventLast > last) last = eventLast;
  }
  for (const p of planned) p.cancelledAt = cancels.get(p.measureId) ?? null;
  // Assessments voided by a correction, as many times as they were (the SQL joins each void).
  const voided = new Map<string, number>();
  for (const id of voids) {
    if (!assessments.has(id)) continue;
    const assessmentId = assessments.get(id);
    if (assessmentId == null) continue;
    voided.set(assessmentId, (voided.get(assessmentId) ?? 0) + 1);
  }
  const missing = new Map<number, number>();
  for (const exit of exits) {
    const n = exit.assessmentId === null ? 0 : (voided.get(exit.assessmentId) ?? 0);
    if (n > 0) missing.set(exit.year, (missing.get(exit.year) ?? 0) + n);
  }

  for (let year = first; year <= last; year++) {
    const dec31 = `${String(year).padStart(4, '0')}-12-31`;
    const s = timeline.find((i) => i.effectiveFrom <= dec31 && (i.effectiveTo === null || i.effectiveTo > dec31));
    if (!s) continue;
    let measures = 0;
    let plannedFen = 0;
    for (const p of planned) {
      if (p.year <= year && p.effectiveAt <= dec31 && (p.cancelledAt === null || p.cancelledAt > dec31)) {
        measures++;
        plannedFen += p.fen ?? 0;
      }
    }
    const counts = transitions.get(year);
    years.push({
      household_id: householdId,
      year,
      last: year === last,
      county_code: s.countyCode,
      township_code: s.townshipCode,
      village_code: s.villageCode,
      status: s.status,
      people: s.memberCount,
      monitored: s.monitoringCategory !== null,
      attribute: s.attribute,
      visits: new Set((visits.get(year) ?? []).filter((v) => corrected.get(v.eventId) !== 'void').map((v) => v.visitId))
        .size,
      cause: causeFrom !== null && causeFrom <= dec31,
      helper: helperFrom !== null && helperFrom <= dec31,
      measures,
      planned_fen: plannedFen,
      exits_approved: counts?.get('exits_approved') ?? 0,
      exits_imported: counts?.get('exits_imported') ?? 0,
      exits_annulled: counts?.get('exits_annulled') ?? 0,
      returns: counts?.get('returns') ?? 0,
      removals: counts?.get('removals') ?? 0,
      natural_decreases: counts?.get('natural_decreases') ?? 0,
      registrations_approved: counts?.get('registrations_approved') ?? 0,
      households_imported: counts?.get('households_imported') ?? 0,
      exits_missing_evidence: missing.get(year) ?? 0,
    });
    // Funds of the measures of this year planned by its end, by category and source.
    const groups = new Map<string, Row>();
    for (const p of planned) {
      if (p.year !== year || p.effectiveAt > dec31) continue;
      const key = `${p.category}\u0000${p.fundingSource}`;
      let row = groups.get(key);
      if (!row) {
        row = {
          household_id: householdId,
          year,
          county_code: s.countyCode,
          township_code: s.townshipCode,
          village_code: s.villageCode,
          category: p.category,
          funding_source: p.fundingSource,
          planned_fen: 0,
          delivered_fen: 0,
        };
        groups.set(key, row);
      }
      if (p.cancelledAt === null || p.cancelledAt > dec31) row.planned_fen = (row.planned_fen as number) + (p.fen ?? 0);
      for (const d of delivered.get(p.measureId) ?? []) {
        if (d.effectiveAt <= dec31) row.delivered_fen = (row.delivered_fen as number) + (d.fen ?? 0);
      }
    }
    funds.push(...groups.values());
  }
  return { years, funds };
}
