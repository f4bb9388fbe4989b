/**
 * `pnpm bench:store`: throughput of the PostgreSQL event store beside plain SQL on the
 * same database in the same run. Prints a table and writes bench-results/store.json.
 *
 * Options: --scale N (multiplies event counts, default 1), --fast (fsync off; the default
 * keeps PostgreSQL's durable settings, as the service runs).
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDatabase, startEmbeddedPostgres } from '@registry/postgres';
import Table from 'cli-table3';
import pg from 'pg';
import type { EventToAppend, Position } from '../src/index.js';
import { PostgresEventStore } from '../src/postgres/index.js';

const { values: args } = parseArgs({
  options: { scale: { type: 'string', default: '1' }, fast: { type: 'boolean', default: false } },
});
const scale = Number(args.scale);

interface Row {
  scenario: string;
  events: number;
  ours: number;
  raw: number;
  target: number;
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
    const pool = new pg.Pool({ connectionString: server.url('bench'), max: 16 });
    await pool.query(RAW_DDL);
    const store = await PostgresEventStore.open({ pool, subscriptionBatchSize: 1000 });
    const rows: Row[] = [];
    /**
     * Runs both sides in alternating chunks and sums each side's time: with fsync on,
     * disk latency drifts during a run, and interleaving lets the drift hit both alike.
     */
    const bench = async (
      scenario: string,
      events: number,
      target: number,
      chunks: number,
      ours: (chunk: number) => Promise<void>,
      raw: (chunk: number) => Promise<void>,
    ) => {
      let tOurs = 0;
      let tRaw = 0;
      const debug: string[] = [];
      for (let c = 0; c < chunks; c++) {
        let o = 0;
        let r = 0;
        if (c % 2 === 0) {
          o = await timed(() => ours(c));
          r = await timed(() => raw(c));
        } else {
          r = await timed(() => raw(c));
          o = await timed(() => ours(c));
        }
        tOurs += o;
        tRaw += r;
        debug.push(`${o.toFixed(3)}/${r.toFixed(3)}`);
      }
      rows.push({ scenario, events, ours: events / tOurs, raw: events / tRaw, target });
      if (process.env.BENCH_DEBUG) process.stderr.write(`    chunks: ${JSON.stringify(debug)}\n`);
      process.stderr.write(`  ${scenario}: done\n`);
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
    await concurrently(16, 30, () => rawOne('warm'));

    const single = Math.round(2000 * scale);
    const CHUNKS = 10;
    await bench(
      'append 1 event, 1 writer',
      single,
      0.75,
      CHUNKS,
      async (c) => {
        for (let i = 0; i < single / CHUNKS; i++) await appendOne(`household-s1-${(c * 7 + i) % 200}`);
      },
      async (c) => {
        for (let i = 0; i < single / CHUNKS; i++) await rawOne(`household-s1-${(c * 7 + i) % 200}`);
      },
    );
    const perWriter = Math.round(1000 * scale);
    await bench(
      'append 1 event, 8 writers',
      perWriter * 8,
      0.75,
      CHUNKS,
      (c) => concurrently(8, perWriter / CHUNKS, (w, i) => appendOne(`household-s8-${w}-${(c + i) % 50}`)),
      (c) => concurrently(8, perWriter / CHUNKS, (w, i) => rawOne(`household-s8-${w}-${(c + i) % 50}`)),
    );
    const batches = Math.round(300 * scale);
    await bench(
      'append 100-event batches',
      batches * 100,
      0.75,
      CHUNKS,
      async (c) => {
        for (let b = 0; b < batches / CHUNKS; b++) {
          await store.append(
            `household-b-${c}-${b}`,
            Array.from({ length: 100 }, (_, i) => payload(i)),
            {
              expectedRevision: 'no_stream',
            },
          );
        }
      },
      async (c) => {
        for (let b = 0; b < batches / CHUNKS; b++) {
          const { sql, params } = rawValues(
            Array.from({ length: 100 }, (_, i) => payload(i)),
            `household-b-${c}-${b}`,
            0,
          );
          await pool.query(sql, params);
        }
      },
    );

    // Reads are measured on a settled log: right after bulk writes the first reader of each
    // table pays for hint bits and races autovacuum, which swings either side by 40%.
    await pool.query('VACUUM ANALYZE es_events');
    await pool.query('VACUUM ANALYZE raw_events');
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
    await bench(
      '$all read (pages of 1000)',
      total * 5,
      0.7,
      5,
      async () => {
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
      rawScan,
    );
    await bench(
      'catch-up subscription delivery',
      total * 5,
      0.7,
      5,
      async () => {
        const subscription = store.subscribeToAll();
        let seen = 0;
        for await (const message of subscription) {
          if (message.kind === 'event') seen++;
          if (message.kind === 'caughtUp' && seen >= total) break;
        }
        await subscription.close();
      },
      rawScan,
    );

    await store.close();
    await pool.end();

    const table = new Table({
      head: ['scenario', 'events', 'event store ev/s', 'raw SQL ev/s', 'ratio', 'target', ''],
      style: { head: [] },
    });
    for (const r of rows) {
      const ratio = r.ours / r.raw;
      table.push([
        r.scenario,
        r.events,
        Math.round(r.ours).toLocaleString('en'),
        Math.round(r.raw).toLocaleString('en'),
        `${(ratio * 100).toFixed(0)}%`,
        `≥ ${r.target * 100}%`,
        ratio >= r.target ? 'met' : 'MISSED',
      ]);
    }
    const mode = args.fast ? 'fsync off' : 'durable (fsync on)';
    process.stdout.write(
      `\nPostgreSQL event store vs raw SQL — ${mode}, scale ${scale}, ${new Date().toISOString()}\n`,
    );
    process.stdout.write(`${table.toString()}\n`);
    await mkdir('bench-results', { recursive: true });
    await writeFile(
      'bench-results/store.json',
      `${JSON.stringify({ date: new Date().toISOString(), mode, scale, results: rows.map((r) => ({ ...r, ratio: r.ours / r.raw })) }, null, 2)}\n`,
    );
    process.stdout.write('written: bench-results/store.json\n');
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
