/**
 * `pnpm bench:projections`: rebuilds every registry read model from a generated log of at
 * least 1M events and prints events/s and peak RSS, beside a raw baseline in the same run
 * (the same events read and upserted into one table with plain SQL). Each side runs in its
 * own child process so its peak RSS is its own. Results: bench-results/projections.json.
 *
 * A build from the start goes stream by stream (ProjectionRunner.bulkLoad) when it can;
 * `--bulk 0` makes it replay `$all` in batches instead, as it must on a store that cannot
 * list streams.
 *
 * Options: --events N (default 1,000,000), --batch N (batch size when replaying $all, default
 * 10000), --bulk N (streams per transaction of a stream-by-stream build, default 100; 0: replay),
 * --profile (write a CPU profile of the rebuild to bench-results/profiles), --data DIR (keep the
 * PostgreSQL cluster in DIR and reuse a log already loaded there: for iterating on the rebuild),
 * --simulated N (load the county simulator's log of N households instead of the generator's:
 * every household's events interleaved by date over 2014–2025, as a real registry's are).
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { EventToAppend } from '@registry/eventstore';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { ensureDatabase, startEmbeddedPostgres } from '@registry/postgres';
import { householdStream } from '@registry/schema';
import Table from 'cli-table3';
import fc from 'fast-check';
import pg from 'pg';
import { longSteps, play } from '../../services/registry/test/generator.js';
import { simulate } from '../../test/simulator/run.js';
import { RegistryProjection } from '../src/registry-projection.js';
import { ProjectionRunner } from '../src/runner.js';
import { verifyRegistry } from '../src/verify.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '10000' },
    bulk: { type: 'string', default: '100' },
    child: { type: 'string' },
    profile: { type: 'boolean', default: false },
    url: { type: 'string' },
    data: { type: 'string' },
    simulated: { type: 'string' },
  },
});

interface Measured {
  events: number;
  /** Until every event is in the read models (the checkpoint reaches the head). */
  seconds: number;
  /** Then building the query indexes and the derived tables (rebuild only). */
  indexSeconds?: number;
  /** Then `projections:verify` over the rebuilt tables (rebuild only): seconds and differences found. */
  verify?: { seconds: number; events: number; differences: number };
  peakRssMb: number;
}

function watchRss(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss) / 1024 / 1024;
  };
}

async function runRebuild(url: string): Promise<Measured> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const sqlTime = new Map<string, { ms: number; calls: number }>();
  if (args.profile) {
    // Time every statement by its first words, to see where PostgreSQL spends the rebuild.
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...a: unknown[]) => Promise<unknown>;
      (client as unknown as { query: unknown }).query = (...a: unknown[]) => {
        const first = a[0] as string | { text: string };
        const text = (typeof first === 'string' ? first : first.text).replace(/\s+/g, ' ').trim().slice(0, 60);
        const start = performance.now();
        const done = () => {
          const entry = sqlTime.get(text) ?? { ms: 0, calls: 0 };
          entry.ms += performance.now() - start;
          entry.calls++;
          sqlTime.set(text, entry);
        };
        const last = a.at(-1);
        if (typeof last === 'function') {
          return query(...a.slice(0, -1), (...r: unknown[]) => {
            done();
            (last as (...r: unknown[]) => void)(...r);
          });
        }
        const result = query(...a) as { then?: unknown; finally?: (f: () => void) => unknown };
        // COPY returns a stream, not a promise: pass it through untimed.
        return typeof result?.then === 'function' && result.finally ? result.finally(done) : result;
      };
    });
  }
  const store = await PostgresEventStore.open({ pool });
  const head = (await store.headPosition()) as string;
  const projection = new RegistryProjection(store, 99);
  const runner = new ProjectionRunner({
    store,
    pool,
    projection,
    batchSize: Number(args.batch),
    bulkStreams: Number(args.bulk),
  });
  const peak = watchRss();
  const start = process.hrtime.bigint();
  await runner.start();
  const progress = setInterval(() => {
    const s = runner.status();
    const m = process.memoryUsage();
    process.stderr.write(
      `  rebuild: ${s.processed.toLocaleString('en')} events, ${Math.round(s.eventsPerSecond).toLocaleString('en')} ev/s, rss ${Math.round(m.rss / 1e6)} MB, heap ${Math.round(m.heapUsed / 1e6)} MB\n`,
    );
  }, 5000);
  await runner.waitFor(head, 3_600_000);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // Then the query indexes, built once the projection has caught up: until they exist the
  // new tables are complete but not yet fit to serve.
  while (runner.status().state !== 'caught_up') {
    if (runner.status().state === 'failed') throw new Error(runner.status().error);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const indexSeconds = Number(process.hrtime.bigint() - start) / 1e9 - seconds;
  clearInterval(progress);
  const peakRssMb = peak();
  // The auditor's check of what was just built: every stream folded again and compared.
  const verifyStart = process.hrtime.bigint();
  const report = await verifyRegistry(store, pool, projection);
  const verify = {
    seconds: Number(process.hrtime.bigint() - verifyStart) / 1e9,
    events: report.events,
    differences: report.differences.length,
  };
  const events = runner.status().processed;
  const phases = Object.entries(projection.timings)
    .map(([k, v]) => `${k} ${Math.round(v)} ms`)
    .join(', ');
  process.stderr.write(`  time by phase: ${phases}\n`);
  for (const [text, t] of [...sqlTime].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
    process.stderr.write(`  sql ${Math.round(t.ms)} ms / ${t.calls} calls: ${text}\n`);
  }
  await runner.stop();
  await store.close();
  await pool.end();
  return { events, seconds, indexSeconds, verify, peakRssMb };
}

/** Plain SQL: page through the events, upsert one row per stream with its latest event. */
async function runBaseline(url: string): Promise<Measured> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await pool.query('DROP TABLE IF EXISTS baseline_latest');
  await pool.query(
    'CREATE TABLE baseline_latest (stream_name text PRIMARY KEY, revision bigint, event_type text, data jsonb, events bigint)',
  );
  const peak = watchRss();
  const start = process.hrtime.bigint();
  let after = ['0', '0'];
  let events = 0;
  for (;;) {
    const page = await pool.query(
      `SELECT transaction_id::text AS tx, position, stream_name, revision, event_type, data FROM es_events
        WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint) ORDER BY transaction_id, position LIMIT 5000`,
      after,
    );
    if (page.rows.length === 0) break;
    const latest = new Map<
      string,
      { stream_name: string; revision: string; event_type: string; data: unknown; events: number }
    >();
    for (const r of page.rows) {
      const prev = latest.get(r.stream_name);
      latest.set(r.stream_name, {
        stream_name: r.stream_name,
        revision: r.revision,
        event_type: r.event_type,
        data: r.data,
        events: (prev?.events ?? 0) + 1,
      });
    }
    await pool.query(
      `INSERT INTO baseline_latest SELECT * FROM jsonb_populate_recordset(NULL::baseline_latest, $1::jsonb)
       ON CONFLICT (stream_name) DO UPDATE SET revision = EXCLUDED.revision, event_type = EXCLUDED.event_type,
         data = EXCLUDED.data, events = baseline_latest.events + EXCLUDED.events`,
      [JSON.stringify([...latest.values()])],
    );
    events += page.rows.length;
    const last = page.rows[page.rows.length - 1];
    after = [last.tx, last.position];
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await pool.end();
  return { events, seconds, peakRssMb: peak() };
}

function inChild(kind: 'rebuild' | 'baseline', url: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = fork(
      new URL(import.meta.url).pathname,
      [
        '--child',
        kind,
        '--url',
        url,
        '--batch',
        String(args.batch),
        '--bulk',
        String(args.bulk),
        ...(args.profile ? ['--profile'] : []),
      ],
      {
        execArgv: [
          '--import',
          'tsx',
          ...(args.profile && kind === 'rebuild' ? ['--cpu-prof', '--cpu-prof-dir=bench-results/profiles'] : []),
        ],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    child.once('message', (m) => resolve(m as Measured));
    child.once('exit', (code) => reject(new Error(`${kind} child exited with ${code} before reporting`)));
  });
}

/** Generated households, appended in chunks round-robin so households interleave in the log. */
let corrections = 0;

async function load(store: PostgresEventStore, target: number): Promise<number> {
  let total = 0;
  let seed = 1;
  while (total < target) {
    // Households of about 70 events: 500 a round, fewer for a small log (the suite's smoke run).
    const runs = fc.sample(longSteps, { numRuns: Math.min(500, Math.ceil(target / 50)), seed: seed++ }).map(play);
    const queues = runs
      .filter((r) => r.history.length > 0)
      .map((r, n) => {
        const id = randomUUID();
        // The generator corrects far more often than clerks do (it exists to test corrections):
        // keep one correction in 25, about 0.2% of the log, as a registry sees.
        const history = r.history.filter((e, i) => e.type !== 'EventCorrected' || (n + i) % 25 === 0);
        corrections += history.filter((e) => e.type === 'EventCorrected').length;
        const ids = new Map(history.map((e) => [e.id, randomUUID()]));
        const events: EventToAppend[] = history.map((e) => ({
          id: ids.get(e.id) as string,
          type: e.type,
          data: (e.type === 'EventCorrected'
            ? { ...e.data, correctedEventId: ids.get(e.data.correctedEventId) }
            : e.data) as never,
          metadata: e.metadata,
        }));
        return { id, events, next: 0 };
      });
    while (queues.some((q) => q.next < q.events.length) && total < target) {
      for (const q of queues) {
        if (q.next >= q.events.length) continue;
        const chunk = q.events.slice(q.next, q.next + 25);
        await store.append(householdStream(q.id), chunk, { expectedRevision: q.next === 0 ? 'no_stream' : q.next - 1 });
        q.next += chunk.length;
        total += chunk.length;
      }
    }
    process.stderr.write(`  loaded ${total.toLocaleString('en')} events\n`);
  }
  return total;
}

async function main(): Promise<void> {
  const dir = args.data ? path.resolve(args.data) : await mkdtemp(path.join(tmpdir(), 'registry-bench-proj-'));
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: 0,
    persistent: args.data !== undefined,
    settings: { shared_buffers: '512MB' },
  });
  try {
    await ensureDatabase(server.url(), 'bench');
    const url = server.url('bench');
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const store = await PostgresEventStore.open({ pool, notify: false });
    const loadStart = Date.now();
    const existing = Number((await pool.query('SELECT count(*) AS n FROM es_events')).rows[0].n);
    if (existing > 0 && existing < Number(args.events) && !args.simulated) {
      throw new Error(`--data ${dir} holds a smaller log`);
    }
    if (existing > 0) {
      // A kept cluster: drop the previous rebuild's read models and checkpoint, keep the log.
      for (const row of (await pool.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE '%\\_v99%'`)).rows) {
        await pool.query(`DROP TABLE ${row.tablename}`);
      }
      await pool.query(`DELETE FROM projection_checkpoints WHERE name = 'registry_v99'`);
    }
    const loaded =
      existing > 0
        ? existing
        : args.simulated
          ? (await simulate({ households: Number(args.simulated), seed: 1, mode: 'bulk', store })).events
          : await load(store, Number(args.events));
    process.stderr.write(
      `  log of ${loaded.toLocaleString('en')} events loaded in ${Math.round((Date.now() - loadStart) / 1000)} s\n`,
    );
    // Counted in the log itself, whichever way it was loaded (generator, simulator or a kept cluster).
    corrections = Number(
      (await pool.query(`SELECT count(*) AS n FROM es_events WHERE event_type = 'EventCorrected'`)).rows[0].n,
    );
    process.stdout.write(
      `log: ${loaded.toLocaleString('en')} events, ${corrections.toLocaleString('en')} corrections (${((corrections / loaded) * 100).toFixed(2)}%)\n`,
    );
    await pool.query('VACUUM ANALYZE es_events');
    await store.close();
    await pool.end();

    const baseline = await inChild('baseline', url);
    const rebuild = await inChild('rebuild', url);
    const table = new Table({
      head: ['', 'events', 'rows in (s)', 'events/s', '+ indexes (s)', 'events/s with indexes', 'peak RSS', 'target'],
      style: { head: [] },
    });
    const row = (name: string, m: Measured, target: string) => [
      name,
      m.events.toLocaleString('en'),
      m.seconds.toFixed(1),
      Math.round(m.events / m.seconds).toLocaleString('en'),
      m.indexSeconds === undefined ? '' : m.indexSeconds.toFixed(1),
      m.indexSeconds === undefined ? '' : Math.round(m.events / (m.seconds + m.indexSeconds)).toLocaleString('en'),
      `${Math.round(m.peakRssMb)} MB`,
      target,
    ];
    table.push(
      row(
        Number(args.bulk) > 0 ? 'rebuild all read models, stream by stream' : 'rebuild all read models, replaying $all',
        rebuild,
        '≥ 30,000 ev/s, ≤ 512 MB',
      ),
      row('raw: read + upsert one table', baseline, ''),
    );
    const ratio = rebuild.events / rebuild.seconds / (baseline.events / baseline.seconds);
    process.stdout.write(
      `\nRegistry projection rebuild, ${new Date().toISOString()}, ${Number(args.bulk) > 0 ? `${args.bulk} streams per transaction` : `batch ${args.batch}`}\n${table.toString()}\n`,
    );
    const whole = rebuild.events / (rebuild.seconds + (rebuild.indexSeconds ?? 0));
    process.stdout.write(
      `rebuild runs at ${(ratio * 100).toFixed(0)}% of the raw baseline's rate; with indexes and derived tables ${Math.round(whole).toLocaleString('en')} ev/s, ${((whole / (baseline.events / baseline.seconds)) * 100).toFixed(0)}% (targets ≥ 30,000 ev/s and ≥ 20%)\n`,
    );
    if (rebuild.verify) {
      const v = rebuild.verify;
      process.stdout.write(
        `verify of the rebuilt tables: ${v.events.toLocaleString('en')} events in ${v.seconds.toFixed(1)} s, ${Math.round(v.events / v.seconds).toLocaleString('en')} ev/s (target ≥ 20,000), ${v.differences} difference(s)\n`,
      );
      if (v.differences > 0) throw new Error(`verify found ${v.differences} difference(s) in a clean rebuild`);
    }
    const resultsDir = process.env.BENCH_RESULTS_DIR ?? 'bench-results';
    await mkdir(resultsDir, { recursive: true });
    await writeFile(
      `${resultsDir}/projections.json`,
      `${JSON.stringify({ date: new Date().toISOString(), batch: Number(args.batch), bulk: Number(args.bulk), rebuild, baseline }, null, 2)}\n`,
    );
    process.stdout.write(`written: ${resultsDir}/projections.json\n`);
  } finally {
    await server.stop();
    if (!args.data) await rm(dir, { recursive: true, force: true });
  }
}

if (args.child) {
  const result =
    args.child === 'rebuild' ? await runRebuild(args.url as string) : await runBaseline(args.url as string);
  // Exit only once the parent has the result: exiting right after send() can drop the message.
  if (process.send) process.send(result, () => process.exit(0));
  else process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}
