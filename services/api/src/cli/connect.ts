import { mkdir } from 'node:fs/promises';
import type { EventStore } from '@registry/eventstore';
import { EventStoreDbEventStore } from '@registry/eventstore/esdb';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { claimDirectory, createPool, embeddedUrl, ensureDatabase, startEmbeddedPostgres } from '@registry/postgres';
import pg from 'pg';
import type { Config } from '../config.js';

export interface CliStores {
  pool: pg.Pool;
  store: EventStore;
  close(): Promise<void>;
}

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

/**
 * The stores a CLI command works on, configured as the service is: DATABASE_URL, or the
 * embedded cluster (the running service's, when it is up; otherwise started here).
 */
export async function connectForCli(config: Config): Promise<CliStores> {
  let stopEmbedded: (() => Promise<void>) | undefined;
  let url = config.databaseUrl;
  if (!url) {
    url = embeddedUrl(config.embeddedPgPort, 'registry');
    // A running service owns the directory and its server: use that server. Otherwise hold
    // the directory while this command runs, so no service starts on it meanwhile.
    let release: (() => Promise<void>) | undefined;
    await mkdir(config.dataDir, { recursive: true });
    try {
      release = await claimDirectory(config.dataDir, 'a registry command');
    } catch (error) {
      if (!(await canConnect(url))) throw error;
    }
    if (release && !(await canConnect(url))) {
      const server = await startEmbeddedPostgres({
        dataDir: `${config.dataDir}/postgres`,
        port: config.embeddedPgPort,
        persistent: true,
        replaceLeftover: true,
      });
      await ensureDatabase(server.url(), 'registry');
      stopEmbedded = async () => {
        await server.stop();
        await release?.();
      };
    } else if (release) {
      stopEmbedded = release;
    }
  }
  const pool = createPool({ connectionString: url, max: 6 }, (error, where) =>
    process.stderr.write(`PostgreSQL ${where} lost: ${error.message}\n`),
  );
  const store: EventStore = config.eventStoreConnectionString
    ? new EventStoreDbEventStore({ connectionString: config.eventStoreConnectionString })
    : await PostgresEventStore.open({ pool });
  return {
    pool,
    store,
    close: async () => {
      await store.close();
      await pool.end();
      await stopEmbedded?.();
    },
  };
}
