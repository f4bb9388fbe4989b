import { areaPrefix } from '@registry/schema';
import type pg from 'pg';
import { areaCondition } from './areas.js';
import type { RegistryProjection } from './registry-projection.js';

/** A household an agency's finding rules out, still on file: the county's review list. */
export interface ReviewItem {
  householdId: string;
  cardNumber: string | null;
  status: string;
  villageCode: string | null;
  agency: string;
  detail: string;
  fileName: string;
  recordedAt: string;
}

/**
 * The county's review list (数据比对 复核): households of the area with a disqualifying agency
 * finding recorded in a batch that are still applicants, on the roll or exited (a removal or
 * a natural decrease takes them off), oldest finding first.
 */
export async function comparisonReviewList(
  db: pg.Pool,
  projection: Pick<RegistryProjection, 'tables'>,
  query: { areaCode: string; limit: number },
): Promise<ReviewItem[]> {
  const t = projection.tables;
  const rows = await db.query<{
    household_id: string;
    card_number: string | null;
    status: string;
    village_code: string | null;
    agency: string;
    detail: string;
    file_name: string;
    recorded_at: Date;
  }>(
    `SELECT h.household_id, h.card_number, h.status, h.village_code,
            a.changes->'finding'->>'agency' AS agency, a.changes->'finding'->>'detail' AS detail,
            a.changes->'source'->>'fileName' AS file_name, a.recorded_at
       FROM ${t.households} h
       JOIN ${t.audit} a ON a.household_id = h.household_id AND a.event_type = 'AgencyFindingRecorded'
      WHERE ${areaCondition(query.areaCode, '$1', 'h.')}
        AND h.status IN ('applicant', 'registered', 'returned', 'exited')
        AND a.changes->'finding'->>'disqualifying' = 'true'
      ORDER BY a.recorded_at, a.position
      LIMIT $2`,
    [query.areaCode, query.limit],
  );
  return rows.rows.map((r) => ({
    householdId: r.household_id,
    cardNumber: r.card_number,
    status: r.status,
    villageCode: r.village_code,
    agency: r.agency,
    detail: r.detail,
    fileName: r.file_name,
    recordedAt: r.recorded_at.toISOString(),
  }));
}

/** A household moving into the area, awaiting acceptance there (迁入待接收). */
export interface IncomingMove {
  householdId: string;
  cardNumber: string | null;
  fromVillageCode: string | null;
  toVillageCode: string;
  relocation: boolean;
  proposedOn: string;
}

export async function incomingMoves(
  db: pg.Pool,
  projection: Pick<RegistryProjection, 'tables'>,
  query: { areaCode: string },
): Promise<IncomingMove[]> {
  const rows = await db.query<{
    household_id: string;
    card_number: string | null;
    village_code: string | null;
    to_village: string;
    relocation: string;
    proposed_on: string;
  }>(
    `SELECT household_id, card_number, village_code, state->'pendingMove'->>'toVillageCode' AS to_village,
            state->'pendingMove'->>'relocation' AS relocation, state->'pendingMove'->>'proposedOn' AS proposed_on
       FROM ${projection.tables.households}
      WHERE state->'pendingMove'->>'toVillageCode' LIKE $1
      ORDER BY proposed_on, household_id LIMIT 500`,
    [`${areaPrefix(query.areaCode)}%`],
  );
  return rows.rows.map((r) => ({
    householdId: r.household_id,
    cardNumber: r.card_number,
    fromVillageCode: r.village_code,
    toVillageCode: r.to_village,
    relocation: r.relocation === 'true',
    proposedOn: r.proposed_on,
  }));
}

/**
 * The households on file, but closed (rejected at review, or removed), that hold each of these
 * ID numbers: a person's claim covers only open households, and a department's screening still
 * finds someone turned down before (the latest such household, by its last update).
 */
export async function closedHouseholdsOf(
  db: pg.Pool,
  projection: Pick<RegistryProjection, 'tables'>,
  nationalIds: readonly string[],
): Promise<Map<string, string>> {
  const t = projection.tables;
  const found = await db.query<{ national_id: string; household_id: string }>(
    `SELECT DISTINCT ON (m.national_id) m.national_id, m.household_id
       FROM ${t.members} m JOIN ${t.households} h USING (household_id)
      WHERE m.national_id = ANY($1::text[]) AND h.status IN ('rejected', 'removed')
      ORDER BY m.national_id, h.updated_at DESC`,
    [nationalIds],
  );
  return new Map(found.rows.map((r) => [r.national_id, r.household_id]));
}
