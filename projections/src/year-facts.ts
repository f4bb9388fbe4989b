import type pg from 'pg';
import {
  buildAreaYears,
  type KeptTables,
  prepared,
  refreshAreaYears,
  TRANSITIONS,
  type VillageYear,
} from './area-years.js';

/**
 * A household's year: what the indicators count of it for a year, by one definition used
 * both ways it is read (see `areaIndicators`).
 *
 * The households an area counts for year Y are those whose status on 31 December of Y (as
 * known at the time asked) places them in the area, whatever their status: a household's
 * year counts where it stood at the end of it, with its visits, transitions, measures and
 * funds of the year (so a household that moved in during the year brings its year with it).
 *
 * - **Exact, as known at any time:** `yearFactsSql` worked out on the fly from the two-clock
 *   status history and the audit trail, reading only what was recorded by `knownAt`.
 * - **Kept, as known now:** the same SQL with `knownAt` = infinity, stored per household and
 *   year in the `years` and `yearFunds` tables and refreshed for each household an event
 *   touches. A household's rows run from the year of its first status to its last year with
 *   anything effective (an event, a status, a measure's year); the last row (`last`) stands
 *   for every later year, where nothing happens: the same status and five items, no visits,
 *   no transitions, no funds.
 */

/** Columns of the kept table, in order. */
export const YEAR_FACT_COLUMNS = [
  'household_id',
  'year',
  'last',
  'county_code',
  'township_code',
  'village_code',
  'status',
  'people',
  'monitored',
  'attribute',
  'visits',
  'cause',
  'helper',
  'measures',
  'planned_fen',
  ...TRANSITIONS,
] as const;

export const YEAR_FUND_COLUMNS = [
  'household_id',
  'year',
  'county_code',
  'township_code',
  'village_code',
  'category',
  'funding_source',
  'planned_fen',
  'delivered_fen',
] as const;

interface Tables {
  history: string;
  audit: string;
}

const EVENT_TYPES = [
  'VisitRecorded',
  'RegistrationApproved',
  'HouseholdImported',
  'AttributeAndCausesAdjusted',
  'HelperAssigned',
  'AssistancePlanned',
  'AssistanceDelivered',
  'MeasureStatusChanged',
  'ExitApproved',
  'ExitImported',
  'ExitAnnulled',
  'ReturnedToPoverty',
  'RemovedFromRegistry',
  'NaturalDecreaseRecorded',
  'EventCorrected',
  'ConditionsAssessed',
];

/**
 * The common part: `pairs(household_id, year, last)` is given by the caller as the first CTE
 * (without `WITH`); `knownAt` is the placeholder of the system time; `upTo`, when the pairs are
 * of one year, its 31 December (nothing effective later counts). Yields CTEs `eoy`
 * (status on 31 December as known then), `ev` (the pairs' households' events as known
 * then), `planned` (their measures with the date each was first cancelled, if it was).
 */
function common(t: Tables, pairs: string, knownAt: string, upTo?: string): string {
  const dec31 = 'make_date(p.year, 12, 31)';
  return `WITH pairs AS (${pairs}),
  eoy AS (
    SELECT p.household_id, p.year, p.last, s.status, s.member_count, s.monitoring_category, s.attribute,
           s.county_code, s.township_code, s.village_code
      FROM pairs p JOIN ${t.history} s ON s.household_id = p.household_id
       AND s.effective_from <= ${dec31} AND (s.effective_to IS NULL OR s.effective_to > ${dec31})
       AND s.recorded_from <= ${knownAt} AND (s.recorded_to IS NULL OR s.recorded_to > ${knownAt})
  ),
  firsts AS (SELECT household_id, make_date(min(year), 1, 1) AS from_day FROM pairs GROUP BY household_id),
  ev AS MATERIALIZED (
    SELECT a.household_id, a.event_id, a.revision, a.event_type, a.effective_at, a.changes,
           -- Read out of the JSON once here, not once per year the event is joined to.
           CASE WHEN a.event_type = 'VisitRecorded' THEN a.changes->>'visitId' END AS visit_id
      FROM ${t.audit} a JOIN firsts f ON f.household_id = a.household_id
     -- A correction counts whatever its business date: a voided record never happened.
     WHERE a.recorded_at <= ${knownAt}${upTo ? ` AND (a.effective_at <= ${upTo} OR a.event_type = 'EventCorrected')` : ''}
       AND a.event_type IN (${EVENT_TYPES.map((e) => `'${e}'`).join(', ')})
       -- A visit counts in its own year only: those before the household's first pair are not read
       -- (most of a long household's events are visits, and a timely one redoes one year).
       AND (a.event_type <> 'VisitRecorded' OR a.effective_at >= f.from_day)
  ),
  -- Visits whose latest correction voids them (as the household's fold has it: a later
  -- correction that replaces the visit brings it back).
  visit_voids AS (
    SELECT household_id, event_id FROM (
      SELECT DISTINCT ON (household_id, changes->>'correctedEventId') household_id,
             (changes->>'correctedEventId')::uuid AS event_id, changes->>'action' AS action
        FROM ev WHERE event_type = 'EventCorrected' AND changes->>'correctedType' = 'VisitRecorded'
       ORDER BY household_id, changes->>'correctedEventId', revision DESC) c
     WHERE action = 'void'
  ),
  cancels AS (
    SELECT household_id, changes->>'measureId' AS measure_id, min(effective_at) AS at FROM ev
     WHERE event_type = 'MeasureStatusChanged' AND changes->>'status' = 'cancelled' GROUP BY 1, 2
  ),
  planned AS (
    SELECT e.household_id, e.changes->>'measureId' AS measure_id, (e.changes->>'year')::int AS year,
           e.effective_at, (e.changes->>'amountFen')::bigint AS fen, e.changes->>'category' AS category,
           e.changes->>'fundingSource' AS funding_source, c.at AS cancelled_at
      FROM ev e LEFT JOIN cancels c ON c.household_id = e.household_id AND c.measure_id = e.changes->>'measureId'
     WHERE e.event_type = 'AssistancePlanned'
  )`;
}

/**
 * Per pair, every fact of `YEAR_FACT_COLUMNS`. Definitions, for year Y (1 January to 31 December):
 * status, people, monitored, attribute and area: the status history's row on 31 December;
 * visits: distinct visits effective in Y, less those a correction voided; cause: registered, imported or adjusted by 31
 * December; helper: a helper assigned by then; measures / planned_fen: measures of Y or
 * before, planned by 31 December and not cancelled by then, and their amounts; transitions:
 * events of each kind effective in Y; exits_missing_evidence: exits approved in Y whose
 * assessment was voided by a correction.
 */
export function yearFactsSql(t: Tables, pairs: string, knownAt: string, upTo?: string): string {
  const dec31 = 'make_date(p.year, 12, 31)';
  const inYear = `e.effective_at BETWEEN make_date(p.year, 1, 1) AND ${dec31}`;
  const kind = (type: string) => `count(*) FILTER (WHERE e.event_type = '${type}' AND ${inYear})::int`;
  return `${common(t, pairs, knownAt, upTo)},
  x AS (
    SELECT p.household_id, p.year,
           count(DISTINCT e.visit_id) FILTER (WHERE e.event_type = 'VisitRecorded' AND ${inYear} AND vv.event_id IS NULL)::int AS visits,
           bool_or(e.event_type IN ('RegistrationApproved', 'HouseholdImported', 'AttributeAndCausesAdjusted') AND e.effective_at <= ${dec31}) AS cause,
           bool_or(e.event_type = 'HelperAssigned' AND e.effective_at <= ${dec31}) AS helper,
           ${kind('ExitApproved')} AS exits_approved, ${kind('ExitImported')} AS exits_imported,
           ${kind('ExitAnnulled')} AS exits_annulled, ${kind('ReturnedToPoverty')} AS returns,
           ${kind('RemovedFromRegistry')} AS removals, ${kind('NaturalDecreaseRecorded')} AS natural_decreases,
           ${kind('RegistrationApproved')} AS registrations_approved, ${kind('HouseholdImported')} AS households_imported
      FROM pairs p JOIN ev e ON e.household_id = p.household_id
      LEFT JOIN visit_voids vv ON vv.household_id = e.household_id AND vv.event_id = e.event_id
     GROUP BY 1, 2
  ),
  m AS (
    SELECT p.household_id, p.year, count(*)::int AS measures, sum(pl.fen)::bigint AS planned_fen
      FROM pairs p JOIN planned pl ON pl.household_id = p.household_id
     WHERE pl.year <= p.year AND pl.effective_at <= ${dec31} AND (pl.cancelled_at IS NULL OR pl.cancelled_at > ${dec31})
     GROUP BY 1, 2
  ),
  voided AS (
    SELECT x.household_id, x.changes->>'assessmentId' AS assessment_id
      FROM ev c JOIN ev x ON x.household_id = c.household_id AND x.event_id = (c.changes->>'correctedEventId')::uuid
     WHERE c.event_type = 'EventCorrected' AND c.changes->>'action' = 'void' AND x.event_type = 'ConditionsAssessed'
  ),
  missing AS (
    SELECT p.household_id, p.year, count(*)::int AS n
      FROM pairs p JOIN ev e ON e.household_id = p.household_id
      JOIN voided v ON v.household_id = e.household_id AND v.assessment_id = e.changes->'evidence'->>'assessmentId'
     WHERE e.event_type = 'ExitApproved' AND ${inYear}
     GROUP BY 1, 2
  )
  SELECT s.household_id, s.year, s.last, s.county_code, s.township_code, s.village_code, s.status,
         s.member_count AS people, s.monitoring_category IS NOT NULL AS monitored, s.attribute,
         coalesce(x.visits, 0) AS visits, coalesce(x.cause, false) AS cause, coalesce(x.helper, false) AS helper,
         coalesce(m.measures, 0) AS measures, coalesce(m.planned_fen, 0) AS planned_fen,
         coalesce(x.exits_approved, 0) AS exits_approved, coalesce(x.exits_imported, 0) AS exits_imported,
         coalesce(x.exits_annulled, 0) AS exits_annulled, coalesce(x.returns, 0) AS returns,
         coalesce(x.removals, 0) AS removals, coalesce(x.natural_decreases, 0) AS natural_decreases,
         coalesce(x.registrations_approved, 0) AS registrations_approved,
         coalesce(x.households_imported, 0) AS households_imported,
         coalesce(missing.n, 0) AS exits_missing_evidence
    FROM eoy s LEFT JOIN x USING (household_id, year) LEFT JOIN m USING (household_id, year)
    LEFT JOIN missing USING (household_id, year)`;
}

/**
 * Per pair, the funds of the measures of year Y planned by 31 December, by category and
 * source: planned unless cancelled by then, delivered by then (whether cancelled or not).
 */
export function yearFundsSql(t: Tables, pairs: string, knownAt: string, upTo?: string): string {
  const dec31 = 'make_date(p.year, 12, 31)';
  return `${common(t, pairs, knownAt, upTo)},
  delivered AS (
    SELECT p.household_id, p.year, e.changes->>'measureId' AS measure_id, sum((e.changes->>'amountFen')::bigint) AS fen
      FROM pairs p JOIN ev e ON e.household_id = p.household_id
     WHERE e.event_type = 'AssistanceDelivered' AND e.effective_at <= ${dec31}
     GROUP BY 1, 2, 3
  )
  SELECT s.household_id, s.year, s.county_code, s.township_code, s.village_code, pl.category, pl.funding_source,
         coalesce(sum(pl.fen) FILTER (WHERE pl.cancelled_at IS NULL OR pl.cancelled_at > make_date(s.year, 12, 31)), 0)::bigint AS planned_fen,
         coalesce(sum(d.fen), 0)::bigint AS delivered_fen
    FROM eoy s JOIN planned pl ON pl.household_id = s.household_id AND pl.year = s.year
     AND pl.effective_at <= make_date(s.year, 12, 31)
    LEFT JOIN delivered d ON d.household_id = s.household_id AND d.year = s.year AND d.measure_id = pl.measure_id
   GROUP BY 1, 2, 3, 4, 5, 6, 7`;
}

/**
 * The pairs to keep for households `$1` (uuid[]): each from the year of its first status (as
 * known now) to its last year with anything effective; with `$2` (int[], one per household),
 * only the years from that one on.
 */
function keptPairs(t: Tables, fromYears = false): string {
  const households = fromYears
    ? `SELECT s.household_id, min(extract(year FROM s.effective_from))::int AS first,
              max(extract(year FROM s.effective_from))::int AS last, f.from_year
         FROM ${t.history} s JOIN unnest($1::uuid[], $2::int[]) AS f(household_id, from_year) USING (household_id)
        WHERE s.recorded_to IS NULL GROUP BY 1, 4`
    : `SELECT household_id, min(extract(year FROM effective_from))::int AS first,
              max(extract(year FROM effective_from))::int AS last, 0 AS from_year
         FROM ${t.history} WHERE household_id = ANY($1::uuid[]) AND recorded_to IS NULL GROUP BY 1`;
  return `SELECT household_id, year, year = last AS last FROM (
    SELECT h.household_id, generate_series(greatest(h.first, h.from_year), greatest(h.last, coalesce(a.last, h.last))) AS year,
           greatest(h.last, coalesce(a.last, h.last)) AS last
      FROM (${households}) h
      LEFT JOIN (SELECT household_id, max(greatest(extract(year FROM effective_at)::int,
                          CASE WHEN event_type = 'AssistancePlanned' THEN (changes->>'year')::int ELSE 0 END)) AS last
                   FROM ${t.audit} WHERE household_id = ANY($1::uuid[]) GROUP BY 1) a USING (household_id)
  ) y`;
}

/**
 * Works the kept rows of these households out again (in the caller's transaction): deletes
 * theirs and inserts them from the history and audit as they stand; then, unless told not
 * to (a whole build rolls up once at its end), sums again the village-years of the roll-up
 * (area-years.ts) whose rows changed.
 *
 * `fromYear`, when given, is per household the earliest year the caller's events can have
 * changed (see `affectedFrom`): only that year and later ones are worked out again, and the
 * household's last kept year, which stands for every later one. A year's facts read only
 * what is effective by its 31 December, so earlier years cannot change; a timely visit on a
 * household of a thousand events redoes one year instead of twelve.
 */
export async function refreshYearFacts(
  tx: pg.PoolClient,
  t: Tables & KeptTables,
  householdIds: readonly string[],
  rollUp = true,
  fromYear?: ReadonlyMap<string, number>,
): Promise<void> {
  if (householdIds.length === 0) return;
  const ids = [...householdIds];
  // Named columns, not *: a prepared statement's result may not change shape (a migration
  // adding a column would make it fail on connections that prepared it before).
  const returning = (columns: readonly string[]) => (rollUp ? ` RETURNING ${columns.join(', ')}` : '');
  // The live path's statements are prepared (planned once per connection); a build's chunks of
  // 2,000 households are planned each time, as a generic plan chosen for them could be poor.
  const run = (text: string, values: unknown[]) => (fromYear ? prepared(tx, text, values) : tx.query(text, values));
  let before: Row[];
  let params: unknown[];
  let pairs: string;
  if (fromYear) {
    // From the earlier of the caller's year and the household's last kept one (0: none kept yet).
    const from = await prepared<{ household_id: string; from_year: number }>(
      tx,
      `SELECT f.household_id, least(f.from_year, coalesce(k.year, 0)) AS from_year
         FROM unnest($1::uuid[], $2::int[]) AS f(household_id, from_year)
         LEFT JOIN ${t.years} k ON k.household_id = f.household_id AND k.last`,
      [ids, ids.map((id) => fromYear.get(id) ?? 0)],
    );
    params = [from.rows.map((r) => r.household_id), from.rows.map((r) => r.from_year)];
    const keyed = `USING unnest($1::uuid[], $2::int[]) AS f(household_id, from_year)
      WHERE k.household_id = f.household_id AND k.year >= f.from_year`;
    const qualified = (columns: readonly string[]) => columns.map((c) => `k.${c}`);
    before = [
      ...(await run(`DELETE FROM ${t.years} k ${keyed}${returning(qualified(YEAR_FACT_COLUMNS))}`, params)).rows,
      ...(await run(`DELETE FROM ${t.yearFunds} k ${keyed}${returning(qualified(YEAR_FUND_COLUMNS))}`, params)).rows,
    ];
    pairs = keptPairs(t, true);
  } else {
    params = [ids];
    const keyed = 'WHERE household_id = ANY($1::uuid[])';
    before = [
      ...(await run(`DELETE FROM ${t.years} ${keyed}${returning(YEAR_FACT_COLUMNS)}`, params)).rows,
      ...(await run(`DELETE FROM ${t.yearFunds} ${keyed}${returning(YEAR_FUND_COLUMNS)}`, params)).rows,
    ];
    pairs = keptPairs(t);
  }
  const after = [
    ...(
      await run(
        `INSERT INTO ${t.years} (${YEAR_FACT_COLUMNS.join(', ')}) ${yearFactsSql(t, pairs, `'infinity'::timestamptz`)}${returning(YEAR_FACT_COLUMNS)}`,
        params,
      )
    ).rows,
    ...(
      await run(
        `INSERT INTO ${t.yearFunds} (${YEAR_FUND_COLUMNS.join(', ')}) ${yearFundsSql(t, pairs, `'infinity'::timestamptz`)}${returning(YEAR_FUND_COLUMNS)}`,
        params,
      )
    ).rows,
  ];
  if (rollUp) await refreshAreaYears(tx, t, changedVillageYears(before, after));
}

/**
 * The earliest year an event can change of its household's kept years: the year it is
 * effective in, or for a measure the earlier of that and the measure's year; a correction
 * can change any year (0).
 */
export function affectedFrom(event: { type: string; effectiveAt: string; data: unknown }): number {
  if (event.type === 'EventCorrected') return 0;
  const year = Number(event.effectiveAt.slice(0, 4));
  if (event.type === 'AssistancePlanned') {
    const measureYear = Number((event.data as { year?: unknown }).year);
    if (Number.isInteger(measureYear) && measureYear < year) return measureYear;
  }
  return year;
}

/** The village-years of the rows found on one side and not the other (as many times). */
function changedVillageYears(before: readonly Row[], after: readonly Row[]): VillageYear[] {
  const balance = new Map<string, { row: Row; n: number }>();
  for (const [rows, sign] of [
    [before, 1],
    [after, -1],
  ] as const) {
    for (const row of rows) {
      const key = JSON.stringify(row);
      const entry = balance.get(key) ?? { row, n: 0 };
      entry.n += sign;
      balance.set(key, entry);
    }
  }
  const pairs = new Map<string, VillageYear>();
  for (const { row, n } of balance.values()) {
    if (n === 0) continue;
    const pair = { village: (row.village_code as string | null) ?? '', year: row.year as number };
    pairs.set(`${pair.village}:${pair.year}`, pair);
  }
  return [...pairs.values()];
}

type Row = Record<string, unknown>;

/**
 * Builds the kept rows of every household that has none (when the projection first catches
 * up, with the audit's indexes in place), a chunk of households per transaction, rolls them
 * up and records that they are built; from then on `refreshYearFacts` keeps them. A build from
 * the start writes each household's kept rows with its other rows (year-facts-fold.ts) and
 * drops those of a household an event touches before the catch-up, so only those are worked
 * out here; a replay of `$all` or a deployment from before the kept years leaves every
 * household to work out. Returns true when they are built (at once, if they were already).
 * Under an advisory lock, so two processes never build them at once; a build cut short goes
 * on with the households still without rows.
 */
export async function buildYearFacts(
  pool: pg.Pool,
  t: Tables & KeptTables & { yearsBuilt: string },
  chunk = 2000,
): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`years:${t.years}`]);
    try {
      const built = await client.query(`SELECT 1 FROM ${t.yearsBuilt} LIMIT 1`);
      if (built.rowCount) return true;
      const ids = await client.query<{ household_id: string }>(
        `SELECT DISTINCT household_id FROM ${t.history} h WHERE recorded_to IS NULL
            AND NOT EXISTS (SELECT 1 FROM ${t.years} k WHERE k.household_id = h.household_id)
          ORDER BY household_id`,
      );
      const all = ids.rows.map((r) => r.household_id);
      for (let i = 0; i < all.length; i += chunk) {
        await client.query('BEGIN');
        try {
          await refreshYearFacts(client, t, all.slice(i, i + chunk), false);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
      }
      await client.query('BEGIN');
      try {
        await buildAreaYears(client, t);
        await client.query(`INSERT INTO ${t.yearsBuilt} (built_at) VALUES (now())`);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
      return true;
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`years:${t.years}`]);
    }
  } finally {
    client.release();
  }
}
