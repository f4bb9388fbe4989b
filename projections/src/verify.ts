import type { EventStore, Position } from '@registry/eventstore';
import { foldHistory, toHistoryEvent } from '@registry/registry';
import { HOUSEHOLD_STREAM_PREFIX, householdStream } from '@registry/schema';
import type pg from 'pg';
import { areaYearFundsSql, areaYearsSql } from './area-years.js';
import type { RegistryProjection } from './registry-projection.js';
import { effectiveTimeline, householdRow, measureRows, memberRows, visitRows } from './rows.js';
import { expectedYearFactsSql } from './year-facts.js';

export interface Difference {
  /** The household whose rows differ; none for the roll-up by village (then `detail` names it). */
  householdId?: string;
  table: string;
  detail: string;
}

export interface VerifyReport {
  households: number;
  events: number;
  differences: Difference[];
}

const canonical = (rows: unknown[]): string =>
  JSON.stringify(rows.map((r) => JSON.stringify(r, Object.keys(r as object).sort())).sort());

/**
 * Re-folds every household stream from the log and compares the result with the read
 * models, listing every difference. This is how an auditor shows the tables were not edited.
 * Run it against a caught-up projection: events after its checkpoint count as differences.
 */
export async function verifyRegistry(
  store: EventStore,
  pool: pg.Pool,
  projection: RegistryProjection,
): Promise<VerifyReport> {
  const t = projection.tables;
  const differences: Difference[] = [];
  const streams = new Set<string>();
  let events = 0;
  let after: Position | undefined;
  for (;;) {
    const page = await store.readAll(after === undefined ? { maxCount: 5000 } : { after, maxCount: 5000 });
    for (const e of page)
      if (e.streamName.startsWith(HOUSEHOLD_STREAM_PREFIX))
        streams.add(e.streamName.slice(HOUSEHOLD_STREAM_PREFIX.length));
    if (page.length < 5000) break;
    after = page[page.length - 1]?.position;
  }
  const tabled = await pool.query<{ household_id: string }>(`SELECT household_id FROM ${t.households}`);
  for (const { household_id } of tabled.rows) {
    if (!streams.has(household_id))
      differences.push({ householdId: household_id, table: t.households, detail: 'row without a stream in the log' });
  }

  const yearsBuilt = ((await pool.query(`SELECT 1 FROM ${t.yearsBuilt}`)).rowCount ?? 0) > 0;
  for (const householdId of streams) {
    const history = (await store.readStream(householdStream(householdId))).map(toHistoryEvent);
    events += history.length;
    const state = foldHistory(history);
    const last = history[history.length - 1];
    if (!last) continue;
    const expected = householdRow(householdId, state, {
      version: last.revision,
      lastEffectiveAt: history
        .map((e) => e.effectiveAt)
        .sort()
        .at(-1) as string,
      updatedAt: last.recordedAt,
    });
    // The stored state is the projection's working memory (of whatever shape), not a read model.
    const { state: _state, state_shape: _shape, updated_at: _u, ...expectedColumns } = expected;
    const actual = await pool.query(
      `SELECT household_id, county_code, township_code, village_code, status, card_number, attribute, main_cause, other_causes,
              helper_id, helper_name, helper_unit, member_count, latest_assessment_year, latest_income_fen::float8 AS latest_income_fen,
              monitoring_category, exit_count, exits_missing_evidence, return_count, open_case, version::float8 AS version,
              to_char(last_effective_at, 'YYYY-MM-DD') AS last_effective_at
         FROM ${t.households} WHERE household_id = $1`,
      [householdId],
    );
    if (state.status !== 'none') {
      if (!actual.rows[0]) differences.push({ householdId, table: t.households, detail: 'missing row' });
      else if (canonical([actual.rows[0]]) !== canonical([expectedColumns])) {
        differences.push({
          householdId,
          table: t.households,
          detail: `expected ${JSON.stringify(expectedColumns)}, found ${JSON.stringify(actual.rows[0])}`,
        });
      }
    }
    const compare = async (table: string, sql: string, rows: unknown[]) => {
      const found = await pool.query(sql, [householdId]);
      if (canonical(found.rows) !== canonical(rows)) {
        differences.push({
          householdId,
          table,
          detail: `expected ${JSON.stringify(rows)}, found ${JSON.stringify(found.rows)}`,
        });
      }
    };
    await compare(
      t.members,
      `SELECT household_id, member_id, national_id, name, sex, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, relation, health,
              disability_grade, labour_capacity, schooling, basic_medical, serious_illness, pension
         FROM ${t.members} WHERE household_id = $1`,
      memberRows(householdId, state),
    );
    await compare(
      t.measures,
      `SELECT household_id, measure_id, category, funding_source, year, description, amount_fen::float8 AS amount_fen, delivered_fen::float8 AS delivered_fen
         FROM ${t.measures} WHERE household_id = $1`,
      measureRows(householdId, state),
    );
    await compare(
      t.visits,
      `SELECT household_id, visit_id, helper_id, to_char(visited_on, 'YYYY-MM-DD') AS visited_on FROM ${t.visits} WHERE household_id = $1`,
      visitRows(householdId, state),
    );
    await compare(
      t.history,
      `SELECT status, member_count AS "memberCount", attribute, monitoring_category AS "monitoringCategory", county_code AS "countyCode", township_code AS "townshipCode",
              village_code AS "villageCode", to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(effective_to, 'YYYY-MM-DD') AS "effectiveTo"
         FROM ${t.history} WHERE household_id = $1 AND recorded_to IS NULL`,
      effectiveTimeline(history),
    );
    await compare(
      t.audit,
      `SELECT event_id, revision::float8 AS revision, event_type, actor_id, to_char(effective_at, 'YYYY-MM-DD') AS effective_at
         FROM ${t.audit} WHERE household_id = $1`,
      history.map((e) => ({
        event_id: e.id,
        revision: e.revision,
        event_type: e.type,
        actor_id: e.metadata.actor.id,
        effective_at: e.effectiveAt,
      })),
    );
    // The households' years for the indicators, once built: as worked out from the history and
    // audit just compared (the same SQL that keeps them).
    if (yearsBuilt) {
      const expected = expectedYearFactsSql(t);
      for (const [table, sql] of [
        [t.years, expected.years],
        [t.yearFunds, expected.funds],
      ] as const) {
        const rows = await pool.query(sql, [[householdId]]);
        const columns = Object.keys(rows.rows[0] ?? { household_id: 0 }).join(', ');
        await compare(table, `SELECT ${columns} FROM ${table} WHERE household_id = $1`, rows.rows);
      }
    }
  }
  // The roll-up by village: the sum of the kept rows just compared (the SQL that keeps it).
  if (yearsBuilt) {
    for (const [table, sql] of [
      [t.areaYears, areaYearsSql(t, 'true')],
      [t.areaYearFunds, areaYearFundsSql(t, 'true')],
    ] as const) {
      const extra = await pool.query<{ village_code: string; year: number; side: string }>(
        `SELECT DISTINCT village_code, year, side FROM (
           (SELECT 'stored' AS side, * FROM ${table} EXCEPT ALL SELECT 'stored', * FROM (${sql}) e)
           UNION ALL (SELECT 'summed', * FROM (${sql}) e EXCEPT ALL SELECT 'summed', * FROM ${table})) d
         ORDER BY village_code, year, side`,
      );
      for (const r of extra.rows) {
        differences.push({
          table,
          detail: `village ${r.village_code || '(none)'} ${r.year}: ${r.side === 'stored' ? 'a stored row is not the sum of the kept years' : 'a sum of the kept years is not stored'}`,
        });
      }
    }
  }
  return { households: streams.size, events, differences };
}
