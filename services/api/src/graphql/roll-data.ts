import { areaCondition } from '@registry/projections';
import { type HouseholdState, storedState } from '@registry/registry';
import { requireArea } from '../auth.js';
import type { Context } from './context.js';
import type { StateView } from './household-types.js';
import { badInput } from './problems.js';

/** A row of the registry roll: the household's current state and its bookkeeping. */
export interface RollRow extends StateView {
  version: number;
  countyCode: string | null;
  townshipCode: string | null;
  villageCode: string | null;
  updatedAt: string;
  lastEffectiveAt: string;
  exitsMissingEvidence: number;
}

export interface DbRollRow {
  household_id: string;
  version: string;
  county_code: string | null;
  township_code: string | null;
  village_code: string | null;
  updated_at: Date;
  last_effective_at: string;
  exits_missing_evidence: number;
  state: HouseholdState;
}

export const COLUMNS = `household_id, version, county_code, township_code, village_code, updated_at,
  to_char(last_effective_at, 'YYYY-MM-DD') AS last_effective_at, exits_missing_evidence, state`;

export function toRow(r: DbRollRow): RollRow {
  return {
    householdId: r.household_id,
    state: storedState(r.state),
    version: Number(r.version),
    countyCode: r.county_code,
    townshipCode: r.township_code,
    villageCode: r.village_code,
    updatedAt: r.updated_at.toISOString(),
    lastEffectiveAt: r.last_effective_at,
    exitsMissingEvidence: r.exits_missing_evidence,
  };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loadHouseholds(ctx: Context, ids: string[]): Promise<RollRow[]> {
  const valid = ids.filter((id) => UUID.test(id));
  if (valid.length === 0) return [];
  const t = ctx.deps.projections.registry.tables;
  const result = await ctx.deps.pool.query<DbRollRow>(
    `SELECT ${COLUMNS} FROM ${t.households} WHERE household_id = ANY($1::uuid[])`,
    [valid],
  );
  return result.rows.map(toRow);
}

/** Numbered SQL parameters and WHERE conditions, built together. */
export interface SqlFilter {
  params: unknown[];
  where: string[];
  /** Adds a parameter; returns its placeholder ($n). */
  param(value: unknown): string;
  /** The conditions joined with AND (TRUE when there are none). */
  sql(extra?: string[]): string;
}

/**
 * A filter on rows of an area: the one asked for, else the caller's whole scope (none for an
 * unscoped admin). Refuses an area outside the caller's scope.
 */
export function areaFilter(ctx: Context, areaCode: string | null | undefined): SqlFilter {
  const filter: SqlFilter = {
    params: [],
    where: [],
    param(value) {
      filter.params.push(value);
      return `$${filter.params.length}`;
    },
    sql: (extra = []) => [...filter.where, ...extra].join(' AND ') || 'TRUE',
  };
  const area = areaCode ?? ctx.viewer.scope;
  if (area) {
    requireArea(ctx.viewer, area, `area ${area}`);
    filter.where.push(areaCondition(area, filter.param(area)));
  }
  return filter;
}

/** A keyset cursor must be what this API handed out: a household id. */
export function householdCursor(cursor: string | undefined, argument: string): string | undefined {
  if (cursor !== undefined && !UUID.test(cursor)) {
    throw badInput(argument, 'must be a cursor from this connection');
  }
  return cursor;
}
