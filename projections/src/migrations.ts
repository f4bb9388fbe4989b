import type { Migration } from '@registry/postgres';
import type pg from 'pg';
import { AREA_YEAR_COLUMNS, AREA_YEAR_FUND_COLUMNS, areaYearFundsSql, areaYearsSql } from './area-years.js';
import { MONITORING_COLUMNS, monitoringPeriodsSql } from './monitoring-periods.js';

/** Checkpoints and failures of every projection (shared by all of them). */
export const RUNNER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'projection checkpoints',
    sql: `
CREATE TABLE projection_checkpoints (
  name text PRIMARY KEY,
  position text,
  status text NOT NULL DEFAULT 'running',
  error text,
  failed_position text,
  updated_at timestamptz NOT NULL DEFAULT now()
);`,
  },
  {
    version: 2,
    name: 'active projection versions',
    sql: `
-- Which version of a projection family serves queries; a rebuild switches it when caught up.
CREATE TABLE projection_active (
  family text PRIMARY KEY,
  version integer NOT NULL CHECK (version >= 1),
  switched_at timestamptz NOT NULL DEFAULT now()
);`,
  },
  {
    version: 3,
    name: 'bulk build progress',
    sql: `
-- A build from the start folds stream by stream up to bulk_head (a log position fixed when
-- it began); bulk_after is the last stream name committed. Both are cleared when the
-- checkpoint takes over.
ALTER TABLE projection_checkpoints ADD COLUMN bulk_head text, ADD COLUMN bulk_after text;`,
  },
];

/**
 * Read models of the registry projection. Tables carry the projection's version as a
 * suffix, so a rebuild builds the next version beside the one serving. Only the keys and
 * the index the projection itself reads by are created here; the query indexes come with
 * `registryIndexes` once the projection has caught up, as bulk loads do.
 */
export function registryTables(version: number): Migration[] {
  const v = `_v${version}`;
  const kept = {
    years: `rm_household_years${v}`,
    yearFunds: `rm_household_year_funds${v}`,
    areaYears: `rm_area_years${v}`,
    areaYearFunds: `rm_area_year_funds${v}`,
  };
  return [
    {
      version: 1,
      name: `registry read models v${version}`,
      sql: `
CREATE TABLE rm_households${v} (
  household_id uuid PRIMARY KEY,
  county_code text, township_code text, village_code text,
  status text NOT NULL,
  card_number text, attribute text, main_cause text, other_causes text[] NOT NULL DEFAULT '{}',
  helper_id text, helper_name text, helper_unit text,
  member_count integer NOT NULL,
  latest_assessment_year integer, latest_income_fen bigint,
  monitoring_category text,
  exit_count integer NOT NULL, return_count integer NOT NULL,
  -- Exits whose assessment was later voided or is otherwise gone from the history.
  exits_missing_evidence integer NOT NULL,
  open_case text,
  version bigint NOT NULL,
  last_effective_at date NOT NULL,
  updated_at timestamptz NOT NULL,
  state jsonb NOT NULL
);

CREATE TABLE rm_members${v} (
  household_id uuid NOT NULL, member_id uuid NOT NULL,
  national_id text NOT NULL, name text NOT NULL, sex text NOT NULL, birth_date date NOT NULL,
  relation text NOT NULL, health text NOT NULL, disability_grade integer,
  labour_capacity text NOT NULL, schooling text NOT NULL,
  basic_medical boolean NOT NULL, serious_illness boolean NOT NULL, pension boolean NOT NULL,
  PRIMARY KEY (household_id, member_id)
);

CREATE TABLE rm_measures${v} (
  household_id uuid NOT NULL, measure_id uuid NOT NULL,
  category text NOT NULL, funding_source text NOT NULL, year integer NOT NULL,
  description text NOT NULL, amount_fen bigint NOT NULL, delivered_fen bigint NOT NULL,
  PRIMARY KEY (household_id, measure_id)
);

CREATE TABLE rm_visits${v} (
  household_id uuid NOT NULL, visit_id uuid NOT NULL,
  helper_id text NOT NULL, visited_on date NOT NULL,
  PRIMARY KEY (household_id, visit_id)
);

-- Intervals on both clocks: the status was this from effective_from (inclusive) to
-- effective_to (exclusive, null = open), as known from recorded_from to recorded_to
-- (null = still the current knowledge). Rows are never updated except to close recorded_to.
CREATE TABLE rm_status_history${v} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  household_id uuid NOT NULL,
  status text NOT NULL, member_count integer NOT NULL, attribute text, monitoring_category text,
  county_code text, township_code text, village_code text,
  effective_from date NOT NULL, effective_to date,
  recorded_from timestamptz NOT NULL, recorded_to timestamptz
);
CREATE INDEX ON rm_status_history${v} (household_id) WHERE recorded_to IS NULL;

CREATE TABLE rm_audit${v} (
  position text PRIMARY KEY,
  event_id uuid NOT NULL, household_id uuid NOT NULL, revision bigint NOT NULL,
  event_type text NOT NULL,
  actor_id text NOT NULL, actor_role text NOT NULL, actor_unit text NOT NULL,
  recorded_at timestamptz NOT NULL, effective_at date NOT NULL,
  reason text, command_id text, correlation_id uuid, causation_id uuid,
  county_code text, township_code text, village_code text,
  changes jsonb NOT NULL
);
`,
    },
    {
      version: 2,
      name: `registry read models v${version}: cheaper bulk writes`,
      // Positions are hex tokens: byte order is log order, and "C" comparisons are several
      // times cheaper than the database's locale. Their unique index comes with the query
      // indexes after the bulk load (maintaining it row by row doubled the audit's cost).
      // The snapshot and event data are stored as json (checked text) rather than jsonb:
      // nothing queries inside them by key, and jsonb's parse dominated the roll upsert.
      sql: `
ALTER TABLE rm_audit${v} DROP CONSTRAINT rm_audit${v}_pkey;
ALTER TABLE rm_audit${v} ALTER COLUMN position TYPE text COLLATE "C";
ALTER TABLE rm_audit${v} ALTER COLUMN changes TYPE json;
ALTER TABLE rm_households${v} ALTER COLUMN state TYPE json;
`,
    },
    {
      version: 3,
      name: `registry read models v${version}: the shape of stored states`,
      // The roll keeps each household's folded state for the projection to go on from; rows
      // stored before shapes were numbered count as shape 1 (see STATE_SHAPE).
      sql: `ALTER TABLE rm_households${v} ADD COLUMN state_shape integer NOT NULL DEFAULT 1;`,
    },
    {
      version: 4,
      name: `registry read models v${version}: households' years for the indicators`,
      // Kept per household and year with the definitions of year-facts.ts; filled when the
      // projection first catches up (rm_household_years_built says it was), then kept
      // for each household an event touches. Small beside the audit: indexed from the start.
      sql: `
CREATE TABLE rm_household_years${v} (
  household_id uuid NOT NULL, year integer NOT NULL, last boolean NOT NULL,
  county_code text, township_code text, village_code text,
  status text NOT NULL, people integer NOT NULL, monitored boolean NOT NULL, attribute text,
  visits integer NOT NULL, cause boolean NOT NULL, helper boolean NOT NULL,
  measures integer NOT NULL, planned_fen bigint NOT NULL,
  exits_approved integer NOT NULL, exits_imported integer NOT NULL, exits_annulled integer NOT NULL,
  returns integer NOT NULL, removals integer NOT NULL, natural_decreases integer NOT NULL,
  registrations_approved integer NOT NULL, households_imported integer NOT NULL,
  exits_missing_evidence integer NOT NULL,
  PRIMARY KEY (household_id, year)
);
CREATE INDEX ON rm_household_years${v} (county_code, year);
CREATE INDEX ON rm_household_years${v} (township_code, year);
CREATE INDEX ON rm_household_years${v} (village_code, year);
CREATE INDEX ON rm_household_years${v} (county_code, year) WHERE last;
CREATE INDEX ON rm_household_years${v} (township_code, year) WHERE last;
CREATE INDEX ON rm_household_years${v} (village_code, year) WHERE last;
CREATE TABLE rm_household_year_funds${v} (
  household_id uuid NOT NULL, year integer NOT NULL,
  county_code text, township_code text, village_code text,
  category text, funding_source text, planned_fen bigint NOT NULL, delivered_fen bigint NOT NULL
);
CREATE INDEX ON rm_household_year_funds${v} (household_id);
CREATE INDEX ON rm_household_year_funds${v} (county_code, year);
CREATE INDEX ON rm_household_year_funds${v} (township_code, year);
CREATE INDEX ON rm_household_year_funds${v} (village_code, year);
CREATE TABLE rm_household_years_built${v} (built_at timestamptz NOT NULL);
`,
    },
    {
      version: 5,
      name: `registry read models v${version}: the households' years rolled up by village`,
      // See area-years.ts. Kept years built before this version are rolled up here; otherwise
      // the first catch-up builds both.
      sql: `
CREATE TABLE rm_area_years${v} (
  county_code text NOT NULL, township_code text NOT NULL, village_code text NOT NULL,
  year integer NOT NULL, last boolean NOT NULL, status text NOT NULL,
  households integer NOT NULL, people bigint NOT NULL, monitored integer NOT NULL,
  exits_approved integer NOT NULL, exits_imported integer NOT NULL, exits_annulled integer NOT NULL,
  returns integer NOT NULL, removals integer NOT NULL, natural_decreases integer NOT NULL,
  registrations_approved integer NOT NULL, households_imported integer NOT NULL,
  exits_missing_evidence integer NOT NULL,
  no_cause integer NOT NULL, no_attribute integer NOT NULL, no_measures integer NOT NULL,
  no_helper integer NOT NULL, no_funds integer NOT NULL, complete integer NOT NULL,
  visits jsonb NOT NULL,
  PRIMARY KEY (village_code, year, last, status, county_code, township_code)
);
CREATE INDEX ON rm_area_years${v} (county_code, year);
CREATE INDEX ON rm_area_years${v} (township_code, year);
CREATE TABLE rm_area_year_funds${v} (
  county_code text NOT NULL, township_code text NOT NULL, village_code text NOT NULL, year integer NOT NULL,
  category text, funding_source text, planned_fen bigint NOT NULL, delivered_fen bigint NOT NULL,
  fund_rows integer NOT NULL
);
CREATE INDEX ON rm_area_year_funds${v} (village_code, year);
CREATE INDEX ON rm_area_year_funds${v} (township_code, year);
CREATE INDEX ON rm_area_year_funds${v} (county_code, year);
INSERT INTO rm_area_years${v} (${AREA_YEAR_COLUMNS.join(', ')}) ${areaYearsSql(kept, 'true')};
INSERT INTO rm_area_year_funds${v} (${AREA_YEAR_FUND_COLUMNS.join(', ')}) ${areaYearFundsSql(kept, 'true')};
`,
    },
    {
      version: 6,
      name: `registry read models v${version}: the households' years indexed by area once caught up`,
      // A build from the start now writes the kept years with the other rows (year-facts-fold.ts):
      // their area indexes are built with the query indexes at the catch-up (registryIndexes,
      // same names), not kept row by row through the load. Kept: the keys the live path reads by.
      sql: `
DROP INDEX IF EXISTS rm_household_years${v}_county_code_year_idx, rm_household_years${v}_township_code_year_idx,
  rm_household_years${v}_village_code_year_idx, rm_household_years${v}_county_code_year_idx1,
  rm_household_years${v}_township_code_year_idx1, rm_household_years${v}_village_code_year_idx1,
  rm_household_year_funds${v}_county_code_year_idx, rm_household_year_funds${v}_township_code_year_idx,
  rm_household_year_funds${v}_village_code_year_idx;
`,
    },
    {
      version: 7,
      name: `registry read models v${version}: risk alerts (风险预警) and their verification`,
      // Alerts came with their own event types: a log written before them holds none, so the
      // table starts empty and right, with no rebuild.
      sql: `
CREATE TABLE rm_alerts${v} (
  household_id uuid NOT NULL, alert_id uuid NOT NULL,
  channel text NOT NULL, department text, risks text[] NOT NULL, detail text NOT NULL,
  raised_on date NOT NULL, verify_by date NOT NULL, identify_by date NOT NULL,
  verified_on date, outcome text, income_per_capita_fen bigint, category text,
  PRIMARY KEY (household_id, alert_id)
);
CREATE INDEX ON rm_alerts${v} (verify_by) WHERE verified_on IS NULL;
`,
    },
    {
      version: 8,
      name: `registry read models v${version}: monitoring periods (防返贫监测), kept for the indicators`,
      // Households monitored before this table existed have their periods worked out from the
      // audit trail by the indicators' own definition (monitoring-indicators.ts).
      sql: `
CREATE TABLE rm_monitoring${v} (
  household_id uuid NOT NULL, period integer NOT NULL,
  category text NOT NULL, risks text[] NOT NULL, started_on date NOT NULL, ended_on date, ended text,
  PRIMARY KEY (household_id, period)
);
INSERT INTO rm_monitoring${v} (${MONITORING_COLUMNS.join(', ')})
  ${monitoringPeriodsSql({ audit: `rm_audit${v}` }, "'infinity'::timestamptz")};
`,
    },
  ];
}

/**
 * Query indexes of the registry read models, created when the projection first catches up
 * (as bulk loads do: maintaining them row by row would double the writes). Named as
 * PostgreSQL names them by default, so tables built before these were statements find them.
 */
export function registryIndexes(version: number): { name: string; sql: string }[] {
  const v = `_v${version}`;
  const index = (table: string, columns: string[], unique = false, name?: string, where?: string) => {
    const indexName = name ?? `${table}${v}_${columns.join('_')}_idx`;
    return {
      name: indexName,
      sql: `CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${indexName} ON ${table}${v} (${columns.join(', ')})${where ? ` WHERE ${where}` : ''}`,
    };
  };
  /** A partial index on the same columns as another: PostgreSQL's default name with a 1. */
  const partial = (table: string, columns: string[], where: string) =>
    index(table, columns, false, `${table}${v}_${columns.join('_')}_idx1`, where);
  return [
    // The largest first: two builders share them out.
    index('rm_audit', ['position'], true, `rm_audit${v}_position`),
    index('rm_audit', ['household_id', 'revision']),
    index('rm_audit', ['actor_id', 'recorded_at']),
    index('rm_audit', ['county_code', 'recorded_at']),
    index('rm_audit', ['event_type', 'recorded_at']),
    // Indicators: an area's events of a type effective in a year.
    index('rm_audit', ['county_code', 'event_type', 'effective_at']),
    // Indicators: the last recording, to know whether the kept years answer (see year-facts.ts).
    index('rm_audit', ['recorded_at']),
    // Indicators as known at an earlier time, the roll-up amended: the status of each household
    // recorded since, as known then (the migration's index holds current rows only).
    index('rm_status_history', ['household_id', 'recorded_from']),
    index('rm_status_history', ['county_code', 'effective_from']),
    index('rm_status_history', ['township_code', 'effective_from']),
    index('rm_status_history', ['village_code', 'effective_from']),
    index('rm_households', ['village_code']),
    index('rm_households', ['township_code']),
    index('rm_households', ['county_code', 'status']),
    index('rm_members', ['national_id']),
    // The households' years by area (the amended way of the indicators; the live roll-up reads
    // by village and year), and their last rows (which stand for every later year).
    index('rm_household_years', ['village_code', 'year']),
    index('rm_household_years', ['township_code', 'year']),
    index('rm_household_years', ['county_code', 'year']),
    partial('rm_household_years', ['village_code', 'year'], 'last'),
    partial('rm_household_years', ['township_code', 'year'], 'last'),
    partial('rm_household_years', ['county_code', 'year'], 'last'),
    index('rm_household_year_funds', ['village_code', 'year']),
    index('rm_household_year_funds', ['township_code', 'year']),
    index('rm_household_year_funds', ['county_code', 'year']),
  ];
}

/**
 * Builds indexes with `builders` connections at once (each index under an advisory lock, so
 * two processes never race on one name), with room to sort in memory.
 */
export async function buildIndexes(
  pool: pg.Pool,
  indexes: { name: string; sql: string }[],
  builders = 2,
): Promise<void> {
  const queue = [...indexes];
  const builder = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`index:${next.name}`]);
        await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
        await client.query(next.sql);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    }
  };
  await Promise.all(Array.from({ length: builders }, builder));
}

/** Area reference data (rural population per year), from `area-<code>` streams. */
export function referenceTables(version: number): Migration[] {
  const v = `_v${version}`;
  return [
    {
      version: 1,
      name: `reference read models v${version}`,
      sql: `
CREATE TABLE rm_area_population${v} (
  area_code text NOT NULL, year integer NOT NULL, population bigint NOT NULL,
  recorded_at timestamptz NOT NULL, position text NOT NULL,
  PRIMARY KEY (area_code, year)
);`,
    },
    {
      version: 2,
      name: `reference read models v${version}: every population figure, by when it was recorded`,
      // Figures recorded before this table existed are known by their latest value only.
      sql: `
CREATE TABLE rm_area_population_history${v} (
  area_code text NOT NULL, year integer NOT NULL, population bigint NOT NULL,
  recorded_at timestamptz NOT NULL, position text NOT NULL PRIMARY KEY
);
CREATE INDEX ON rm_area_population_history${v} (area_code, year, recorded_at);
INSERT INTO rm_area_population_history${v} SELECT area_code, year, population, recorded_at, position FROM rm_area_population${v};`,
    },
    {
      version: 3,
      name: `reference read models v${version}: poor villages and area exits`,
      sql: `
CREATE TABLE rm_area_records${v} (
  area_code text PRIMARY KEY,
  poor_since_year integer, designated_on date, designated_recorded_at timestamptz,
  exit_step text, exit_year integer, exited_on date, exited_recorded_at timestamptz
);`,
    },
    {
      version: 4,
      name: `reference read models v${version}: the division register's changes (names, mergers) by date`,
      sql: `
CREATE TABLE rm_area_changes${v} (
  position text PRIMARY KEY,
  area_code text NOT NULL, effective_on date NOT NULL, recorded_at timestamptz NOT NULL,
  name text, merged_into text
);
CREATE INDEX ON rm_area_changes${v} (area_code, effective_on);
CREATE INDEX ON rm_area_changes${v} (substr(area_code, 1, 9), effective_on);`,
    },
  ];
}
