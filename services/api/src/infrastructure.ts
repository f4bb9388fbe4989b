import path from 'node:path';
import type { EventStore } from '@registry/eventstore';
import { EventStoreDbEventStore } from '@registry/eventstore/esdb';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { ensureDatabase, type RunningPostgres, startEmbeddedPostgres } from '@registry/postgres';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from './config.js';

export interface Infrastructure {
  pool: pg.Pool;
  eventStore: EventStore;
  /** Which adapters are wired, for logs and /readyz. */
  describe: { database: 'embedded' | 'external'; eventStore: 'postgres' | 'eventstoredb' };
  stop(): Promise<void>;
}

const DATABASE = 'registry';

/**
 * Connects the service to its stores: an embedded PostgreSQL under DATA_DIR unless
 * DATABASE_URL is given, and the PostgreSQL event store unless EVENTSTORE_CONNECTION_STRING
 * names an EventStoreDB.
 */
export async function startInfrastructure(config: Config, logger: Logger): Promise<Infrastructure> {
  let embedded: RunningPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const dataDir = path.join(config.dataDir, 'postgres');
    logger.info({ dataDir, port: config.embeddedPgPort }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({
      dataDir,
      port: config.embeddedPgPort,
      persistent: true,
      log: (line) => logger.debug({ component: 'postgres' }, line),
    });
    await ensureDatabase(embedded.url('postgres'), DATABASE);
    databaseUrl = embedded.url(DATABASE);
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
  pool.on('error', (error) => logger.error({ err: error }, 'idle PostgreSQL connection failed'));
  const onError = (error: Error, context: string) => logger.warn({ err: error, context }, 'event store');
  try {
    const eventStore: EventStore = config.eventStoreConnectionString
      ? new EventStoreDbEventStore({ connectionString: config.eventStoreConnectionString })
      : await PostgresEventStore.open({ pool, onError });
    return {
      pool,
      eventStore,
      describe: {
        database: embedded ? 'embedded' : 'external',
        eventStore: config.eventStoreConnectionString ? 'eventstoredb' : 'postgres',
      },
      stop: async () => {
        await eventStore.close();
        await pool.end();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await pool.end().catch(() => {});
    await embedded?.stop();
    throw error;
  }
}
