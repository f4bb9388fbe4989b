import type pg from 'pg';
import { areaCondition } from './areas.js';
import type { RegistryProjection } from './registry-projection.js';

export interface SnapshotRow {
  householdId: string;
  status: string;
  memberCount: number;
  attribute: string | null;
  monitoringCategory: string | null;
  villageCode: string | null;
}

/**
 * The registry of an area as effective on `effectiveOn`, as known at `knownAt`: one indexed
 * query over the status history. The same arguments always give the same rows, however
 * much is recorded later.
 */
export async function registryAsOf(
  db: pg.Pool | pg.PoolClient,
  projection: Pick<RegistryProjection, 'tables'>,
  query: { areaCode: string; effectiveOn: string; knownAt: string },
): Promise<SnapshotRow[]> {
  const result = await db.query<{
    household_id: string;
    status: string;
    member_count: number;
    attribute: string | null;
    monitoring_category: string | null;
    village_code: string | null;
  }>(
    `SELECT household_id, status, member_count, attribute, monitoring_category, village_code
       FROM ${projection.tables.history}
      WHERE ${areaCondition(query.areaCode, '$1')}
        AND effective_from <= $2::date AND (effective_to IS NULL OR effective_to > $2::date)
        AND recorded_from <= $3::timestamptz AND (recorded_to IS NULL OR recorded_to > $3::timestamptz)
      ORDER BY household_id`,
    [query.areaCode, query.effectiveOn, query.knownAt],
  );
  return result.rows.map((r) => ({
    householdId: r.household_id,
    status: r.status,
    memberCount: r.member_count,
    attribute: r.attribute,
    monitoringCategory: r.monitoring_category,
    villageCode: r.village_code,
  }));
}

export interface SnapshotQuery {
  areaCode: string;
  effectiveOn: string;
  knownAt: string;
}

/** A household in a snapshot: its two-clock status row with the identifiers assessors visit by. */
export interface SnapshotHousehold extends SnapshotRow {
  cardNumber: string | null;
  /** The head of household as the roll records them now (identifiers, not as-of facts). */
  headName: string | null;
  headNationalId: string | null;
}

export interface RawSnapshotHousehold {
  household_id: string;
  village_code: string | null;
  status: string;
  attribute: string | null;
  monitoring_category: string | null;
  member_count: number;
  card_number: string | null;
  head_name: string | null;
  head_national_id: string | null;
}

export const toSnapshotHousehold = (r: RawSnapshotHousehold): SnapshotHousehold => ({
  householdId: r.household_id,
  villageCode: r.village_code,
  status: r.status,
  attribute: r.attribute,
  monitoringCategory: r.monitoring_category,
  memberCount: r.member_count,
  cardNumber: r.card_number,
  headName: r.head_name,
  headNationalId: r.head_national_id,
});

function asOfCondition(query: SnapshotQuery, values: unknown[]): string {
  values.push(query.areaCode, query.effectiveOn, query.knownAt);
  const n = values.length;
  return `${areaCondition(query.areaCode, `$${n - 2}`, 's.')}
        AND s.effective_from <= $${n - 1}::date AND (s.effective_to IS NULL OR s.effective_to > $${n - 1}::date)
        AND s.recorded_from <= $${n}::timestamptz AND (s.recorded_to IS NULL OR s.recorded_to > $${n}::timestamptz)`;
}

/**
 * The SQL of `registryAsOf` with card numbers and heads, in household order, from `after`
 * (exclusive), at most `limit` rows: for paging, or unlimited for streaming an export.
 */
export function snapshotSql(
  projection: Pick<RegistryProjection, 'tables'>,
  query: SnapshotQuery,
  page: { after?: string; limit?: number } = {},
): { text: string; values: unknown[] } {
  const t = projection.tables;
  const values: unknown[] = [];
  const conditions = [asOfCondition(query, values)];
  if (page.after) {
    values.push(page.after);
    conditions.push(`s.household_id > $${values.length}::uuid`);
  }
  let limit = '';
  if (page.limit !== undefined) {
    values.push(page.limit);
    limit = `LIMIT $${values.length}`;
  }
  return {
    text: `SELECT s.household_id, s.village_code, s.status, s.attribute, s.monitoring_category, s.member_count,
                  h.card_number, m.name AS head_name, m.national_id AS head_national_id
             FROM ${t.history} s
             LEFT JOIN ${t.households} h ON h.household_id = s.household_id
             LEFT JOIN LATERAL (SELECT name, national_id FROM ${t.members} m
                                 WHERE m.household_id = s.household_id AND m.relation = 'head' LIMIT 1) m ON TRUE
            WHERE ${conditions.join(' AND ')}
            ORDER BY s.household_id ${limit}`,
    values,
  };
}

export interface SnapshotTotals {
  households: number;
  people: number;
  byStatus: { status: string; households: number; people: number }[];
}

/** Households and people per status in the snapshot. */
export async function snapshotTotals(
  db: pg.Pool | pg.PoolClient,
  projection: Pick<RegistryProjection, 'tables'>,
  query: SnapshotQuery,
): Promise<SnapshotTotals> {
  const values: unknown[] = [];
  const result = await db.query<{ status: string; households: string; people: string }>(
    `SELECT s.status, count(*) AS households, coalesce(sum(s.member_count), 0) AS people
       FROM ${projection.tables.history} s WHERE ${asOfCondition(query, values)}
      GROUP BY s.status ORDER BY s.status`,
    values,
  );
  const byStatus = result.rows.map((r) => ({
    status: r.status,
    households: Number(r.households),
    people: Number(r.people),
  }));
  return {
    households: byStatus.reduce((n, s) => n + s.households, 0),
    people: byStatus.reduce((n, s) => n + s.people, 0),
    byStatus,
  };
}
