import type { EventStore, Position } from '@registry/eventstore';
import { foldHistory, type HistoryEvent, type HouseholdState, toHistoryEvent } from '@registry/registry';
import { HOUSEHOLD_STREAM_PREFIX, householdStream } from '@registry/schema';
import type pg from 'pg';
import { areaYearFundsSql, areaYearsSql } from './area-years.js';
import type { RegistryProjection } from './registry-projection.js';
import {
  alertRows,
  effectiveTimeline,
  householdRow,
  measureRows,
  memberRows,
  monitoringRows,
  visitRows,
} from './rows.js';
import { YEAR_FACT_COLUMNS, YEAR_FUND_COLUMNS } from './year-facts.js';
import { keptYearsOf, type YearInterval } from './year-facts-fold.js';

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

/** Each set of keys met, in sorted order, by the keys in the order met: one sort per shape, not per row. */
const shapes = new Map<string, { id: number; keys: string[] }>();

/** Rows as one string that does not depend on the order of rows or of keys. */
function canonical(rows: readonly Row[]): string {
  const lines = rows.map((row) => {
    const keys = Object.keys(row);
    const met = keys.join('\u0000');
    let shape = shapes.get(met);
    if (!shape) {
      shape = { id: shapes.size, keys: [...keys].sort() };
      shapes.set(met, shape);
    }
    const { id, keys: sorted } = shape;
    return `${id}:${JSON.stringify(sorted.map((k) => row[k]))}`;
  });
  return lines.sort().join('\n');
}

/** Households verified together: their streams read in one go, each table read once for them all. */
const CHUNK = 500;

type Row = Record<string, unknown>;

/** Rows by household, from one query over a chunk of households. */
async function rowsByHousehold(pool: pg.Pool, sql: string, ids: readonly string[]): Promise<Map<string, Row[]>> {
  const rows = await pool.query<Row & { household_id: string }>(sql, [ids]);
  const byHousehold = new Map<string, Row[]>();
  for (const row of rows.rows) {
    const { household_id, ...rest } = row;
    const list = byHousehold.get(household_id);
    if (list) list.push(rest);
    else byHousehold.set(household_id, [rest]);
  }
  return byHousehold;
}

const withoutHousehold = (rows: readonly Row[]): Row[] => rows.map(({ household_id: _h, ...rest }) => rest);

/** The household streams of the log, in name order: listed where the store can, else found by reading `$all`. */
async function householdStreams(store: EventStore): Promise<string[]> {
  const ids: string[] = [];
  const head = await store.headPosition();
  if (store.listStreams && (head === undefined || !store.canListStreams || (await store.canListStreams(head)))) {
    let after: string | undefined;
    for (;;) {
      const names = await store.listStreams({
        prefix: HOUSEHOLD_STREAM_PREFIX,
        limit: 10_000,
        ...(after ? { after } : {}),
      });
      for (const name of names) ids.push(name.slice(HOUSEHOLD_STREAM_PREFIX.length));
      if (names.length < 10_000) return ids;
      after = names.at(-1);
    }
  }
  const streams = new Set<string>();
  let after: Position | undefined;
  for (;;) {
    const page = await store.readAll(after === undefined ? { maxCount: 5000 } : { after, maxCount: 5000 });
    for (const e of page)
      if (e.streamName.startsWith(HOUSEHOLD_STREAM_PREFIX))
        streams.add(e.streamName.slice(HOUSEHOLD_STREAM_PREFIX.length));
    if (page.length < 5000) break;
    after = page[page.length - 1]?.position;
  }
  return [...streams].sort();
}

/**
 * Re-folds every household stream from the log and compares the result with the read
 * models, listing every difference. This is how an auditor shows the tables were not edited.
 * Run it against a caught-up projection: events after its checkpoint count as differences.
 *
 * Households go in chunks of 500: their streams read at once, each table read once for the
 * chunk, the expected rows worked out from the fold of each stream. The households' kept
 * years are worked out from the log too (year-facts-fold.ts, the fold the tests hold equal
 * to the SQL that keeps them), not from the audit table they are kept from, which this
 * compares only in part. (Reading the SQL's expected rows once per household made a county
 * of 151k events take over 13 minutes.) `onProgress` hears after each chunk.
 */
export async function verifyRegistry(
  store: EventStore,
  pool: pg.Pool,
  projection: RegistryProjection,
  onProgress?: (done: { households: number; events: number; of: number }) => void,
): Promise<VerifyReport> {
  const t = projection.tables;
  const differences: Difference[] = [];
  const ids = await householdStreams(store);
  const streams = new Set(ids);
  let events = 0;
  const tabled = await pool.query<{ household_id: string }>(`SELECT household_id FROM ${t.households}`);
  for (const { household_id } of tabled.rows) {
    if (!streams.has(household_id))
      differences.push({ householdId: household_id, table: t.households, detail: 'row without a stream in the log' });
  }

  const yearsBuilt = ((await pool.query(`SELECT 1 FROM ${t.yearsBuilt}`)).rowCount ?? 0) > 0;
  const tables: {
    table: string;
    sql: string;
    expected: (id: string, history: HistoryEvent[], state: HouseholdState, timeline: Row[]) => Row[];
  }[] = [
    {
      table: t.members,
      sql: `SELECT household_id, member_id, national_id, name, sex, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, relation, health,
                   disability_grade, labour_capacity, schooling, basic_medical, serious_illness, pension
              FROM ${t.members} WHERE household_id = ANY($1::uuid[])`,
      expected: (id, _h, state) => withoutHousehold(memberRows(id, state)),
    },
    {
      table: t.measures,
      sql: `SELECT household_id, measure_id, category, funding_source, year, description, amount_fen::float8 AS amount_fen, delivered_fen::float8 AS delivered_fen
              FROM ${t.measures} WHERE household_id = ANY($1::uuid[])`,
      expected: (id, _h, state) => withoutHousehold(measureRows(id, state)),
    },
    {
      table: t.visits,
      sql: `SELECT household_id, visit_id, helper_id, to_char(visited_on, 'YYYY-MM-DD') AS visited_on FROM ${t.visits} WHERE household_id = ANY($1::uuid[])`,
      expected: (id, _h, state) => withoutHousehold(visitRows(id, state)),
    },
    {
      table: t.alerts,
      sql: `SELECT household_id, alert_id, channel, department, risks, detail, to_char(raised_on, 'YYYY-MM-DD') AS raised_on,
                   to_char(verify_by, 'YYYY-MM-DD') AS verify_by, to_char(identify_by, 'YYYY-MM-DD') AS identify_by,
                   to_char(verified_on, 'YYYY-MM-DD') AS verified_on, outcome,
                   income_per_capita_fen::float8 AS income_per_capita_fen, category
              FROM ${t.alerts} WHERE household_id = ANY($1::uuid[])`,
      expected: (id, _h, state) => withoutHousehold(alertRows(id, state)),
    },
    {
      table: t.monitoring,
      sql: `SELECT household_id, period, category, risks, to_char(started_on, 'YYYY-MM-DD') AS started_on,
                   to_char(ended_on, 'YYYY-MM-DD') AS ended_on, ended
              FROM ${t.monitoring} WHERE household_id = ANY($1::uuid[])`,
      expected: (id, _h, state) => withoutHousehold(monitoringRows(id, state)),
    },
    {
      table: t.history,
      sql: `SELECT household_id, status, member_count AS "memberCount", attribute, monitoring_category AS "monitoringCategory", county_code AS "countyCode", township_code AS "townshipCode",
                   village_code AS "villageCode", to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(effective_to, 'YYYY-MM-DD') AS "effectiveTo"
              FROM ${t.history} WHERE household_id = ANY($1::uuid[]) AND recorded_to IS NULL`,
      expected: (_id, _history, _state, timeline) => timeline,
    },
    {
      table: t.audit,
      sql: `SELECT household_id, event_id, revision::float8 AS revision, event_type, actor_id, to_char(effective_at, 'YYYY-MM-DD') AS effective_at
              FROM ${t.audit} WHERE household_id = ANY($1::uuid[])`,
      expected: (_id, history) =>
        history.map((e) => ({
          event_id: e.id,
          revision: e.revision,
          event_type: e.type,
          actor_id: e.metadata.actor.id,
          effective_at: e.effectiveAt,
        })),
    },
  ];
  // The households' years for the indicators, once built: as the log's fold gives them.
  if (yearsBuilt) {
    const keptOf = new Map<string, ReturnType<typeof keptYearsOf>>();
    const kept = (id: string, history: HistoryEvent[], timeline: Row[]) => {
      let rows = keptOf.get(id);
      if (!rows) {
        rows = keptYearsOf(id, history, timeline as unknown as YearInterval[]);
        keptOf.set(id, rows);
      }
      return rows;
    };
    tables.push(
      {
        table: t.years,
        sql: `SELECT ${YEAR_FACT_COLUMNS.map((c) => (c === 'planned_fen' ? 'planned_fen::float8 AS planned_fen' : c)).join(', ')}
                FROM ${t.years} WHERE household_id = ANY($1::uuid[])`,
        expected: (id, history, _state, timeline) => withoutHousehold(kept(id, history, timeline).years),
      },
      {
        table: t.yearFunds,
        sql: `SELECT ${YEAR_FUND_COLUMNS.map((c) => (c.endsWith('_fen') ? `${c}::float8 AS ${c}` : c)).join(', ')}
                FROM ${t.yearFunds} WHERE household_id = ANY($1::uuid[])`,
        expected: (id, history, _state, timeline) => {
          const rows = withoutHousehold(kept(id, history, timeline).funds);
          keptOf.delete(id);
          return rows;
        },
      },
    );
  }

  // The next chunk is read while this one is folded and compared.
  const load = async (chunk: string[]) => {
    const [read, households, ...stored] = await Promise.all([
      store.readStreams(chunk.map(householdStream)),
      rowsByHousehold(
        pool,
        `SELECT household_id, county_code, township_code, village_code, status, card_number, attribute, main_cause, other_causes,
                helper_id, helper_name, helper_unit, member_count, latest_assessment_year, latest_income_fen::float8 AS latest_income_fen,
                monitoring_category, exit_count, exits_missing_evidence, return_count, open_case, version::float8 AS version,
                to_char(last_effective_at, 'YYYY-MM-DD') AS last_effective_at
           FROM ${t.households} WHERE household_id = ANY($1::uuid[])`,
        chunk,
      ),
      ...tables.map((table) => rowsByHousehold(pool, table.sql, chunk)),
    ]);
    return { chunk, read, households, stored };
  };
  const quiet = <T>(promise: Promise<T>) => {
    promise.catch(() => {});
    return promise;
  };
  let next = ids.length > 0 ? quiet(load(ids.slice(0, CHUNK))) : undefined;
  for (let i = 0; next; i += CHUNK) {
    const { chunk, read, households, stored } = await next;
    next = i + CHUNK < ids.length ? quiet(load(ids.slice(i + CHUNK, i + 2 * CHUNK))) : undefined;
    for (const householdId of chunk) {
      const history = (read.get(householdStream(householdId)) ?? []).map(toHistoryEvent);
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
      const { state: _state, state_shape: _shape, updated_at: _u, household_id: _id, ...expectedColumns } = expected;
      const actual = households.get(householdId)?.[0];
      if (state.status !== 'none') {
        if (!actual) differences.push({ householdId, table: t.households, detail: 'missing row' });
        else if (canonical([actual]) !== canonical([expectedColumns])) {
          differences.push({
            householdId,
            table: t.households,
            detail: `expected ${JSON.stringify(expectedColumns)}, found ${JSON.stringify(actual)}`,
          });
        }
      }
      const timeline = effectiveTimeline(history) as unknown as Row[];
      tables.forEach((table, k) => {
        const rows = table.expected(householdId, history, state, timeline);
        const found = stored[k]?.get(householdId) ?? [];
        if (canonical(found) !== canonical(rows)) {
          differences.push({
            householdId,
            table: table.table,
            detail: `expected ${JSON.stringify(rows)}, found ${JSON.stringify(found)}`,
          });
        }
      });
    }
    onProgress?.({ households: Math.min(i + CHUNK, ids.length), events, of: ids.length });
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
  return { households: ids.length, events, differences };
}
