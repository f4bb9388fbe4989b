import type { HouseholdState } from '@registry/registry';
import type pg from 'pg';
import { areaCondition } from './areas.js';
import type { RegistryProjection } from './registry-projection.js';
import { type HouseholdView, toView } from './view.js';

/**
 * The read side's questions about the roll and the audit trail, each a named function: the API
 * decides who may ask what (areas, masking, cursors) and these answer it. SQL over the
 * registry's tables lives here and nowhere above.
 */
type Db = pg.Pool | pg.PoolClient;
type Tables = Pick<RegistryProjection, 'tables'>;
/** The roll's reader: its tables, and its stored states in this code's shape. */
type Roll = Pick<RegistryProjection, 'tables' | 'currentStates'>;

/** A row of the registry roll: the household as it is now, and its bookkeeping. */
export interface RollRow extends HouseholdView {
  /** Revision of its last event. */
  version: number;
  countyCode: string | null;
  townshipCode: string | null;
  villageCode: string | null;
  updatedAt: string;
  lastEffectiveAt: string;
  exitsMissingEvidence: number;
}

interface DbRollRow {
  household_id: string;
  version: string;
  county_code: string | null;
  township_code: string | null;
  village_code: string | null;
  updated_at: Date;
  last_effective_at: string;
  exits_missing_evidence: number;
  state: HouseholdState;
  state_shape: number;
}

const ROLL_COLUMNS = `household_id, version, county_code, township_code, village_code, updated_at,
  to_char(last_effective_at, 'YYYY-MM-DD') AS last_effective_at, exits_missing_evidence, state, state_shape`;

async function toRollRows(projection: Roll, rows: DbRollRow[]): Promise<RollRow[]> {
  const states = await projection.currentStates(
    rows.map((r) => ({
      householdId: r.household_id,
      state: r.state,
      stateShape: r.state_shape,
      version: Number(r.version),
    })),
  );
  return rows.map((r, i) => ({
    ...toView(r.household_id, states[i] as HouseholdState),
    version: Number(r.version),
    countyCode: r.county_code,
    townshipCode: r.township_code,
    villageCode: r.village_code,
    updatedAt: r.updated_at.toISOString(),
    lastEffectiveAt: r.last_effective_at,
    exitsMissingEvidence: r.exits_missing_evidence,
  }));
}

export const HOUSEHOLD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The roll rows of these households (ids that are not UUIDs, or unknown, are simply absent). */
export async function loadHouseholds(db: Db, projection: Roll, ids: readonly string[]): Promise<RollRow[]> {
  const valid = ids.filter((id) => HOUSEHOLD_ID.test(id));
  if (valid.length === 0) return [];
  const result = await db.query<DbRollRow>(
    `SELECT ${ROLL_COLUMNS} FROM ${projection.tables.households} WHERE household_id = ANY($1::uuid[])`,
    [valid],
  );
  return toRollRows(projection, result.rows);
}

/** Numbered parameters and WHERE conditions, built together. */
class Conditions {
  readonly values: unknown[] = [];
  readonly where: string[] = [];
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  sql(): string {
    return this.where.join(' AND ') || 'TRUE';
  }
}

/** A keyset page: rows after and/or before a key (exclusive), at most `limit`, either way round. */
export interface KeysetPage {
  after?: string | undefined;
  before?: string | undefined;
  limit: number;
  descending?: boolean;
}

function pageSql(c: Conditions, key: string, cast: string, page: KeysetPage): string {
  if (page.after !== undefined) c.where.push(`${key} > ${c.param(page.after)}${cast}`);
  if (page.before !== undefined) c.where.push(`${key} < ${c.param(page.before)}${cast}`);
  return `WHERE ${c.sql()} ORDER BY ${key} ${page.descending ? 'DESC' : 'ASC'} LIMIT ${c.param(page.limit)}`;
}

export interface RollQuery {
  /** A county, township or village code; absent: every area. */
  areaCode?: string | null | undefined;
  status?: readonly string[] | null | undefined;
  attribute?: string | null | undefined;
  /** Main or other cause. */
  cause?: string | null | undefined;
  helperId?: string | null | undefined;
  monitored?: boolean | null | undefined;
  /** Part of a card number or address; with `people`, also of a member's name or a whole ID number. */
  text?: string | null | undefined;
  /** Whether `text` may match members' names and ID numbers (not for those who see them masked). */
  people?: boolean;
  /** An open case: its kind (identification, exit), or its kind and step (identification:village_notice). */
  openCase?: string | null | undefined;
  /** Fewer than `minimum` visits effective in `year`. */
  fewerVisits?: { year: number; minimum: number } | null | undefined;
}

function rollConditions(projection: Tables, q: RollQuery): Conditions {
  const c = new Conditions();
  const w = c.where;
  if (q.areaCode) w.push(areaCondition(q.areaCode, c.param(q.areaCode), 'h.'));
  if (q.status?.length) w.push(`h.status = ANY(${c.param(q.status)}::text[])`);
  if (q.attribute) w.push(`h.attribute = ${c.param(q.attribute)}`);
  if (q.cause) {
    const cause = c.param(q.cause);
    w.push(`(h.main_cause = ${cause} OR ${cause} = ANY(h.other_causes))`);
  }
  if (q.helperId) w.push(`h.helper_id = ${c.param(q.helperId)}`);
  if (q.monitored === true) w.push('h.monitoring_category IS NOT NULL');
  if (q.monitored === false) w.push('h.monitoring_category IS NULL');
  if (q.text) {
    const like = c.param(`%${q.text.replace(/[\\%_]/g, '\\$&')}%`);
    const byPerson = q.people
      ? ` OR EXISTS (SELECT 1 FROM ${projection.tables.members} m WHERE m.household_id = h.household_id
                  AND (m.name ILIKE ${like} OR m.national_id = ${c.param(q.text.trim())}))`
      : '';
    w.push(`(h.card_number ILIKE ${like} OR h.state #>> '{household,address}' ILIKE ${like}${byPerson})`);
  }
  if (q.openCase) {
    const open = c.param(q.openCase);
    w.push(`(h.open_case = ${open} OR split_part(h.open_case, ':', 1) = ${open})`);
  }
  if (q.fewerVisits) {
    const { year, minimum } = q.fewerVisits;
    w.push(`(SELECT count(*) FROM ${projection.tables.visits} v WHERE v.household_id = h.household_id
              AND v.visited_on BETWEEN ${c.param(`${year}-01-01`)}::date AND ${c.param(`${year}-12-31`)}::date)
             < ${c.param(minimum)}`);
  }
  return c;
}

/** A page of the roll matching the query, in household id order (the id is the page key). */
export async function findHouseholds(db: Db, projection: Roll, q: RollQuery, page: KeysetPage): Promise<RollRow[]> {
  const c = rollConditions(projection, q);
  const tail = pageSql(c, 'h.household_id', '::uuid', page);
  const result = await db.query<DbRollRow>(
    `SELECT ${ROLL_COLUMNS} FROM ${projection.tables.households} h ${tail}`,
    c.values,
  );
  return toRollRows(projection, result.rows);
}

/** How many households on the roll match the query. */
export async function countHouseholds(db: Db, projection: Tables, q: RollQuery): Promise<number> {
  const c = rollConditions(projection, q);
  const result = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${projection.tables.households} h WHERE ${c.sql()}`,
    c.values,
  );
  return Number(result.rows[0]?.n ?? 0);
}

/** Households of an area that have exited at least once, in household id order. */
export async function exitedHouseholds(
  db: Db,
  projection: Tables,
  areaCode: string,
): Promise<{ householdId: string; cardNumber: string | null }[]> {
  const result = await db.query<{ household_id: string; card_number: string | null }>(
    `SELECT household_id, card_number FROM ${projection.tables.households}
      WHERE ${areaCondition(areaCode, '$1')} AND exit_count > 0 ORDER BY household_id`,
    [areaCode],
  );
  return result.rows.map((r) => ({ householdId: r.household_id, cardNumber: r.card_number }));
}

/** One event of the audit trail, flattened. */
export interface AuditRow {
  position: string;
  eventId: string;
  householdId: string;
  revision: number;
  eventType: string;
  actorId: string;
  actorRole: string;
  actorUnit: string;
  recordedAt: string;
  effectiveAt: string;
  reason: string | null;
  commandId: string | null;
  correlationId: string | null;
  causationId: string | null;
  villageCode: string | null;
  changes: unknown;
  /** The household's card number (户编号) now; null before registration. */
  cardNumber: string | null;
}

export interface AuditQuery {
  areaCode?: string | null | undefined;
  actorId?: string | null | undefined;
  householdId?: string | null | undefined;
  eventType?: string | null | undefined;
  /** Inclusive. */
  recordedFrom?: string | null | undefined;
  /** Exclusive. */
  recordedTo?: string | null | undefined;
}

/** A page of the audit trail matching the query, in log order (the position is the page key). */
export async function auditTrail(db: Db, projection: Tables, q: AuditQuery, page: KeysetPage): Promise<AuditRow[]> {
  const c = new Conditions();
  const w = c.where;
  if (q.areaCode) w.push(areaCondition(q.areaCode, c.param(q.areaCode)));
  if (q.actorId) w.push(`actor_id = ${c.param(q.actorId)}`);
  if (q.householdId) w.push(`household_id = ${c.param(q.householdId)}::uuid`);
  if (q.eventType) w.push(`event_type = ${c.param(q.eventType)}`);
  if (q.recordedFrom) w.push(`recorded_at >= ${c.param(q.recordedFrom)}::timestamptz`);
  if (q.recordedTo) w.push(`recorded_at < ${c.param(q.recordedTo)}::timestamptz`);
  const tail = pageSql(c, 'position', '', page);
  const result = await db.query<{
    position: string;
    event_id: string;
    household_id: string;
    revision: string;
    event_type: string;
    actor_id: string;
    actor_role: string;
    actor_unit: string;
    recorded_at: Date;
    effective_at: string;
    reason: string | null;
    command_id: string | null;
    correlation_id: string | null;
    causation_id: string | null;
    village_code: string | null;
    changes: unknown;
    card_number: string | null;
  }>(
    // The page first, then each row's household card number (户编号), for people to read it by.
    `SELECT a.*, h.card_number FROM (
       SELECT position, event_id, household_id, revision, event_type, actor_id, actor_role, actor_unit,
              recorded_at, to_char(effective_at, 'YYYY-MM-DD') AS effective_at, reason, command_id,
              correlation_id, causation_id, village_code, changes
         FROM ${projection.tables.audit} ${tail}) a
       LEFT JOIN ${projection.tables.households} h ON h.household_id = a.household_id
      ORDER BY a.position ${page.descending ? 'DESC' : 'ASC'}`,
    c.values,
  );
  return result.rows.map((r) => ({
    position: r.position,
    eventId: r.event_id,
    householdId: r.household_id,
    revision: Number(r.revision),
    eventType: r.event_type,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    actorUnit: r.actor_unit,
    recordedAt: r.recorded_at.toISOString(),
    effectiveAt: r.effective_at,
    reason: r.reason,
    commandId: r.command_id,
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    villageCode: r.village_code,
    changes: r.changes,
    cardNumber: r.card_number,
  }));
}
