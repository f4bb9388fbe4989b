import type { EventStore, RecordedEvent } from '@registry/eventstore';
import { migrate } from '@registry/postgres';
import {
  evolve,
  foldHistory,
  type HistoryEvent,
  type HouseholdState,
  initialState,
  STATE_SHAPE,
  stateAtRevision,
  toHistoryEvent,
} from '@registry/registry';
import { countyOf, HOUSEHOLD_STREAM_PREFIX, householdStream, townshipOf } from '@registry/schema';
import type pg from 'pg';
import { CopyLines, type CopyPayload, copyField, copyIn, copyPayload } from './copy.js';
import { buildIndexes, registryIndexes, registryTables } from './migrations.js';
import {
  alertRows,
  changesRoll,
  effectiveTimeline,
  householdRow,
  measureRows,
  memberRows,
  monitoringRows,
  ROLL_EVENT_TYPES,
  type RollFields,
  rollFields,
  sameRoll,
  visitRows,
} from './rows.js';
import type { Projection } from './runner.js';
import { affectedFrom, buildYearFacts, refreshYearFacts, YEAR_FACT_COLUMNS, YEAR_FUND_COLUMNS } from './year-facts.js';
import { keptYearsOf } from './year-facts-fold.js';

interface OpenInterval extends RollFields {
  /** Set when the row is already in the table. */
  id?: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  recordedFrom: string;
}

interface Working {
  householdId: string;
  state: HouseholdState;
  version: number;
  lastEffectiveAt: string;
  updatedAt: string;
  open: OpenInterval[];
  /** Child tables to rewrite for this household (from its state), or 'all' after a refold. */
  rewrite: Set<ChildTable> | 'all';
  /** Visits recorded in this batch, appended without rewriting the household's others. */
  newVisits: string[];
  /** The stored state is of another shape than this code's (STATE_SHAPE): fold it again. */
  staleState?: boolean;
}

/** Which child table an event changes, when the household is not refolded. */
type ChildTable = 'members' | 'measures' | 'visits' | 'alerts' | 'monitoring';

const CHILD_TABLE: Partial<Record<string, readonly Exclude<ChildTable, 'visits'>[]>> = {
  RiskAlertRaised: ['alerts', 'members'],
  RiskAlertVerified: ['alerts'],
  ApplicationSubmitted: ['members'],
  HouseholdImported: ['members'],
  MonitoringStarted: ['members', 'monitoring'],
  MonitoringEnded: ['monitoring'],
  NaturalDecreaseRecorded: ['monitoring'],
  ReturnedToPoverty: ['monitoring'],
  MemberAdded: ['members'],
  MemberRemoved: ['members'],
  MemberUpdated: ['members'],
  AssistancePlanned: ['measures'],
  AssistanceDelivered: ['measures'],
};

/** A household's state as the roll stores it, with the shape it was stored in and its revision. */
export interface StoredState {
  householdId: string;
  state: HouseholdState;
  stateShape: number;
  version: number;
}

/** A household's whole stream (to refold it), or only what can change its status history. */
type HistoryScope = 'all' | 'roll';

/** Whether a stored event can change the status history, read before parsing it (stored events were validated on append). */
const isRollRecord = (r: RecordedEvent): boolean =>
  r.type === 'EventCorrected'
    ? ROLL_EVENT_TYPES.has(String((r.data as { correctedType?: unknown } | null)?.correctedType))
    : ROLL_EVENT_TYPES.has(r.type);

/** A fold gives the event loop back this often (ms): requests and health checks go on meanwhile. */
const YIELD_EVERY_MS = 5;

/** An event the projection cannot fold; `failedPosition` is where it lies in the log (the runner records it). */
export class EventProjectionError extends Error {
  constructor(
    message: string,
    readonly failedPosition: string,
  ) {
    super(message);
  }
}

interface Changes {
  closes: { id: string; recordedTo: string }[];
  inserts: (OpenInterval & { householdId: string; recordedTo: string | null })[];
  /** Audit rows, one per event, in COPY format (AUDIT_COLUMNS). */
  audit: CopyLines;
  /** A build's kept years of its households (year-facts-fold.ts), written with their other rows. */
  years?: { years: Record<string, unknown>[]; funds: Record<string, unknown>[] };
}

const emptyWorking = (householdId: string): Working => ({
  householdId,
  state: initialState(),
  version: -1,
  lastEffectiveAt: '0000-01-01',
  updatedAt: '',
  open: [],
  rewrite: new Set(),
  newVisits: [],
});

/** The roll's columns in table order (the staging table is made LIKE it). */
const HOUSEHOLD_COLUMNS = [
  'household_id',
  'county_code',
  'township_code',
  'village_code',
  'status',
  'card_number',
  'attribute',
  'main_cause',
  'other_causes',
  'helper_id',
  'helper_name',
  'helper_unit',
  'member_count',
  'latest_assessment_year',
  'latest_income_fen',
  'monitoring_category',
  'exit_count',
  'return_count',
  'exits_missing_evidence',
  'open_case',
  'version',
  'last_effective_at',
  'updated_at',
  'state',
  'state_shape',
];

const HISTORY_COLUMNS = [
  'household_id',
  'status',
  'member_count',
  'attribute',
  'monitoring_category',
  'county_code',
  'township_code',
  'village_code',
  'effective_from',
  'effective_to',
  'recorded_from',
  'recorded_to',
];
const AUDIT_COLUMNS = [
  'position',
  'event_id',
  'household_id',
  'revision',
  'event_type',
  'actor_id',
  'actor_role',
  'actor_unit',
  'recorded_at',
  'effective_at',
  'reason',
  'command_id',
  'correlation_id',
  'causation_id',
  'county_code',
  'township_code',
  'village_code',
  'changes',
];

/**
 * The registry's read models: the roll (one row per household), members, measures, visits,
 * the two-clock status history and the audit trail. Tables are suffixed with the version.
 */
export class RegistryProjection implements Projection {
  readonly name: string;
  readonly filter = { streamPrefixes: [HOUSEHOLD_STREAM_PREFIX] };
  readonly tables: Record<
    | 'households'
    | 'members'
    | 'measures'
    | 'visits'
    | 'alerts'
    | 'monitoring'
    | 'history'
    | 'audit'
    | 'years'
    | 'yearFunds'
    | 'yearsBuilt'
    | 'areaYears'
    | 'areaYearFunds',
    string
  >;
  /** Milliseconds spent per phase, for benchmarks and profiling. */
  readonly timings: Record<string, number> = {};

  constructor(
    private readonly store: EventStore,
    readonly version = 1,
  ) {
    this.name = `registry_v${version}`;
    const v = `_v${version}`;
    this.tables = {
      households: `rm_households${v}`,
      members: `rm_members${v}`,
      measures: `rm_measures${v}`,
      visits: `rm_visits${v}`,
      alerts: `rm_alerts${v}`,
      monitoring: `rm_monitoring${v}`,
      history: `rm_status_history${v}`,
      audit: `rm_audit${v}`,
      years: `rm_household_years${v}`,
      yearFunds: `rm_household_year_funds${v}`,
      yearsBuilt: `rm_household_years_built${v}`,
      areaYears: `rm_area_years${v}`,
      areaYearFunds: `rm_area_year_funds${v}`,
    };
  }

  async setUp(pool: pg.Pool): Promise<void> {
    await migrate(pool, this.name, registryTables(this.version));
    // Kept since an earlier run: keep them from the first batch on.
    this.yearsKept = ((await pool.query(`SELECT 1 FROM ${this.tables.yearsBuilt} LIMIT 1`)).rowCount ?? 0) > 0;
  }

  private indexed = false;
  /** Whether the households' years are kept (see year-facts.ts): built once, then kept by `apply`. */
  private yearsKept = false;

  async onCaughtUp(pool: pg.Pool): Promise<void> {
    if (this.indexed) return;
    await buildIndexes(pool, registryIndexes(this.version));
    this.yearsKept = await buildYearFacts(pool, this.tables);
    this.indexed = true;
  }

  private async timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.timings[phase] = (this.timings[phase] ?? 0) + performance.now() - start;
    }
  }

  /**
   * The states of roll rows, each in this code's shape: a row stored in another shape (after
   * an upgrade, until its household next changes) is folded again from its events, up to the
   * row's revision, so readers never see a shape they do not know.
   */
  async currentStates(rows: readonly StoredState[]): Promise<HouseholdState[]> {
    const stale = rows.filter((r) => r.stateShape !== STATE_SHAPE);
    if (stale.length === 0) return rows.map((r) => r.state);
    const streams = await this.store.readStreams(stale.map((r) => householdStream(r.householdId)));
    return rows.map((r) =>
      r.stateShape === STATE_SHAPE
        ? r.state
        : stateAtRevision(this.parse(streams.get(householdStream(r.householdId)) ?? []), r.version),
    );
  }

  private parse(recorded: readonly RecordedEvent[]): HistoryEvent[] {
    return recorded.map((r) => {
      try {
        return toHistoryEvent(r);
      } catch (error) {
        throw new EventProjectionError(
          `event ${r.id} at ${r.position} (${r.streamName}@${r.revision}, ${r.type}) cannot be projected: ${(error as Error).message}`,
          r.position,
        );
      }
    });
  }

  async apply(recorded: RecordedEvent[], tx: pg.PoolClient): Promise<void> {
    const events = this.parse(recorded);
    const householdIds = [...new Set(events.map((e) => e.householdId))];
    const working = await this.timed('load', () => this.load(tx, householdIds));
    // Households whose past changes in this batch (a correction, or an event effective before
    // one already seen) are refolded from their streams: read them all in one go.
    const refold = new Set<string>();
    for (const w of working.values()) if (w.staleState) refold.add(w.householdId);
    const maxSeen = new Map([...working.values()].map((w) => [w.householdId, w.lastEffectiveAt]));
    for (const e of events) {
      const seen = maxSeen.get(e.householdId) as string;
      if (e.type === 'EventCorrected' || (e.effectiveAt < seen && changesRoll(e))) refold.add(e.householdId);
      if (e.effectiveAt > seen) maxSeen.set(e.householdId, e.effectiveAt);
    }
    const streams =
      refold.size === 0
        ? new Map<string, RecordedEvent[]>()
        : await this.timed('refold read', () => this.store.readStreams([...refold].map(householdStream)));
    // Parsed when first needed, and only as much as needed: a late roll event needs the roll
    // events (and corrections of them) alone, a few among a long household's visits.
    const parsed = new Map<string, HistoryEvent[]>();
    const historyOf = (householdId: string, scope: HistoryScope) => {
      const key = `${scope}:${householdId}`;
      let history = parsed.get(key);
      if (!history) {
        const stream = streams.get(householdStream(householdId)) ?? [];
        history = this.parse(scope === 'all' ? stream : stream.filter(isRollRecord));
        parsed.set(key, history);
      }
      return history;
    };
    for (const w of working.values()) {
      if (w.staleState) w.state = stateAtRevision(historyOf(w.householdId, 'all'), w.version);
    }
    const changes = await this.fold(events, working, historyOf);
    await this.prepareWrite([...working.values()], changes, false)(tx);
    // Before the first catch-up they are not kept (the audit has no index to read by yet): the
    // touched households' rows are dropped, and built at the catch-up (buildYearFacts builds
    // those of every household that has none).
    if (!this.yearsKept) {
      await this.timed('years', async () => {
        await tx.query(`DELETE FROM ${this.tables.years} WHERE household_id = ANY($1::uuid[])`, [householdIds]);
        await tx.query(`DELETE FROM ${this.tables.yearFunds} WHERE household_id = ANY($1::uuid[])`, [householdIds]);
      });
    } else {
      // Only the years the batch's events can have changed (a refolded household: all of them).
      const fromYear = new Map<string, number>();
      for (const e of events) {
        const from = refold.has(e.householdId) ? 0 : affectedFrom(e);
        fromYear.set(e.householdId, Math.min(from, fromYear.get(e.householdId) ?? from));
      }
      await this.timed('years', () => refreshYearFacts(tx, this.tables, householdIds, true, fromYear));
    }
  }

  /**
   * Whole streams of households the tables hold nothing of yet (a build from the start):
   * folded here, written by the returned function. Same fold and rows as `apply`.
   */
  async bulk(streams: readonly (readonly RecordedEvent[])[]): Promise<(tx: pg.PoolClient) => Promise<void>> {
    const working = new Map<string, Working>();
    const changes: Changes = { closes: [], inserts: [], audit: new CopyLines(), years: { years: [], funds: [] } };
    const years = changes.years as NonNullable<Changes['years']>;
    let slice = performance.now();
    for (const stream of streams) {
      const start = performance.now();
      const history = this.parse(stream);
      const first = history[0];
      if (!first) continue;
      const w: Working = { ...emptyWorking(first.householdId), rewrite: 'all' };
      working.set(first.householdId, w);
      const roll = history.filter(changesRoll);
      await this.fold(
        history,
        new Map([[w.householdId, w]]),
        (_id, scope) => (scope === 'all' ? history : roll),
        changes,
      );
      const kept = keptYearsOf(w.householdId, history, w.open);
      for (const row of kept.years) years.years.push(row);
      for (const row of kept.funds) years.funds.push(row);
      const now = performance.now();
      this.timings.fold = (this.timings.fold ?? 0) + now - start;
      // Let the connections work between households: the previous chunk's COPY and the next
      // chunk's read need the event loop for every protocol step.
      if (now - slice > 1) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    }
    return this.prepareWrite([...working.values()], changes, true);
  }

  /**
   * Folds events into the working households and works out the status history rows to
   * close and to insert, and the audit rows. Each household's events come in revision order.
   * `historyOf` gives a household's stream, for corrections and late records.
   *
   * Cost: an event costs its evolve, but a correction (a refold of its household) and a late
   * record of a roll event (the household's status history worked out again from its roll
   * events); a late visit or any other record that cannot change the status history costs
   * what a timely one does. It yields to the event loop every few milliseconds, so a batch of
   * late records on long households does not hold up requests (health checks included).
   */
  private async fold(
    events: readonly HistoryEvent[],
    working: Map<string, Working>,
    historyOf: (householdId: string, scope: HistoryScope) => readonly HistoryEvent[],
    into: Changes = { closes: [], inserts: [], audit: new CopyLines() },
  ): Promise<Changes> {
    const { closes, inserts, audit } = into;
    const f = copyField;

    const close = (w: Working, row: OpenInterval, at: string) => {
      if (row.id) closes.push({ id: row.id, recordedTo: at });
      else if (row.recordedFrom !== at) inserts.push({ ...row, householdId: w.householdId, recordedTo: at });
    };
    /** The status history as known from `at`: the open rows closed, the whole timeline again. */
    const retimeline = (w: Working, history: readonly HistoryEvent[], at: string) => {
      for (const row of w.open) close(w, row, at);
      w.open = effectiveTimeline(history).map((i) => ({ ...i, recordedFrom: at }));
    };

    let slice = performance.now();
    for (const event of events) {
      if (performance.now() - slice > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const w = working.get(event.householdId) as Working;
      if (event.revision !== w.version + 1) {
        throw new EventProjectionError(
          `household ${w.householdId}: event at revision ${event.revision} follows ${w.version}; the log skipped or repeated an event`,
          event.position,
        );
      }
      // The household's recording clock: never earlier than its last event's (EventStoreDB's
      // leader clock can step back on a failover), so its intervals on that clock stay ordered.
      // biome-ignore lint/complexity/useMathMinMax: ISO timestamps compared as strings, not numbers
      const at = event.recordedAt > w.updatedAt ? event.recordedAt : w.updatedAt;
      if (event.type === 'EventCorrected') {
        // The past changed: refold the household from its stream, as known at this event.
        const history = historyOf(w.householdId, 'all').filter((r) => r.revision <= event.revision);
        w.state = foldHistory(history);
        w.rewrite = 'all';
        if (changesRoll(event)) retimeline(w, history, at);
      } else {
        // In stream order a late record folds like any other; only the status history, which
        // is ordered by effective date, needs working out again when it can change.
        w.state = evolve(w.state, event);
        const rewrite = w.rewrite;
        if (rewrite !== 'all') for (const child of CHILD_TABLE[event.type] ?? []) rewrite.add(child);
        if (event.type === 'VisitRecorded' && w.rewrite !== 'all') w.newVisits.push(event.data.visitId);
        if (event.effectiveAt < w.lastEffectiveAt && changesRoll(event)) {
          retimeline(
            w,
            historyOf(w.householdId, 'roll').filter((r) => r.revision <= event.revision),
            at,
          );
        } else {
          const fields = rollFields(w.state);
          const last = w.open.at(-1);
          if (w.state.status !== 'none' && (!last || !sameRoll(last, fields))) {
            let goesOn = false;
            if (last) {
              close(w, last, at);
              w.open.pop();
              if (event.effectiveAt > last.effectiveFrom) {
                w.open.push({
                  ...last,
                  id: undefined,
                  effectiveTo: event.effectiveAt,
                  recordedFrom: at,
                } as OpenInterval);
              } else {
                // The last interval began this same day and is gone; if the one before it holds
                // these very fields (a change undone the same day), that one simply goes on:
                // equal neighbours merge, as in effectiveTimeline.
                const before = w.open.at(-1);
                if (before && before.effectiveTo === event.effectiveAt && sameRoll(before, fields)) {
                  close(w, before, at);
                  w.open.pop();
                  w.open.push({ ...before, id: undefined, effectiveTo: null, recordedFrom: at } as OpenInterval);
                  goesOn = true;
                }
              }
            }
            if (!goesOn) {
              w.open.push({ ...fields, effectiveFrom: event.effectiveAt, effectiveTo: null, recordedFrom: at });
            }
          }
        }
      }
      w.version = event.revision;
      if (event.effectiveAt > w.lastEffectiveAt) w.lastEffectiveAt = event.effectiveAt;
      w.updatedAt = at;
      // Recorded at the household's recording clock, as its status history is: the indicators
      // compare the audit's times with a "known at" time, and a leader whose clock stepped
      // back must not make an event known before the one it follows. The log keeps the raw time.
      // Written as a COPY line straight away: a million rows of 18 fields made as objects and
      // then formatted cost a fifth of a rebuild's client time. Positions, ids, types and
      // dates are plain tokens; free text and codes go through copyField's escaping.
      const village = w.state.household?.villageCode ?? null;
      const { actor, reason, commandId, correlationId, causationId } = event.metadata;
      audit.add(
        `${event.position}\t${event.id}\t${w.householdId}\t${event.revision}\t${event.type}\t${f(actor.id)}\t${f(actor.role)}\t${f(actor.unit)}\t${at}\t${event.effectiveAt}\t${f(reason)}\t${f(commandId)}\t${f(correlationId)}\t${f(causationId)}\t${f(village && countyOf(village))}\t${f(village && townshipOf(village))}\t${f(village)}\t${f(event.data)}`,
      );
    }
    for (const w of working.values()) {
      for (const row of w.open) if (!row.id) inserts.push({ ...row, householdId: w.householdId, recordedTo: null });
    }
    return into;
  }

  private async load(tx: pg.PoolClient, householdIds: string[]): Promise<Map<string, Working>> {
    const t = this.tables;
    // One after the other on the transaction's connection (pg 9 drops queued queries).
    const snapshots = await tx.query<{
      household_id: string;
      state: HouseholdState;
      state_shape: number;
      version: string;
      last_effective_at: string;
      updated_at: Date;
    }>(
      `SELECT household_id, state, state_shape, version, to_char(last_effective_at, 'YYYY-MM-DD') AS last_effective_at, updated_at
           FROM ${t.households} WHERE household_id = ANY($1::uuid[])`,
      [householdIds],
    );
    const open = await tx.query<{
      id: string;
      household_id: string;
      status: string;
      member_count: number;
      attribute: string | null;
      monitoring_category: string | null;
      county_code: string | null;
      township_code: string | null;
      village_code: string | null;
      effective_from: string;
      effective_to: string | null;
      recorded_from: Date;
    }>(
      `SELECT id, household_id, status, member_count, attribute, monitoring_category, county_code, township_code, village_code,
                to_char(effective_from, 'YYYY-MM-DD') AS effective_from, to_char(effective_to, 'YYYY-MM-DD') AS effective_to, recorded_from
           FROM ${t.history} WHERE household_id = ANY($1::uuid[]) AND recorded_to IS NULL ORDER BY household_id, effective_from`,
      [householdIds],
    );
    const working = new Map<string, Working>();
    for (const id of householdIds) working.set(id, emptyWorking(id));
    for (const row of snapshots.rows) {
      const w = working.get(row.household_id) as Working;
      w.state = row.state;
      w.staleState = row.state_shape !== STATE_SHAPE;
      w.version = Number(row.version);
      w.lastEffectiveAt = row.last_effective_at;
      w.updatedAt = row.updated_at.toISOString();
    }
    for (const row of open.rows) {
      working.get(row.household_id)?.open.push({
        id: row.id,
        status: row.status,
        memberCount: row.member_count,
        attribute: row.attribute,
        monitoringCategory: row.monitoring_category,
        countyCode: row.county_code,
        townshipCode: row.township_code,
        villageCode: row.village_code,
        effectiveFrom: row.effective_from,
        effectiveTo: row.effective_to,
        recordedFrom: row.recorded_from.toISOString(),
      });
    }
    return working;
  }

  /**
   * Builds a batch's statements and rows, and returns the function that sends them. `fresh`:
   * the tables hold nothing of these households yet (a bulk build), so rows are copied
   * straight in, with no upsert and nothing to delete first. Everything is built before the
   * first statement is sent, so the sender only sends.
   */
  private prepareWrite(working: Working[], changes: Changes, fresh: boolean): (tx: pg.PoolClient) => Promise<void> {
    const start = performance.now();
    const { closes, inserts, audit } = changes;
    const t = this.tables;
    const steps: ({ sql: string; values?: unknown[] } | CopyPayload)[] = [];
    const households = working
      .filter((w) => w.state.status !== 'none')
      .map((w) =>
        householdRow(w.householdId, w.state, {
          version: w.version,
          lastEffectiveAt: w.lastEffectiveAt,
          updatedAt: w.updatedAt,
        }),
      );
    if (fresh) steps.push(copyPayload(t.households, HOUSEHOLD_COLUMNS, households));
    else if (households.length > 0) {
      // COPY into a per-connection staging table, then one upsert: far cheaper than a JSON parameter.
      steps.push(
        { sql: `CREATE TEMP TABLE IF NOT EXISTS stage_${t.households} (LIKE ${t.households}) ON COMMIT DELETE ROWS` },
        copyPayload(`stage_${t.households}`, HOUSEHOLD_COLUMNS, households),
        {
          sql: `INSERT INTO ${t.households} SELECT * FROM stage_${t.households}
       ON CONFLICT (household_id) DO UPDATE SET
         county_code = EXCLUDED.county_code, township_code = EXCLUDED.township_code, village_code = EXCLUDED.village_code,
         status = EXCLUDED.status, card_number = EXCLUDED.card_number, attribute = EXCLUDED.attribute,
         main_cause = EXCLUDED.main_cause, other_causes = EXCLUDED.other_causes, helper_id = EXCLUDED.helper_id,
         helper_name = EXCLUDED.helper_name, helper_unit = EXCLUDED.helper_unit, member_count = EXCLUDED.member_count,
         latest_assessment_year = EXCLUDED.latest_assessment_year, latest_income_fen = EXCLUDED.latest_income_fen,
         monitoring_category = EXCLUDED.monitoring_category, exit_count = EXCLUDED.exit_count,
         exits_missing_evidence = EXCLUDED.exits_missing_evidence,
         return_count = EXCLUDED.return_count, open_case = EXCLUDED.open_case, version = EXCLUDED.version,
         last_effective_at = EXCLUDED.last_effective_at, updated_at = EXCLUDED.updated_at, state = EXCLUDED.state,
         state_shape = EXCLUDED.state_shape`,
        },
      );
    }
    // Members, measures and visits follow the folded state. A household's rows are rewritten
    // only when an event of the batch changed that table (or the household was refolded);
    // new visits are appended. Rewriting every touched household's rows each batch made a
    // rebuild of a realistic, finely interleaved log quadratic.
    const rewriting = (table: ChildTable) => working.filter((w) => w.rewrite === 'all' || w.rewrite.has(table));
    const childRows: Record<ChildTable, (id: string, state: HouseholdState) => Record<string, unknown>[]> = {
      members: memberRows,
      measures: measureRows,
      visits: visitRows,
      alerts: alertRows,
      monitoring: monitoringRows,
    };
    for (const name of ['members', 'measures', 'visits', 'alerts', 'monitoring'] as const) {
      const table = t[name];
      const rewritten = rewriting(name);
      const rows: Record<string, unknown>[] = rewritten.flatMap((w) => childRows[name](w.householdId, w.state));
      if (name === 'visits') {
        for (const w of working) {
          if (w.rewrite === 'all' || w.newVisits.length === 0) continue;
          const added = new Set(w.newVisits);
          rows.push(...visitRows(w.householdId, w.state).filter((v) => added.has(v.visit_id)));
        }
      }
      if (rewritten.length > 0 && !fresh) {
        steps.push({
          sql: `DELETE FROM ${table} WHERE household_id = ANY($1::uuid[])`,
          values: [rewritten.map((w) => w.householdId)],
        });
      }
      const first = rows[0];
      if (first) steps.push(copyPayload(table, Object.keys(first), rows));
    }
    if (closes.length > 0) {
      steps.push({
        sql: `UPDATE ${t.history} h SET recorded_to = c.recorded_to
             FROM jsonb_to_recordset($1::jsonb) AS c(id bigint, recorded_to timestamptz) WHERE h.id = c.id`,
        values: [JSON.stringify(closes.map((c) => ({ id: c.id, recorded_to: c.recordedTo })))],
      });
    }
    steps.push(
      copyPayload(
        t.history,
        HISTORY_COLUMNS,
        inserts.map((r) => ({
          household_id: r.householdId,
          status: r.status,
          member_count: r.memberCount,
          attribute: r.attribute,
          monitoring_category: r.monitoringCategory,
          county_code: r.countyCode,
          township_code: r.townshipCode,
          village_code: r.villageCode,
          effective_from: r.effectiveFrom,
          effective_to: r.effectiveTo,
          recorded_from: r.recordedFrom,
          recorded_to: r.recordedTo,
        })),
      ),
      audit.payload(t.audit, AUDIT_COLUMNS),
    );
    if (changes.years) {
      steps.push(
        copyPayload(t.years, YEAR_FACT_COLUMNS, changes.years.years),
        copyPayload(t.yearFunds, YEAR_FUND_COLUMNS, changes.years.funds),
      );
    }
    this.timings.prepare = (this.timings.prepare ?? 0) + performance.now() - start;
    return (tx) =>
      this.timed('write', async () => {
        // One after another: pg 9 drops queueing queries on a busy client. Each is sent as
        // soon as the previous one's answer arrives (the fold yields often enough for that).
        for (const step of steps) {
          if ('sql' in step) await tx.query(step.sql, step.values);
          else await copyIn(tx, step);
        }
      });
  }
}
