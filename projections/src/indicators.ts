import type { Policy } from '@registry/schema';
import type pg from 'pg';
import { areaCondition } from './areas.js';
import type { ReferenceProjection } from './reference-projection.js';
import type { RegistryProjection } from './registry-projection.js';
import { yearFactsSql, yearFundsSql } from './year-facts.js';

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
const TRANSITIONS = [
  'exits_approved',
  'exits_imported',
  'exits_annulled',
  'returns',
  'removals',
  'natural_decreases',
  'registrations_approved',
  'households_imported',
  'exits_missing_evidence',
];
const FIVE_ITEMS = ['no_cause', 'no_attribute', 'no_measures', 'no_helper', 'no_funds', 'complete'];
const ROLL_OR_EXITED = `('registered', 'returned', 'exited')`;

/**
 * The assessment view of an area (county, township or village, or a larger area by its
 * counties) for a year, **as known at `knownAt`**: the same question gives the same answer
 * later, whatever is recorded or corrected since. It counts the households whose status on
 * 31 December places them in the area, with their years as year-facts.ts defines them: the
 * status and 五项落实 as effective on 31 December, the transitions, visits and funds effective
 * in the year; and the rural population as recorded by then.
 *
 * Two ways to the same answer: asked as known at or after the last recording (the usual
 * question: as known now), it sums the households' years kept by the projection, rolled up
 * by village, year and status (area-years.ts) — its cost grows with the area's villages and
 * years, not with its households or their events; asked as known at an earlier time, it
 * works them out from the two-clock history and the audit (exact, slower).
 * Both read one snapshot, so no recording slips between the check and the answer.
 */
export async function areaIndicators(
  db: pg.Pool,
  projections: { registry: Pick<RegistryProjection, 'tables'>; reference: Pick<ReferenceProjection, 'tables'> },
  query: {
    areaCode: string;
    year: number;
    policy: Policy;
    knownAt: string;
    /** Force one way (for the test that both agree); by default the kept way when it answers. */
    path?: IndicatorsPath;
  },
): Promise<AreaIndicators> {
  const client = await db.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const result = await indicatorsIn(client, projections, query);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  } finally {
    client.release();
  }
}

/** Which way `areaIndicators` answers (exported for the test that both agree). */
export type IndicatorsPath = 'kept' | 'exact';

async function indicatorsIn(
  db: pg.PoolClient,
  projections: { registry: Pick<RegistryProjection, 'tables'>; reference: Pick<ReferenceProjection, 'tables'> },
  query: { areaCode: string; year: number; policy: Policy; knownAt: string; path?: IndicatorsPath },
): Promise<AreaIndicators> {
  const t = projections.registry.tables;
  const kept =
    query.path === 'kept' ||
    (query.path === undefined &&
      (
        await db.query<{ kept: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM ${t.yearsBuilt})
                  AND coalesce((SELECT max(recorded_at) FROM ${t.audit}) <= $1::timestamptz, true) AS kept`,
          [query.knownAt],
        )
      ).rows[0]?.kept === true);
  // $1 area, $2 year; the exact way adds $3 31 December and $4 known at; the visit minimum last
  // (the funds do not read it).
  const params: unknown[] = kept
    ? [query.areaCode, query.year]
    : [query.areaCode, query.year, `${query.year}-12-31`, query.knownAt];
  const minimum = `$${params.length + 1}::int`;
  const area = (alias: string) => areaCondition(query.areaCode, '$1', alias);
  const roll = `f.status IN ${ROLL_OR_EXITED}`;
  // Later years of a household's last kept row: nothing happens in them (no transitions, no visits).
  const ofYear = (column: string) => `sum(CASE WHEN f.year = $2 THEN f.${column} ELSE 0 END)`;
  const transitions = TRANSITIONS.map((c) => `${ofYear(c)} AS ${c}`).join(', ');
  let byStatusSql: string;
  let funds: string;
  if (kept) {
    // The roll-up by village (area-years.ts): a few rows per village, year and status.
    const rows = `(SELECT * FROM ${t.areaYears} f WHERE ${area('f.')} AND f.year = $2
              UNION ALL SELECT * FROM ${t.areaYears} f WHERE ${area('f.')} AND f.last AND f.year < $2)`;
    const visitsAtLeast = `(SELECT coalesce(sum(h.value::int), 0) FROM jsonb_each_text(f.visits) h WHERE h.key::int >= ${minimum})`;
    byStatusSql = `SELECT f.status, sum(f.households) AS households, sum(f.people) AS people, sum(f.monitored) AS monitored,
            ${transitions},
            sum(f.households) FILTER (WHERE ${roll}) AS on_roll,
            sum(CASE WHEN f.year = $2 THEN ${visitsAtLeast} WHEN ${minimum} <= 0 THEN f.households ELSE 0 END)
              FILTER (WHERE ${roll}) AS compliant,
            ${FIVE_ITEMS.map((c) => `sum(f.${c}) FILTER (WHERE ${roll}) AS ${c}`).join(', ')}
       FROM ${rows} f GROUP BY f.status`;
    funds = `(SELECT * FROM ${t.areaYearFunds} f WHERE ${area('f.')} AND f.year = $2)`;
  } else {
    const pairs = `SELECT s.household_id, $2::int AS year, false AS last FROM ${t.history} s
       WHERE ${area('s.')}
         AND s.effective_from <= $3::date AND (s.effective_to IS NULL OR s.effective_to > $3::date)
         AND s.recorded_from <= $4::timestamptz AND (s.recorded_to IS NULL OR s.recorded_to > $4::timestamptz)`;
    const facts = `(${yearFactsSql(t, pairs, '$4::timestamptz', '$3::date')})`;
    byStatusSql = `SELECT f.status, count(*) AS households, sum(f.people) AS people, count(*) FILTER (WHERE f.monitored) AS monitored,
            ${transitions},
            count(*) FILTER (WHERE ${roll}) AS on_roll,
            count(*) FILTER (WHERE ${roll} AND f.visits >= ${minimum}) AS compliant,
            count(*) FILTER (WHERE ${roll} AND NOT f.cause) AS no_cause,
            count(*) FILTER (WHERE ${roll} AND f.attribute IS NULL) AS no_attribute,
            count(*) FILTER (WHERE ${roll} AND f.measures = 0) AS no_measures,
            count(*) FILTER (WHERE ${roll} AND NOT f.helper) AS no_helper,
            count(*) FILTER (WHERE ${roll} AND f.planned_fen = 0) AS no_funds,
            count(*) FILTER (WHERE ${roll} AND f.cause AND f.attribute IS NOT NULL AND f.measures > 0
                               AND f.helper AND f.planned_fen > 0) AS complete
       FROM ${facts} f GROUP BY f.status`;
    funds = `(${yearFundsSql(t, pairs, '$4::timestamptz', '$3::date')})`;
  }
  const byStatusRows = await db.query<Record<string, string>>(byStatusSql, [...params, query.policy.minVisitsPerYear]);
  const total = (column: string) => byStatusRows.rows.reduce((n, r) => n + Number(r[column] ?? 0), 0);
  const byStatus: AreaIndicators['endOfYear']['byStatus'] = {};
  for (const r of byStatusRows.rows) {
    byStatus[r.status as string] = { households: Number(r.households), people: Number(r.people) };
  }
  const onRoll = byStatusRows.rows.filter((r) => ON_ROLL.includes(r.status as string));
  const registeredHouseholds = onRoll.reduce((n, r) => n + Number(r.households), 0);
  const registeredPeople = onRoll.reduce((n, r) => n + Number(r.people), 0);

  const fundRows = await db.query<{ category: string; funding_source: string; planned: string; delivered: string }>(
    `SELECT f.category, f.funding_source, sum(f.planned_fen) AS planned, sum(f.delivered_fen) AS delivered
       FROM ${funds} f GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );

  const population = await db.query<{ population: string }>(
    `SELECT population FROM ${projections.reference.tables.populationHistory}
      WHERE area_code = $1 AND year = $2 AND recorded_at <= $3::timestamptz
      ORDER BY recorded_at DESC, position DESC LIMIT 1`,
    [query.areaCode, query.year, query.knownAt],
  );
  const ruralPopulation = population.rows[0] ? Number(population.rows[0].population) : null;
  const householdsOnRoll = total('on_roll');
  const compliant = total('compliant');

  return {
    areaCode: query.areaCode,
    year: query.year,
    knownAt: query.knownAt,
    endOfYear: { registeredHouseholds, registeredPeople, monitoredHouseholds: total('monitored'), byStatus },
    during: {
      // An annulment takes effect on its exit's date: both fall in the same year.
      // A household or an exit imported from an existing roll counts in the year it took effect.
      exits: total('exits_approved') + total('exits_imported') - total('exits_annulled'),
      wrongExits: total('exits_annulled'),
      returns: total('returns'),
      removals: total('removals'),
      naturalDecreases: total('natural_decreases'),
      registrations: total('registrations_approved') + total('households_imported'),
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
      households: householdsOnRoll,
      complete: total('complete'),
      missing: {
        cause: total('no_cause'),
        attribute: total('no_attribute'),
        measures: total('no_measures'),
        helper: total('no_helper'),
        funds: total('no_funds'),
      },
    },
    funds: fundRows.rows.map((r) => ({
      category: r.category,
      fundingSource: r.funding_source,
      plannedFen: Number(r.planned ?? 0),
      deliveredFen: Number(r.delivered ?? 0),
    })),
    exitsMissingEvidence: total('exits_missing_evidence'),
  };
}
