/**
 * `pnpm projections:rebuild`: builds the next version of the registry read models into new
 * tables from the start of the log while the active version keeps serving, shows progress,
 * and switches to it once it has caught up. The running service picks the new version up
 * when it next starts. Options: --no-switch (build only), --batch N.
 */
import { parseArgs } from 'node:util';
import type { EventStore } from '@registry/eventstore';
import { EventStoreDbEventStore } from '@registry/eventstore/esdb';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { embeddedUrl, ensureDatabase, startEmbeddedPostgres } from '@registry/postgres';
import { activeVersion, nextVersion, ProjectionRunner, RegistryProjection, switchVersion } from '@registry/projections';
import { SingleBar } from 'cli-progress';
import pg from 'pg';
import { loadConfig } from '../config.js';

const { values: args } = parseArgs({
  options: { 'no-switch': { type: 'boolean', default: false }, batch: { type: 'string', default: '5000' } },
});

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  let stopEmbedded: (() => Promise<void>) | undefined;
  let url = config.databaseUrl;
  if (!url) {
    // The service may be running on the embedded cluster: use it; otherwise start it here.
    url = embeddedUrl(config.embeddedPgPort, 'registry');
    if (!(await canConnect(url))) {
      const server = await startEmbeddedPostgres({
        dataDir: `${config.dataDir}/postgres`,
        port: config.embeddedPgPort,
        persistent: true,
      });
      await ensureDatabase(server.url(), 'registry');
      stopEmbedded = () => server.stop();
    }
  }
  const pool = new pg.Pool({ connectionString: url, max: 6 });
  const store: EventStore = config.eventStoreConnectionString
    ? new EventStoreDbEventStore({ connectionString: config.eventStoreConnectionString })
    : await PostgresEventStore.open({ pool });
  try {
    const active = await activeVersion(pool, 'registry');
    const version = await nextVersion(pool, 'registry');
    const head = (await store.headPosition()) ?? null;
    // Only the PostgreSQL log can count its events cheaply; without a total the bar counts up.
    const total = config.eventStoreConnectionString
      ? 0
      : Number(
          (await pool.query("SELECT count(*) AS n FROM es_events WHERE stream_name LIKE 'household-%'")).rows[0].n,
        );
    process.stdout.write(
      `rebuilding registry read models: v${active} serves, building v${version} from ${total.toLocaleString('en')} events\n`,
    );
    const bar = new SingleBar({ format: '  {bar} {value}/{total} events | {rate} ev/s | {state}', hideCursor: true });
    bar.start(Math.max(total, 1), 0, { rate: 0, state: 'starting' });
    const projection = new RegistryProjection(store, version);
    const runner = new ProjectionRunner({ store, pool, projection, batchSize: Number(args.batch) });
    const tick = setInterval(() => {
      const s = runner.status();
      bar.update(s.processed, { rate: Math.round(s.eventsPerSecond), state: s.state });
    }, 200);
    await runner.start();
    try {
      if (head) await runner.waitFor(head, 24 * 3600 * 1000);
    } finally {
      clearInterval(tick);
      const s = runner.status();
      bar.update(s.processed, { rate: Math.round(s.eventsPerSecond), state: s.state });
      bar.stop();
      await runner.stop();
    }
    if (args['no-switch']) {
      process.stdout.write(`built registry_v${version}; not switched (v${active} still serves)\n`);
    } else {
      await switchVersion(pool, 'registry', version, head);
      process.stdout.write(
        `switched: registry_v${version} now serves (was v${active}); restart the service to use it\n`,
      );
    }
  } finally {
    await store.close();
    await pool.end();
    await stopEmbedded?.();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
