import type { Policy } from '@registry/schema';
import type pg from 'pg';
import { areaCondition } from './areas.js';
import type { ReferenceProjection } from './reference-projection.js';
import type { RegistryProjection } from './registry-projection.js';

export interface AreaIndicators {
  areaCode: string;
  year: number;
  /** As effective on 31 December of the year, as known now. */
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
 * The assessment view of an area (county, township or village) for a year, computed with SQL
 * over the read models. Counts at year end come from the two-clock status history.
 */
export async function areaIndicators(
  db: pg.Pool,
  projections: { registry: Pick<RegistryProjection, 'tables'>; reference: Pick<ReferenceProjection, 'tables'> },
  query: { areaCode: string; year: number; policy: Policy },
): Promise<AreaIndicators> {
  const t = projections.registry.tables;
  const area = areaCondition(query.areaCode, '$1');
  const areaOfH = areaCondition(query.areaCode, '$1', 'h.');
  const endOfYear = `${query.year}-12-31`;
  const params = [query.areaCode, endOfYear];

  const statuses = await db.query<{ status: string; households: string; people: string; monitored: string }>(
    `SELECT status, count(*) AS households, sum(member_count) AS people, count(monitoring_category) AS monitored
       FROM ${t.history}
      WHERE ${area} AND recorded_to IS NULL
        AND effective_from <= $2::date AND (effective_to IS NULL OR effective_to > $2::date)
      GROUP BY status`,
    params,
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
    `SELECT event_type, count(*) AS n FROM ${t.audit}
      WHERE ${area} AND effective_at BETWEEN $2::date AND $3::date
        AND event_type IN ('ExitApproved', 'ExitImported', 'ExitAnnulled', 'ReturnedToPoverty', 'RemovedFromRegistry', 'NaturalDecreaseRecorded', 'RegistrationApproved', 'HouseholdImported')
      GROUP BY event_type`,
    [query.areaCode, `${query.year}-01-01`, endOfYear],
  );
  const count = (type: string) => Number(transitions.rows.find((r) => r.event_type === type)?.n ?? 0);

  const population = await db.query<{ population: string }>(
    `SELECT population FROM ${projections.reference.tables.population} WHERE area_code = $1 AND year = $2`,
    [query.areaCode, query.year],
  );
  const ruralPopulation = population.rows[0] ? Number(population.rows[0].population) : null;

  // Households on the roll at year end, and their visits that year.
  const visits = await db.query<{ on_roll: string; compliant: string }>(
    `WITH roll AS (
       SELECT household_id FROM ${t.history}
        WHERE ${area} AND recorded_to IS NULL AND status IN ('registered', 'returned', 'exited')
          AND effective_from <= $2::date AND (effective_to IS NULL OR effective_to > $2::date)
     )
     SELECT count(*) AS on_roll,
            count(*) FILTER (WHERE (SELECT count(*) FROM ${t.visits} v
                                     WHERE v.household_id = roll.household_id
                                       AND v.visited_on BETWEEN $3::date AND $2::date) >= $4) AS compliant
       FROM roll`,
    [query.areaCode, endOfYear, `${query.year}-01-01`, query.policy.minVisitsPerYear],
  );
  const householdsOnRoll = Number(visits.rows[0]?.on_roll ?? 0);
  const compliant = Number(visits.rows[0]?.compliant ?? 0);

  const five = await db.query<Record<string, string>>(
    `SELECT count(*) AS households,
            count(*) FILTER (WHERE h.main_cause IS NULL) AS cause,
            count(*) FILTER (WHERE h.attribute IS NULL) AS attribute,
            count(*) FILTER (WHERE m.measures = 0) AS measures,
            count(*) FILTER (WHERE h.helper_id IS NULL) AS helper,
            count(*) FILTER (WHERE m.funds = 0) AS funds,
            count(*) FILTER (WHERE h.main_cause IS NOT NULL AND h.attribute IS NOT NULL AND m.measures > 0
                               AND h.helper_id IS NOT NULL AND m.funds > 0) AS complete,
            coalesce(sum(h.exits_missing_evidence), 0) AS exits_missing_evidence
       FROM ${t.households} h
       LEFT JOIN LATERAL (SELECT count(*) AS measures, coalesce(sum(amount_fen), 0) AS funds
                            FROM ${t.measures} x WHERE x.household_id = h.household_id) m ON true
      WHERE ${areaOfH} AND h.status IN ('registered', 'returned', 'exited')`,
    [query.areaCode],
  );
  const f = five.rows[0] ?? {};

  const funds = await db.query<{ category: string; funding_source: string; planned: string; delivered: string }>(
    `SELECT x.category, x.funding_source, sum(x.amount_fen) AS planned, sum(x.delivered_fen) AS delivered
       FROM ${t.measures} x JOIN ${t.households} h ON h.household_id = x.household_id
      WHERE ${areaOfH} AND x.year = $2
      GROUP BY x.category, x.funding_source ORDER BY x.category, x.funding_source`,
    [query.areaCode, query.year],
  );

  return {
    areaCode: query.areaCode,
    year: query.year,
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
      plannedFen: Number(r.planned),
      deliveredFen: Number(r.delivered),
    })),
    exitsMissingEvidence: Number(f.exits_missing_evidence ?? 0),
  };
}
