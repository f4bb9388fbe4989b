import type { Policy } from '@registry/schema';
import { areaLevelOf } from '@registry/schema';
import type pg from 'pg';
import { areaCondition } from './areas.js';
import type { ReferenceProjection } from './reference-projection.js';
import type { RegistryProjection } from './registry-projection.js';

export interface AreaIndicators {
  areaCode: string;
  year: number;
  /** The system time the answer is as known at: the same knownAt, the same answer. */
  knownAt: string;
  /** As effective on 31 December of the year, as known at knownAt. */
  endOfYear: {
    registeredHouseholds: number;
    registeredPeople: number;
    monitoredHouseholds: number;
    byStatus: Record<string, { households: number; people: number }>;
  };
  /** Transitions effective during the year. */
  during: {
    /** Exits that stand: approved in the year and not annulled since. */
    exits: number;
    /** Exits of the year annulled as wrong (错退). */
    wrongExits: number;
    returns: number;
    removals: number;
    naturalDecreases: number;
    registrations: number;
  };
  ruralPopulation: number | null;
  /** Registered poor people not yet exited ÷ rural registered population; null without the population. */
  povertyIncidence: number | null;
  visits: { minimumPerYear: number; householdsOnRoll: number; compliant: number; rate: number | null };
  /** 五项落实: cause, attribute, measures, helper and funds all recorded. */
  fiveItems: {
    households: number;
    complete: number;
    missing: Record<'cause' | 'attribute' | 'measures' | 'helper' | 'funds', number>;
  };
  funds: { category: string; fundingSource: string; plannedFen: number; deliveredFen: number }[];
  exitsMissingEvidence: number;
}

const ON_ROLL = ['registered', 'returned'];

/**
 * The rows of an area in the audit trail, by the indexed county code first (the audit's
 * query index is (county_code, event_type, effective_at)); provinces and cities by prefix.
 */
function auditArea(code: string, param: string, alias = 'a.'): string {
  const level = areaLevelOf(code);
  if (level === 'village' || level === 'township') {
    return `${alias}county_code = substr(${param}, 1, 6) || '000000' AND ${alias}${level}_code = ${param}`;
  }
  return areaCondition(code, param, alias);
}

/**
 * The assessment view of an area (county, township or village, or a larger area by its
 * counties) for a year, **as known at `knownAt`**: every count reads only what was recorded by
 * then (the status history's recorded interval, the audit trail's recording time, the
 * population figures' history), so the same question gives the same answer later, whatever
 * is recorded or corrected since. Everything is of the year asked: the status and 五项落实 as
 * effective on 31 December, the transitions, visits and funds effective in the year.
 */
export async function areaIndicators(
  db: pg.Pool,
  projections: { registry: Pick<RegistryProjection, 'tables'>; reference: Pick<ReferenceProjection, 'tables'> },
  query: { areaCode: string; year: number; policy: Policy; knownAt: string },
): Promise<AreaIndicators> {
  const t = projections.registry.tables;
  const endOfYear = `${query.year}-12-31`;
  const startOfYear = `${query.year}-01-01`;
  // $1 area, $2 31 December, $3 known at, $4 1 January.
  const params = [query.areaCode, endOfYear, query.knownAt, startOfYear];
  const asOf = (alias: string) => `${areaCondition(query.areaCode, '$1', alias)}
        AND ${alias}effective_from <= $2::date AND (${alias}effective_to IS NULL OR ${alias}effective_to > $2::date)
        AND ${alias}recorded_from <= $3::timestamptz AND (${alias}recorded_to IS NULL OR ${alias}recorded_to > $3::timestamptz)`;
  const known = `a.recorded_at <= $3::timestamptz`;

  const statuses = await db.query<{ status: string; households: string; people: string; monitored: string }>(
    `SELECT status, count(*) AS households, sum(member_count) AS people, count(monitoring_category) AS monitored
       FROM ${t.history} s WHERE ${asOf('s.')} GROUP BY status`,
    params.slice(0, 3),
  );
  const byStatus: AreaIndicators['endOfYear']['byStatus'] = {};
  let monitored = 0;
  for (const r of statuses.rows) {
    byStatus[r.status] = { households: Number(r.households), people: Number(r.people) };
    monitored += Number(r.monitored);
  }
  const onRoll = ON_ROLL.map((s) => byStatus[s] ?? { households: 0, people: 0 });
  const registeredHouseholds = onRoll.reduce((n, s) => n + s.households, 0);
  const registeredPeople = onRoll.reduce((n, s) => n + s.people, 0);

  const transitions = await db.query<{ event_type: string; n: string }>(
    `SELECT a.event_type, count(*) AS n FROM ${t.audit} a
      WHERE ${auditArea(query.areaCode, '$1')} AND ${known}
        AND a.event_type IN ('ExitApproved', 'ExitImported', 'ExitAnnulled', 'ReturnedToPoverty', 'RemovedFromRegistry', 'NaturalDecreaseRecorded', 'RegistrationApproved', 'HouseholdImported')
        AND a.effective_at BETWEEN $4::date AND $2::date
      GROUP BY a.event_type`,
    params,
  );
  const count = (type: string) => Number(transitions.rows.find((r) => r.event_type === type)?.n ?? 0);

  const population = await db.query<{ population: string }>(
    `SELECT population FROM ${projections.reference.tables.populationHistory}
      WHERE area_code = $1 AND year = $2 AND recorded_at <= $3::timestamptz
      ORDER BY recorded_at DESC, position DESC LIMIT 1`,
    [query.areaCode, query.year, query.knownAt],
  );
  const ruralPopulation = population.rows[0] ? Number(population.rows[0].population) : null;

  // Households exited or on the roll on 31 December, and the visits of the year recorded by then.
  const visits = await db.query<{ on_roll: string; compliant: string }>(
    `WITH roll AS (
       SELECT household_id FROM ${t.history} s
        WHERE ${asOf('s.')} AND s.status IN ('registered', 'returned', 'exited')
     ), seen AS (
       SELECT a.household_id, count(DISTINCT a.changes->>'visitId') AS n FROM ${t.audit} a
        WHERE ${auditArea(query.areaCode, '$1')} AND ${known} AND a.event_type = 'VisitRecorded'
          AND a.effective_at BETWEEN $4::date AND $2::date
        GROUP BY a.household_id
     )
     SELECT count(*) AS on_roll, count(*) FILTER (WHERE coalesce(seen.n, 0) >= $5) AS compliant
       FROM roll LEFT JOIN seen USING (household_id)`,
    [...params, query.policy.minVisitsPerYear],
  );
  const householdsOnRoll = Number(visits.rows[0]?.on_roll ?? 0);
  const compliant = Number(visits.rows[0]?.compliant ?? 0);

  // 五项落实 on 31 December, as known then: causes (registration, import or adjustment), the
  // attribute (status history), a helper, measures of the year or before not cancelled by
  // then, and funds planned for them.
  const five = await db.query<Record<string, string>>(
    `WITH roll AS (
       SELECT s.household_id, s.attribute FROM ${t.history} s
        WHERE ${asOf('s.')} AND s.status IN ('registered', 'returned', 'exited')
     ), ev AS (
       SELECT a.household_id, a.event_type, a.changes FROM ${t.audit} a
        WHERE ${auditArea(query.areaCode, '$1')} AND ${known} AND a.effective_at <= $2::date
          AND a.event_type IN ('RegistrationApproved', 'HouseholdImported', 'AttributeAndCausesAdjusted', 'HelperAssigned', 'AssistancePlanned', 'MeasureStatusChanged')
     ), cancelled AS (
       SELECT DISTINCT changes->>'measureId' AS measure_id FROM ev
        WHERE event_type = 'MeasureStatusChanged' AND changes->>'status' = 'cancelled'
     ), measures AS (
       SELECT e.household_id, count(*) AS n, sum((e.changes->>'amountFen')::bigint) AS fen
         FROM ev e LEFT JOIN cancelled c ON c.measure_id = e.changes->>'measureId'
        WHERE e.event_type = 'AssistancePlanned' AND (e.changes->>'year')::int <= extract(year from $2::date)::int
          AND c.measure_id IS NULL
        GROUP BY e.household_id
     ), facts AS (
       SELECT household_id,
              bool_or(event_type IN ('RegistrationApproved', 'HouseholdImported', 'AttributeAndCausesAdjusted')) AS cause,
              bool_or(event_type = 'HelperAssigned') AS helper
         FROM ev GROUP BY household_id
     )
     SELECT count(*) AS households,
            count(*) FILTER (WHERE NOT coalesce(f.cause, false)) AS cause,
            count(*) FILTER (WHERE r.attribute IS NULL) AS attribute,
            count(*) FILTER (WHERE coalesce(m.n, 0) = 0) AS measures,
            count(*) FILTER (WHERE NOT coalesce(f.helper, false)) AS helper,
            count(*) FILTER (WHERE coalesce(m.fen, 0) = 0) AS funds,
            count(*) FILTER (WHERE coalesce(f.cause, false) AND r.attribute IS NOT NULL AND coalesce(m.n, 0) > 0
                               AND coalesce(f.helper, false) AND coalesce(m.fen, 0) > 0) AS complete
       FROM roll r LEFT JOIN facts f USING (household_id) LEFT JOIN measures m USING (household_id)`,
    params.slice(0, 3),
  );
  const f = five.rows[0] ?? {};

  // Funds of the year's measures, by category and source: planned unless cancelled by 31
  // December, delivered by then; all as recorded by knownAt.
  const funds = await db.query<{ category: string; funding_source: string; planned: string; delivered: string }>(
    `WITH planned AS (
       SELECT a.changes->>'measureId' AS measure_id, a.changes->>'category' AS category,
              a.changes->>'fundingSource' AS funding_source, (a.changes->>'amountFen')::bigint AS fen
         FROM ${t.audit} a
        WHERE ${auditArea(query.areaCode, '$1')} AND ${known} AND a.event_type = 'AssistancePlanned'
          AND (a.changes->>'year')::int = $4
     ), cancelled AS (
       SELECT DISTINCT a.changes->>'measureId' AS measure_id FROM ${t.audit} a
        WHERE ${auditArea(query.areaCode, '$1')} AND ${known} AND a.event_type = 'MeasureStatusChanged'
          AND a.effective_at <= $2::date AND a.changes->>'status' = 'cancelled'
     ), delivered AS (
       SELECT a.changes->>'measureId' AS measure_id, sum((a.changes->>'amountFen')::bigint) AS fen FROM ${t.audit} a
        WHERE ${auditArea(query.areaCode, '$1')} AND ${known} AND a.event_type = 'AssistanceDelivered'
          AND a.effective_at <= $2::date
        GROUP BY 1
     )
     SELECT p.category, p.funding_source,
            coalesce(sum(p.fen) FILTER (WHERE c.measure_id IS NULL), 0) AS planned,
            coalesce(sum(d.fen), 0) AS delivered
       FROM planned p LEFT JOIN cancelled c USING (measure_id) LEFT JOIN delivered d USING (measure_id)
      GROUP BY p.category, p.funding_source ORDER BY p.category, p.funding_source`,
    [...params.slice(0, 3), query.year],
  );

  // Exits of the year whose evidence (the assessment they rest on) was voided, as known by then.
  const missing = await db.query<{ n: string }>(
    `WITH voided AS (
       SELECT x.household_id, x.changes->>'assessmentId' AS assessment_id
         FROM ${t.audit} c
         JOIN ${t.audit} x ON x.household_id = c.household_id AND x.event_id = (c.changes->>'correctedEventId')::uuid
        WHERE ${auditArea(query.areaCode, '$1', 'c.')} AND c.event_type = 'EventCorrected' AND c.recorded_at <= $3::timestamptz
          AND c.changes->>'action' = 'void' AND x.event_type = 'ConditionsAssessed'
     )
     SELECT count(*) AS n FROM ${t.audit} a
       JOIN voided v ON v.household_id = a.household_id AND v.assessment_id = a.changes->'evidence'->>'assessmentId'
      WHERE ${auditArea(query.areaCode, '$1')} AND ${known} AND a.event_type = 'ExitApproved'
        AND a.effective_at BETWEEN $4::date AND $2::date`,
    params,
  );

  return {
    areaCode: query.areaCode,
    year: query.year,
    knownAt: query.knownAt,
    endOfYear: { registeredHouseholds, registeredPeople, monitoredHouseholds: monitored, byStatus },
    during: {
      // An annulment takes effect on its exit's date: both fall in the same year.
      // A household or an exit imported from an existing roll counts in the year it took effect.
      exits: count('ExitApproved') + count('ExitImported') - count('ExitAnnulled'),
      wrongExits: count('ExitAnnulled'),
      returns: count('ReturnedToPoverty'),
      removals: count('RemovedFromRegistry'),
      naturalDecreases: count('NaturalDecreaseRecorded'),
      registrations: count('RegistrationApproved') + count('HouseholdImported'),
    },
    ruralPopulation,
    povertyIncidence: ruralPopulation ? registeredPeople / ruralPopulation : null,
    visits: {
      minimumPerYear: query.policy.minVisitsPerYear,
      householdsOnRoll,
      compliant,
      rate: householdsOnRoll > 0 ? compliant / householdsOnRoll : null,
    },
    fiveItems: {
      households: Number(f.households ?? 0),
      complete: Number(f.complete ?? 0),
      missing: {
        cause: Number(f.cause ?? 0),
        attribute: Number(f.attribute ?? 0),
        measures: Number(f.measures ?? 0),
        helper: Number(f.helper ?? 0),
        funds: Number(f.funds ?? 0),
      },
    },
    funds: funds.rows.map((r) => ({
      category: r.category,
      fundingSource: r.funding_source,
      plannedFen: Number(r.planned ?? 0),
      deliveredFen: Number(r.delivered),
    })),
    exitsMissingEvidence: Number(missing.rows[0]?.n ?? 0),
  };
}
