import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * The households' kept years (year-facts.ts) rolled up by village, year, `last` and status,
 * so that a county's indicators sum a few thousand rows instead of one per household.
 *
 * A roll-up row counts the kept rows of its key: households, people, monitored, the
 * transitions, exits missing evidence, and for 五项落实 the households missing each item and
 * the complete ones (for every status: the reader keeps those of the roll); visits as a
 * histogram (`{"<visits>": households}`), so compliance with any visit minimum — policy
 * data, read at the year's end — is a sum of the entries at or above it. Funds roll up by
 * village, year, category and source.
 *
 * Area codes are stored as '' where a household's row has none (no area code matches it),
 * so the key is a primary key. The roll-up is refreshed, in the batch's transaction, for
 * the (village, year) pairs whose kept rows the batch changed (a visit changes one year of
 * one household: one village-year is summed again); it is built whole after the kept rows
 * are. `areaYearsSql` with `true` is what the tables must equal (verifyRegistry checks).
 */

/** The kept tables: the households' years and their roll-up by village. */
export interface KeptTables {
  years: string;
  yearFunds: string;
  areaYears: string;
  areaYearFunds: string;
}

/** A village-year pair of the roll-up ('' for households without a village). */
export interface VillageYear {
  village: string;
  year: number;
}

/** The transitions of a household's year, summed as they are. */
export const TRANSITIONS = [
  'exits_approved',
  'exits_imported',
  'exits_annulled',
  'returns',
  'removals',
  'natural_decreases',
  'registrations_approved',
  'households_imported',
  'exits_missing_evidence',
] as const;

/** 五项落实 of a household's year: each item missing, and complete. */
export const FIVE_ITEMS: Record<string, string> = {
  no_cause: 'NOT f.cause',
  no_attribute: 'f.attribute IS NULL',
  no_measures: 'f.measures = 0',
  no_helper: 'NOT f.helper',
  no_funds: 'f.planned_fen = 0',
  complete: 'f.cause AND f.attribute IS NOT NULL AND f.measures > 0 AND f.helper AND f.planned_fen > 0',
};

/** Columns of the roll-up, in order; the first six are its key. */
export const AREA_YEAR_COLUMNS = [
  'county_code',
  'township_code',
  'village_code',
  'year',
  'last',
  'status',
  'households',
  'people',
  'monitored',
  ...TRANSITIONS,
  ...Object.keys(FIVE_ITEMS),
  'visits',
] as const;

export const AREA_YEAR_FUND_COLUMNS = [
  'county_code',
  'township_code',
  'village_code',
  'year',
  'category',
  'funding_source',
  'planned_fen',
  'delivered_fen',
  'fund_rows',
] as const;

const KEY = `coalesce(f.county_code, '') AS county_code, coalesce(f.township_code, '') AS township_code,
       coalesce(f.village_code, '') AS village_code, f.year`;

/** The roll-up of the kept rows `f` of `years` that satisfy `where`. */
export function areaYearsSql(t: KeptTables, where: string): string {
  const sums = [...TRANSITIONS, ...Object.keys(FIVE_ITEMS)].map((c) => `sum(g.${c})::int AS ${c}`).join(', ');
  return `SELECT g.county_code, g.township_code, g.village_code, g.year, g.last, g.status,
         sum(g.households)::int AS households, sum(g.people)::bigint AS people, sum(g.monitored)::int AS monitored,
         ${sums}, jsonb_object_agg(g.visits::text, g.households ORDER BY g.visits) AS visits
    FROM (SELECT ${KEY}, f.last, f.status, f.visits, count(*) AS households, sum(f.people) AS people,
                 count(*) FILTER (WHERE f.monitored) AS monitored,
                 ${TRANSITIONS.map((c) => `sum(f.${c}) AS ${c}`).join(', ')},
                 ${Object.entries(FIVE_ITEMS)
                   .map(([c, condition]) => `count(*) FILTER (WHERE ${condition}) AS ${c}`)
                   .join(', ')}
            FROM ${t.years} f WHERE ${where} GROUP BY 1, 2, 3, 4, 5, 6, 7) g
   GROUP BY 1, 2, 3, 4, 5, 6`;
}

/** The funds' roll-up of the kept fund rows `f` that satisfy `where`. */
export function areaYearFundsSql(t: KeptTables, where: string): string {
  return `SELECT ${KEY}, f.category, f.funding_source, sum(f.planned_fen)::bigint AS planned_fen,
         sum(f.delivered_fen)::bigint AS delivered_fen,
         count(*)::int AS fund_rows
    FROM ${t.yearFunds} f WHERE ${where} GROUP BY 1, 2, 3, 4, 5, 6`;
}

/**
 * Sums these village-years again from the kept rows (in the caller's transaction). Rows
 * without a village are summed by year in a statement of their own (rare; kept apart so the
 * usual one reads by the (village, year) indexes).
 */
export async function refreshAreaYears(tx: pg.PoolClient, t: KeptTables, pairs: readonly VillageYear[]): Promise<void> {
  if (pairs.length === 0) return;
  const params = [pairs.map((p) => p.village), pairs.map((p) => p.year)];
  const keyed = `(village_code, year) IN (SELECT * FROM unnest($1::text[], $2::int[]))`;
  await prepared(tx, `DELETE FROM ${t.areaYears} WHERE ${keyed}`, params);
  await prepared(tx, `DELETE FROM ${t.areaYearFunds} WHERE ${keyed}`, params);
  await insert(tx, t, `(f.village_code, f.year) IN (SELECT * FROM unnest($1::text[], $2::int[]))`, params);
  const without = pairs.filter((p) => p.village === '').map((p) => p.year);
  if (without.length > 0) await insert(tx, t, 'f.village_code IS NULL AND f.year = ANY($1::int[])', [without]);
}

async function insert(tx: pg.PoolClient, t: KeptTables, where: string, params: unknown[]): Promise<void> {
  await prepared(tx, `INSERT INTO ${t.areaYears} (${AREA_YEAR_COLUMNS.join(', ')}) ${areaYearsSql(t, where)}`, params);
  await prepared(
    tx,
    `INSERT INTO ${t.areaYearFunds} (${AREA_YEAR_FUND_COLUMNS.join(', ')}) ${areaYearFundsSql(t, where)}`,
    params,
  );
}

/**
 * Runs a statement of the live path as a named prepared statement, so each connection plans
 * it once: the kept years' statements are long CTEs that took PostgreSQL 5 ms to plan and 3
 * to run for one household (a timely visit's batch ran several of them).
 */
export function prepared<R extends pg.QueryResultRow = Record<string, unknown>>(
  tx: pg.PoolClient,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  const name = `kept-${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  return tx.query<R>({ name, text, values });
}

/** Builds the whole roll-up from the kept rows (in the caller's transaction). */
export async function buildAreaYears(tx: pg.PoolClient, t: KeptTables): Promise<void> {
  await tx.query(`TRUNCATE ${t.areaYears}, ${t.areaYearFunds}`);
  await insert(tx, t, 'true', []);
}
