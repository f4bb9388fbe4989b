import { READ_COLUMNS, type ReadRecord, toReadRecord } from '@registry/eventstore/log';
import type pg from 'pg';

/** Which reads an admin asks for: by actor, household, time (from inclusive, to exclusive). */
export interface ReadQuery {
  actorId?: string | null;
  householdId?: string | null;
  from?: string | null;
  to?: string | null;
}

function where(q: ReadQuery, values: unknown[]): string {
  const conditions: string[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(values.length));
  };
  if (q.actorId) add((n) => `actor = $${n}`, q.actorId);
  if (q.householdId) add((n) => `households @> ARRAY[$${n}]::text[]`, q.householdId);
  if (q.from) add((n) => `read_at >= $${n}`, q.from);
  if (q.to) add((n) => `read_at < $${n}`, q.to);
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** Reads newest first, a page after `before` (a sequence number) when given. */
export async function readRecords(
  pool: pg.Pool,
  q: ReadQuery,
  page: { before?: number; after?: number; limit: number; ascending?: boolean },
): Promise<ReadRecord[]> {
  const values: unknown[] = [];
  let sql = where(q, values);
  const bound = (op: string, value: number) => {
    values.push(value);
    sql += `${sql ? ' AND' : 'WHERE'} seq ${op} $${values.length}`;
  };
  if (page.before !== undefined) bound('<', page.before);
  if (page.after !== undefined) bound('>', page.after);
  values.push(page.limit);
  const result = await pool.query(
    `SELECT ${READ_COLUMNS} FROM read_records ${sql} ORDER BY seq ${page.ascending ? 'ASC' : 'DESC'} LIMIT $${values.length}`,
    values,
  );
  return result.rows.map(toReadRecord);
}

export async function countReads(pool: pg.Pool, q: ReadQuery): Promise<number> {
  const values: unknown[] = [];
  const result = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM read_records ${where(q, values)}`, values);
  return Number(result.rows[0]?.n ?? 0);
}

/** How far above the usual a reader must go to be flagged, and the fewest households that can be. */
export const UNUSUAL = { factor: 3, floor: 100, baselineDays: 28 } as const;

export interface ReadVolume {
  actor: string;
  role: string;
  unit: string;
  reads: number;
  /** Distinct households read in the period. */
  households: number;
  /** What the actor usually reads in a period this long: distinct households per day over the 28 days before, times its days. */
  usual: number;
  /** Far more than usual: more than 3 × usual, and more than 100 households. */
  flagged: boolean;
}

/**
 * Each reader's volume in [from, to): how many reads and distinct households, beside what they
 * usually read (the 28 days before `from`, per day, scaled to the period). Flagged: more than
 * three times the usual and more than 100 households (a reader with no history is measured
 * against the floor alone). Most households first.
 */
export async function readVolumes(pool: pg.Pool, from: string, to: string): Promise<ReadVolume[]> {
  const result = await pool.query<{
    actor: string;
    role: string;
    unit: string;
    reads: string;
    households: string;
    usual: string;
  }>(
    `WITH period AS (
       SELECT actor, max(role) AS role, max(unit) AS unit, count(DISTINCT seq) AS reads, count(DISTINCT h) AS households
         FROM read_records, unnest(households) AS h
        WHERE read_at >= $1 AND read_at < $2
        GROUP BY actor
     ), before AS (
       SELECT actor, count(DISTINCT (h, date_trunc('day', read_at))) AS household_days
         FROM read_records, unnest(households) AS h
        WHERE read_at >= $1::timestamptz - make_interval(days => $3) AND read_at < $1
          AND actor IN (SELECT actor FROM period)
        GROUP BY actor
     )
     SELECT p.actor, p.role, p.unit, p.reads, p.households,
            coalesce(b.household_days, 0)::float8 / $3
              * (extract(epoch FROM $2::timestamptz - $1::timestamptz) / 86400) AS usual
       FROM period p LEFT JOIN before b USING (actor)
      ORDER BY p.households DESC, p.actor`,
    [from, to, UNUSUAL.baselineDays],
  );
  return result.rows.map((r) => {
    const households = Number(r.households);
    const usual = Math.round(Number(r.usual) * 10) / 10;
    return {
      actor: r.actor,
      role: r.role,
      unit: r.unit,
      reads: Number(r.reads),
      households,
      usual,
      flagged: households > UNUSUAL.floor && households > UNUSUAL.factor * usual,
    };
  });
}
