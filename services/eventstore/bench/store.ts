/**
 * `pnpm bench:store`: throughput of the PostgreSQL event store beside Emmett's PostgreSQL
 * event store (@event-driven-io/emmett-postgresql) and plain SQL, on the same database in the
 * same run. Prints a table and writes bench-results/store.json.
 *
 * Options: --scale N (multiplies event counts, default 1), --fast (fsync off; the default
 * keeps PostgreSQL's durable settings, as the service runs).
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dumbo, getPool } from '@event-driven-io/dumbo';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import { ensureDatabase, startEmbeddedPostgres } from '@registry/postgres';
import Table from 'cli-table3';
import pg from 'pg';
import type { EventToAppend, Position } from '../src/index.js';
import { PostgresEventStore } from '../src/postgres/index.js';

const { values: args } = parseArgs({
  options: { scale: { type: 'string', default: '1' }, fast: { type: 'boolean', default: false } },
});
const scale = Number(args.scale);

// Emmett's driver sets pg's global type parsers (int8 as BigInt, its own JSON reviver). Pin
// ours to pg's defaults, taken before Emmett loads, so each store reads as it does alone.
const DEFAULT_PARSERS = new Map([20, 114, 3802].map((oid) => [oid, pg.types.getTypeParser(oid)]));
const ownTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    DEFAULT_PARSERS.get(oid) ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

interface Row {
  scenario: string;
  events: number;
  ours: number;
  /** Emmett's PostgreSQL store, or null where it has no comparable operation. */
  emmett: number | null;
  raw: number;
  target: number;
  /** Required multiple of Emmett's rate, where the issue sets one. */
  emmettTarget: number | null;
}

function payload(n: number): EventToAppend {
  return {
    id: randomUUID(),
    type: 'AssistanceDelivered',
    data: {
      householdId: randomUUID(),
      measure: { category: 'industry', amountFen: 300_000 + n, source: 'central', note: '产业扶持资金发放到户' },
      delivered: '2019-06-30',
      members: [
        { name: '张三', relation: 'head', health: 'healthy' },
        { name: '李四', relation: 'spouse', health: 'chronic_illness' },
      ],
    },
    metadata: {
      actor: { id: 'clerk-0001', role: 'clerk', unit: '320924101000' },
      effectiveAt: '2019-06-30',
      reason: 'benchmark',
      correlationId: randomUUID(),
      commandId: `cmd-${n}`,
    },
  };
}

const RAW_DDL = `
CREATE TABLE raw_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_name text NOT NULL, revision bigint NOT NULL, event_id uuid NOT NULL,
  event_type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
)`;
const RAW_COLUMNS = '(stream_name, revision, event_id, event_type, data, metadata)';

function rawValues(events: EventToAppend[], stream: string, firstRevision: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const tuples = events.map((e, i) => {
    const b = params.length;
    params.push(stream, firstRevision + i, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
  });
  return { sql: `INSERT INTO raw_events ${RAW_COLUMNS} VALUES ${tuples.join(', ')}`, params };
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function concurrently(writers: number, perWriter: number, step: (writer: number, i: number) => Promise<void>) {
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) await step(w, i);
    }),
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'registry-bench-'));
  await chmod(dir, 0o755);
  const settings: Record<string, string> = args.fast ? { fsync: 'off', synchronous_commit: 'off' } : {};
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: 0, persistent: false, settings });
  try {
    await ensureDatabase(server.url(), 'bench');
    const url = server.url('bench');
    const pool = new pg.Pool({ connectionString: url, max: 16, types: ownTypes });
    // An idle connection dropped by the server is the pool's to replace, not a crash.
    pool.on('error', (error) => process.stderr.write(`  idle connection lost: ${error.message}\n`));
    await pool.query(RAW_DDL);
    const store = await PostgresEventStore.open({ pool, subscriptionBatchSize: 1000 });
    // Emmett on the same database, its own schema (emt_*) and its own pool of the same size.
    const emmett = getPostgreSQLEventStore(url, { connectionOptions: { pooled: true, maxConnections: 16 } } as never);
    const emmettSql = dumbo({ connectionString: url });
    // Emmett's pool (dumbo keeps one per connection string) has no error listener: an idle
    // connection the server drops would end the process (seen as 57P01 after the batch scenario).
    getPool(url).on('error', (error) => process.stderr.write(`  Emmett's idle connection lost: ${error.message}\n`));
    const rows: Row[] = [];
    type Side = (chunk: number) => Promise<void>;
    /**
     * Runs the sides in rotating order, chunk by chunk, and sums each side's time: with fsync
     * on, disk latency drifts during a run, and interleaving lets the drift hit all alike.
     */
    const bench = async (
      scenario: string,
      events: number,
      targets: { raw: number; emmett: number | null },
      chunks: number,
      sides: { ours: Side; emmett: Side | null; raw: Side },
    ) => {
      const names = (['ours', 'emmett', 'raw'] as const).filter((n) => sides[n] !== null);
      const total = { ours: 0, emmett: 0, raw: 0 };
      for (let c = 0; c < chunks; c++) {
        for (let k = 0; k < names.length; k++) {
          const name = names[(c + k) % names.length] as (typeof names)[number];
          const side = sides[name] as Side;
          total[name] += await timed(() => side(c));
        }
      }
      rows.push({
        scenario,
        events,
        ours: events / total.ours,
        emmett: sides.emmett ? events / total.emmett : null,
        raw: events / total.raw,
        target: targets.raw,
        emmettTarget: targets.emmett,
      });
      process.stderr.write(`  ${scenario}: done\n`);
    };
    const emmettRevision = new Map<string, bigint>();
    const emmettOne = async (name: string) => {
      const revision = emmettRevision.get(name);
      const event = payload(stream++);
      const result = await emmett.appendToStream(
        name,
        [{ type: event.type, data: event.data, metadata: event.metadata }] as never,
        {
          expectedStreamVersion: revision === undefined ? STREAM_DOES_NOT_EXIST : revision,
        },
      );
      emmettRevision.set(name, result.nextExpectedStreamVersion);
    };

    let stream = 0;
    const streamRevision = new Map<string, number>();
    const appendOne = async (name: string) => {
      const revision = streamRevision.get(name);
      const result = await store.append(name, [payload(stream++)], {
        expectedRevision: revision === undefined ? 'no_stream' : revision,
      });
      streamRevision.set(name, result.nextExpectedRevision);
    };
    let rawRevision = 0;
    const rawOne = async (name: string) => {
      const { sql, params } = rawValues([payload(stream++)], name, rawRevision++);
      await pool.query(sql, params);
    };

    // Warm up both paths on every pool connection (authentication, prepared statements,
    // plan caches), so neither side pays for opening connections inside a timed chunk.
    await concurrently(16, 30, (w, i) => appendOne(`warm-${w}-${i % 5}`));
    await concurrently(16, 30, (w, i) => emmettOne(`warm-${w}-${i % 5}`));
    await concurrently(16, 30, () => rawOne('warm'));

    const single = Math.round(2000 * scale);
    const CHUNKS = 10;
    await bench('append 1 event, 1 writer', single, { raw: 0.75, emmett: null }, CHUNKS, {
      ours: async (c) => {
        for (let i = 0; i < single / CHUNKS; i++) await appendOne(`household-s1-${(c * 7 + i) % 200}`);
      },
      emmett: async (c) => {
        for (let i = 0; i < single / CHUNKS; i++) await emmettOne(`household-s1-${(c * 7 + i) % 200}`);
      },
      raw: async (c) => {
        for (let i = 0; i < single / CHUNKS; i++) await rawOne(`household-s1-${(c * 7 + i) % 200}`);
      },
    });
    const perWriter = Math.round(1000 * scale);
    await bench('append 1 event, 8 writers', perWriter * 8, { raw: 0.75, emmett: 1.5 }, CHUNKS, {
      ours: (c) => concurrently(8, perWriter / CHUNKS, (w, i) => appendOne(`household-s8-${w}-${(c + i) % 50}`)),
      emmett: (c) => concurrently(8, perWriter / CHUNKS, (w, i) => emmettOne(`household-s8-${w}-${(c + i) % 50}`)),
      raw: (c) => concurrently(8, perWriter / CHUNKS, (w, i) => rawOne(`household-s8-${w}-${(c + i) % 50}`)),
    });
    const batches = Math.round(300 * scale);
    await bench('append 100-event batches', batches * 100, { raw: 0.75, emmett: 1.5 }, CHUNKS, {
      ours: async (c) => {
        for (let b = 0; b < batches / CHUNKS; b++) {
          await store.append(
            `household-b-${c}-${b}`,
            Array.from({ length: 100 }, (_, i) => payload(i)),
            { expectedRevision: 'no_stream' },
          );
        }
      },
      emmett: async (c) => {
        for (let b = 0; b < batches / CHUNKS; b++) {
          const events = Array.from({ length: 100 }, (_, i) => payload(i)).map((e) => ({
            type: e.type,
            data: e.data,
            metadata: e.metadata,
          }));
          await emmett.appendToStream(`household-b-${c}-${b}`, events as never, {
            expectedStreamVersion: STREAM_DOES_NOT_EXIST,
          });
        }
      },
      raw: async (c) => {
        for (let b = 0; b < batches / CHUNKS; b++) {
          const { sql, params } = rawValues(
            Array.from({ length: 100 }, (_, i) => payload(i)),
            `household-b-${c}-${b}`,
            0,
          );
          await pool.query(sql, params);
        }
      },
    });

    // Reads are measured on a settled log: right after bulk writes the first reader of each
    // table pays for hint bits and races autovacuum, which swings either side by 40%.
    await pool.query('VACUUM ANALYZE es_events');
    await pool.query('VACUUM ANALYZE raw_events');
    await pool.query('VACUUM ANALYZE emt_messages');
    const emmettTotal = Number((await pool.query('SELECT count(*) AS n FROM emt_messages')).rows[0].n);
    if (emmettTotal !== Number((await pool.query('SELECT count(*) AS n FROM es_events')).rows[0].n)) {
      throw new Error(
        'the two stores hold different numbers of events: the read scenario would not compare like with like',
      );
    }
    const total = Number((await pool.query('SELECT count(*) AS n FROM es_events')).rows[0].n);
    const rawTotal = Number((await pool.query('SELECT count(*) AS n FROM raw_events')).rows[0].n);
    const rawScan = async () => {
      let after = 0;
      let seen = 0;
      for (;;) {
        const page = await pool.query(
          'SELECT id, stream_name, revision, event_id, event_type, data, metadata, recorded_at FROM raw_events WHERE id > $1 ORDER BY id LIMIT 1000',
          [after],
        );
        seen += page.rowCount ?? 0;
        if ((page.rowCount ?? 0) < 1000) break;
        after = page.rows[page.rows.length - 1].id;
      }
      if (seen !== rawTotal) throw new Error(`raw scan saw ${seen} of ${rawTotal}`);
    };
    await bench('$all read (pages of 1000)', total * 5, { raw: 0.7, emmett: 1.5 }, 5, {
      ours: async () => {
        let after: Position | undefined;
        let seen = 0;
        for (;;) {
          const page = await store.readAll(after === undefined ? { maxCount: 1000 } : { after, maxCount: 1000 });
          seen += page.length;
          if (page.length < 1000) break;
          after = page[page.length - 1]?.position;
        }
        if (seen !== total) throw new Error(`read saw ${seen} of ${total}`);
      },
      // Emmett's own global read, page by page from its global position; scaled to our count.
      emmett: async () => {
        let after = 0n;
        let seen = 0;
        for (;;) {
          const page = await readMessagesBatch(emmettSql.execute, { after, batchSize: 1000 });
          seen += page.messages.length;
          after = page.currentGlobalPosition;
          if (!page.areMessagesLeft || page.messages.length === 0) break;
        }
        if (seen !== emmettTotal) throw new Error(`Emmett read saw ${seen} of ${emmettTotal}`);
      },
      raw: rawScan,
    });
    await bench('catch-up subscription delivery', total * 5, { raw: 0.7, emmett: null }, 5, {
      ours: async () => {
        const subscription = store.subscribeToAll();
        let seen = 0;
        for await (const message of subscription) {
          if (message.kind === 'event') seen++;
          if (message.kind === 'caughtUp' && seen >= total) break;
        }
        await subscription.close();
      },
      emmett: null,
      raw: rawScan,
    });

    await emmett.close();
    await emmettSql.close();
    await store.close();
    await pool.end();

    const table = new Table({
      head: [
        'scenario',
        'events',
        'ours ev/s',
        'Emmett ev/s',
        'raw SQL ev/s',
        'ours/Emmett',
        'ours/raw',
        'targets',
        '',
      ],
      style: { head: [] },
    });
    for (const r of rows) {
      const ratio = r.ours / r.raw;
      const vsEmmett = r.emmett ? r.ours / r.emmett : null;
      const met = ratio >= r.target && (r.emmettTarget === null || (vsEmmett ?? 0) >= r.emmettTarget);
      table.push([
        r.scenario,
        r.events,
        Math.round(r.ours).toLocaleString('en'),
        r.emmett === null ? 'n/a' : Math.round(r.emmett).toLocaleString('en'),
        Math.round(r.raw).toLocaleString('en'),
        vsEmmett === null ? '' : `${vsEmmett.toFixed(2)}×`,
        `${(ratio * 100).toFixed(0)}%`,
        `≥ ${r.target * 100}% raw${r.emmettTarget ? `, ≥ ${r.emmettTarget}× Emmett` : ''}`,
        met ? 'met' : 'MISSED',
      ]);
    }
    const mode = args.fast ? 'fsync off' : 'durable (fsync on)';
    process.stdout.write(
      `\nPostgreSQL event store vs Emmett and raw SQL — ${mode}, scale ${scale}, ${new Date().toISOString()}\n`,
    );
    process.stdout.write(`${table.toString()}\n`);
    const resultsDir = process.env.BENCH_RESULTS_DIR ?? 'bench-results';
    await mkdir(resultsDir, { recursive: true });
    await writeFile(
      `${resultsDir}/store.json`,
      `${JSON.stringify({ date: new Date().toISOString(), mode, scale, results: rows.map((r) => ({ ...r, ratio: r.ours / r.raw, vsEmmett: r.emmett ? r.ours / r.emmett : null })) }, null, 2)}\n`,
    );
    process.stdout.write(`written: ${resultsDir}/store.json\n`);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
