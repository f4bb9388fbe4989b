import { HOUSEHOLD_ID, loadHouseholds as loadRows, type RollRow } from '@registry/projections';
import { requireArea } from '../auth.js';
import type { Context } from './context.js';
import { badInput } from './problems.js';

export type { RollRow };

/** Roll rows of these households, whatever the caller's area: callers decide what to show. */
export const loadHouseholds = (ctx: Context, ids: string[]): Promise<RollRow[]> =>
  loadRows(ctx.deps.pool, ctx.deps.projections.registry, ids);

/**
 * The area a list covers: the one asked for, else the caller's whole scope (none for an
 * unscoped admin). Refuses an area outside the caller's scope.
 */
export function listArea(ctx: Context, areaCode: string | null | undefined): string | null {
  const area = areaCode ?? ctx.viewer.scope;
  if (area) requireArea(ctx.viewer, area, `area ${area}`);
  return area;
}

/** A keyset cursor must be what this API handed out: a household id. */
export function householdCursor(cursor: string | undefined, argument: string): string | undefined {
  if (cursor !== undefined && !HOUSEHOLD_ID.test(cursor)) {
    throw badInput(argument, 'must be a cursor from this connection');
  }
  return cursor;
}

/** Whether a household id argument is a UUID; one that is not names no household. */
export const isHouseholdId = (id: string): boolean => HOUSEHOLD_ID.test(id);
