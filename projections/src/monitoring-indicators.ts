import type pg from 'pg';
import { areaCondition } from './areas.js';
import { indicatorsWay } from './indicators.js';
import { monitoringPeriodsSql } from './monitoring-periods.js';
import type { RegistryProjection } from './registry-projection.js';
import { yearFactsSql } from './year-facts.js';

/**
 * 防返贫动态监测 indicators of an area for a year, as known at any time (two clocks).
 *
 * The households counted are those whose status on 31 December of the year (as known at
 * `knownAt`) places them in the area, as for `areaIndicators`: a household's year counts where
 * it stood at its end. Of those households:
 *
 * - **alerts**: the 风险预警 raised in the year (effective date), by channel; of them, those
 *   verified (入户核实) as known at `knownAt`, those verified by their date, those still
 *   unverified and, of these, those past their date on `today` (the date `knownAt` falls on in
 *   China); the verifications' outcomes. `inTimeRate` = verified by the date ÷ alerts whose
 *   outcome is due (verified, or unverified past the date): an alert not yet due counts in neither.
 * - **monitoring**: the monitoring periods begun in the year, by category; those ended in the
 *   year by risk elimination (风险消除), by a return to poverty (返贫: the household fell back
 *   while monitored) and by the household's going (自然减少, natural elimination, kept apart);
 *   the households monitored on 31 December with their people, by category and by risk, and
 *   how many of them have a measure of the year (planned by 31 December and not cancelled
 *   by then, as 五项落实 counts measures).
 *
 * Two ways to one answer (`MonitoringWay`): **kept** reads what the projection keeps as known
 * now (the alerts table, the monitoring periods table, the households' kept years and the
 * current status history) and is right when nothing was recorded after `knownAt`; **exact**
 * works everything out from the two-clock status history and the audit trail, reading only
 * what was recorded by `knownAt`. The cheaper is taken unless one is forced (the test that they
 * agree forces each). One snapshot is read throughout.
 *
 * Not counted here: 新致贫 (a household never registered falling into poverty) has no event of
 * its own in the registry since registration closed with the regime; such a household stays
 * monitored, and is counted among the monitored by its category.
 */
export interface MonitoringIndicators {
  areaCode: string;
  year: number;
  knownAt: string;
  alerts: {
    raised: number;
    byChannel: { channel: string; count: number }[];
    verified: number;
    verifiedInTime: number;
    /** Verified, or unverified and past the date: the alerts whose outcome was due. */
    due: number;
    inTimeRate: number | null;
    pending: number;
    overdue: number;
    byOutcome: { outcome: string; count: number }[];
  };
  monitoring: {
    started: number;
    startedByCategory: { category: string; households: number }[];
    eliminated: number;
    returnedToPoverty: number;
    naturallyEnded: number;
    endOfYear: {
      households: number;
      people: number;
      byCategory: { category: string; households: number; people: number }[];
      byRisk: { risk: string; households: number }[];
      withMeasures: number;
      withMeasuresRate: number | null;
    };
  };
}

export type MonitoringWay = 'kept' | 'exact';

type Tables = Pick<
  RegistryProjection['tables'],
  'history' | 'audit' | 'alerts' | 'monitoring' | 'years' | 'yearsBuilt' | 'households'
>;

export async function monitoringIndicators(
  db: pg.Pool,
  projection: Pick<RegistryProjection, 'tables'>,
  query: { areaCode: string; year: number; knownAt: string; today: string; way?: MonitoringWay },
): Promise<MonitoringIndicators> {
  const client = await db.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const result = await indicatorsIn(client, projection.tables, query);
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

async function indicatorsIn(
  db: pg.PoolClient,
  t: Tables,
  query: { areaCode: string; year: number; knownAt: string; today: string; way?: MonitoringWay },
): Promise<MonitoringIndicators> {
  const way = query.way ?? ((await indicatorsWay(db, t, query.knownAt)) === 'kept' ? 'kept' : 'exact');
  const kept = way === 'kept';
  // $1 area, $2 year, $3 its 31 December, $4 known at, $5 the date overdue is counted at.
  const params = [query.areaCode, query.year, `${query.year}-12-31`, query.knownAt, query.today];
  const known = kept
    ? 's.recorded_to IS NULL'
    : 's.recorded_from <= $4::timestamptz AND (s.recorded_to IS NULL OR s.recorded_to > $4::timestamptz)';
  const located = `SELECT s.household_id, s.member_count FROM ${t.history} s
     WHERE ${areaCondition(query.areaCode, '$1', 's.')}
       AND s.effective_from <= $3::date AND (s.effective_to IS NULL OR s.effective_to > $3::date) AND ${known}`;
  const ofLocated = 'a.household_id IN (SELECT household_id FROM located)';
  const alerts = kept
    ? `SELECT a.channel, a.verify_by, a.verified_on, a.outcome FROM ${t.alerts} a
        WHERE ${ofLocated} AND a.raised_on BETWEEN make_date($2, 1, 1) AND $3::date`
    : `SELECT a.changes->>'channel' AS channel, (a.changes->>'verifyBy')::date AS verify_by,
              v.effective_at AS verified_on, v.changes->>'outcome' AS outcome
         FROM ${t.audit} a LEFT JOIN ${t.audit} v ON v.household_id = a.household_id
          AND v.event_type = 'RiskAlertVerified' AND v.recorded_at <= $4::timestamptz
          AND v.changes->>'alertId' = a.changes->>'alertId'
        WHERE ${ofLocated} AND a.event_type = 'RiskAlertRaised' AND a.recorded_at <= $4::timestamptz
          AND a.effective_at BETWEEN make_date($2, 1, 1) AND $3::date`;
  const periods = kept
    ? `SELECT a.* FROM ${t.monitoring} a WHERE ${ofLocated}`
    : monitoringPeriodsSql(t, '$4::timestamptz', ofLocated);
  const head = `WITH located AS MATERIALIZED (${located}),
    alerts AS MATERIALIZED (${alerts}),
    periods AS MATERIALIZED (${periods}),
    monitored AS (
      SELECT DISTINCT ON (p.household_id) p.household_id, p.category, p.risks, l.member_count
        FROM periods p JOIN located l USING (household_id)
       WHERE p.started_on <= $3::date AND (p.ended_on IS NULL OR p.ended_on > $3::date)
       ORDER BY p.household_id, p.period DESC
    )`;
  // The measures of the year, as 五项落实 counts them (year-facts.ts).
  const measures = kept
    ? `SELECT f.household_id, f.measures FROM ${t.years} f
        WHERE f.household_id IN (SELECT household_id FROM monitored) AND (f.year = $2 OR (f.last AND f.year < $2))`
    : `SELECT f.household_id, f.measures FROM (${yearFactsSql(
        t,
        'SELECT household_id, $2::int AS year, false AS last FROM monitored',
        '$4::timestamptz',
        '$3::date',
      )}) f`;
  const result = await db.query<{ figures: Record<string, unknown> }>(
    `${head},
    measured AS (${measures})
    SELECT jsonb_build_object(
      'raised', (SELECT count(*) FROM alerts),
      'byChannel', (SELECT coalesce(jsonb_agg(jsonb_build_object('channel', channel, 'count', n) ORDER BY channel), '[]')
                      FROM (SELECT channel, count(*) AS n FROM alerts GROUP BY 1) c),
      'verified', (SELECT count(*) FROM alerts WHERE verified_on IS NOT NULL),
      'verifiedInTime', (SELECT count(*) FROM alerts WHERE verified_on <= verify_by),
      'pending', (SELECT count(*) FROM alerts WHERE verified_on IS NULL),
      'overdue', (SELECT count(*) FROM alerts WHERE verified_on IS NULL AND verify_by < $5::date),
      'byOutcome', (SELECT coalesce(jsonb_agg(jsonb_build_object('outcome', outcome, 'count', n) ORDER BY outcome), '[]')
                      FROM (SELECT outcome, count(*) AS n FROM alerts WHERE outcome IS NOT NULL GROUP BY 1) o),
      'started', (SELECT count(*) FROM periods WHERE extract(year FROM started_on) = $2),
      'startedByCategory', (SELECT coalesce(jsonb_agg(jsonb_build_object('category', category, 'households', n) ORDER BY category), '[]')
                      FROM (SELECT category, count(*) AS n FROM periods WHERE extract(year FROM started_on) = $2 GROUP BY 1) c),
      'eliminated', (SELECT count(*) FROM periods WHERE ended = 'eliminated' AND extract(year FROM ended_on) = $2),
      'returnedToPoverty', (SELECT count(*) FROM periods WHERE ended = 'returned' AND extract(year FROM ended_on) = $2),
      'naturallyEnded', (SELECT count(*) FROM periods WHERE ended = 'decreased' AND extract(year FROM ended_on) = $2),
      'households', (SELECT count(*) FROM monitored),
      'people', (SELECT coalesce(sum(member_count), 0) FROM monitored),
      'byCategory', (SELECT coalesce(jsonb_agg(jsonb_build_object('category', category, 'households', n, 'people', p) ORDER BY category), '[]')
                      FROM (SELECT category, count(*) AS n, sum(member_count) AS p FROM monitored GROUP BY 1) c),
      'byRisk', (SELECT coalesce(jsonb_agg(jsonb_build_object('risk', risk, 'households', n) ORDER BY n DESC, risk COLLATE "C"), '[]')
                      FROM (SELECT r.risk, count(DISTINCT m.household_id) AS n FROM monitored m, unnest(m.risks) AS r(risk) GROUP BY 1) r),
      'withMeasures', (SELECT count(DISTINCT household_id) FROM measured WHERE measures > 0)
    ) AS figures, $4::timestamptz AS known_at`,
    params,
  );
  const f = result.rows[0]?.figures ?? {};
  const n = (key: string) => Number(f[key] ?? 0);
  const verified = n('verified');
  const due = verified + n('overdue');
  const households = n('households');
  return {
    areaCode: query.areaCode,
    year: query.year,
    knownAt: query.knownAt,
    alerts: {
      raised: n('raised'),
      byChannel: f.byChannel as MonitoringIndicators['alerts']['byChannel'],
      verified,
      verifiedInTime: n('verifiedInTime'),
      due,
      inTimeRate: due > 0 ? n('verifiedInTime') / due : null,
      pending: n('pending'),
      overdue: n('overdue'),
      byOutcome: f.byOutcome as MonitoringIndicators['alerts']['byOutcome'],
    },
    monitoring: {
      started: n('started'),
      startedByCategory: f.startedByCategory as MonitoringIndicators['monitoring']['startedByCategory'],
      eliminated: n('eliminated'),
      returnedToPoverty: n('returnedToPoverty'),
      naturallyEnded: n('naturallyEnded'),
      endOfYear: {
        households,
        people: n('people'),
        byCategory: f.byCategory as MonitoringIndicators['monitoring']['endOfYear']['byCategory'],
        byRisk: f.byRisk as MonitoringIndicators['monitoring']['endOfYear']['byRisk'],
        withMeasures: n('withMeasures'),
        withMeasuresRate: households > 0 ? n('withMeasures') / households : null,
      },
    },
  };
}
