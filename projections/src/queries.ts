import type pg from 'pg';
import type { RegistryProjection } from './registry-projection.js';

export type AreaLevel = 'county' | 'township' | 'village';

/** County codes end in 000000, township codes in 000; anything else names a village. */
export function areaLevel(code: string): AreaLevel {
  if (!/^\d{12}$/.test(code)) throw new Error(`area code ${JSON.stringify(code)} must be 12 digits`);
  if (code.endsWith('000000')) return 'county';
  if (code.endsWith('000')) return 'township';
  return 'village';
}

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
  const column = `${areaLevel(query.areaCode)}_code`;
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
      WHERE ${column} = $1
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
