import type { Policy } from '@registry/schema';
import type pg from 'pg';
import { areaCondition } from './areas.js';
import { type IndicatorsWay, indicatorsSql } from './indicator-ways.js';
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
 * The assessment view of an area (county, township or village, or a larger area by its
 * counties) for a year, **as known at `knownAt`**: the same question gives the same answer
 * later, whatever is recorded or corrected since. It counts the households whose status on
 * 31 December places them in the area, with their years as year-facts.ts defines them: the
 * status and 五项落实 as effective on 31 December, the transitions, visits and funds effective
 * in the year; and the rural population as recorded by then.
 *
 * Three ways to the same answer (indicator-ways.ts), the cheapest that answers taken: asked
 * as known at or after the last recording (the usual question: as known now), it sums the
 * households' years kept by the projection, rolled up by village, year and status
 * (area-years.ts) — its cost grows with the area's villages and years, not with its
 * households or their events; asked as known at an earlier time (an assessment's cut-off),
 * the roll-up amended for the households recorded since — its cost grows with them; before
 * the kept years are built, worked out from the two-clock history and the audit (exact).
 * All read one snapshot, so no recording slips between the choice and the answer.
 */
export async function areaIndicators(
  db: pg.Pool,
  projections: { registry: Pick<RegistryProjection, 'tables'>; reference: Pick<ReferenceProjection, 'tables'> },
  query: {
    areaCode: string;
    year: number;
    policy: Policy;
    knownAt: string;
    /** Force one way (for the test that they agree); by default the cheapest that answers. */
    way?: IndicatorsWay;
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

/** The cheapest way that answers as known at `knownAt` (see `areaIndicators`). */
export async function indicatorsWay(
  db: pg.Pool | pg.ClientBase,
  t: Pick<RegistryProjection['tables'], 'yearsBuilt' | 'audit'>,
  knownAt: string,
): Promise<IndicatorsWay> {
  const found = await db.query<{ built: boolean; since: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM ${t.yearsBuilt}) AS built,
            EXISTS (SELECT 1 FROM ${t.audit} WHERE recorded_at > $1::timestamptz) AS since`,
    [knownAt],
  );
  const { built, since } = found.rows[0] ?? { built: false, since: true };
  return !built ? 'exact' : since ? 'amended' : 'kept';
}

async function indicatorsIn(
  db: pg.PoolClient,
  projections: { registry: Pick<RegistryProjection, 'tables'>; reference: Pick<ReferenceProjection, 'tables'> },
  query: { areaCode: string; year: number; policy: Policy; knownAt: string; way?: IndicatorsWay },
): Promise<AreaIndicators> {
  const t = projections.registry.tables;
  const way = query.way ?? (await indicatorsWay(db, t, query.knownAt));
  // $1 area, $2 year; the amended and exact ways add $3 31 December and $4 known at; the visit
  // minimum last (the funds do not read it).
  const params: unknown[] =
    way === 'kept' ? [query.areaCode, query.year] : [query.areaCode, query.year, `${query.year}-12-31`, query.knownAt];
  const sql = indicatorsSql(
    t,
    way,
    (alias) => areaCondition(query.areaCode, '$1', alias),
    `$${params.length + 1}::int`,
  );
  const byStatusRows = await db.query<Record<string, string>>(sql.byStatus, [...params, query.policy.minVisitsPerYear]);
  const total = (column: string) => byStatusRows.rows.reduce((n, r) => n + Number(r[column] ?? 0), 0);
  const byStatus: AreaIndicators['endOfYear']['byStatus'] = {};
  for (const r of byStatusRows.rows) {
    byStatus[r.status as string] = { households: Number(r.households), people: Number(r.people) };
  }
  const onRoll = byStatusRows.rows.filter((r) => ON_ROLL.includes(r.status as string));
  const registeredHouseholds = onRoll.reduce((n, r) => n + Number(r.households), 0);
  const registeredPeople = onRoll.reduce((n, r) => n + Number(r.people), 0);

  const fundRows = await db.query<{ category: string; funding_source: string; planned: string; delivered: string }>(
    sql.funds,
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
