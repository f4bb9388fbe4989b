import path from 'node:path';
import type { EventStore } from '@registry/eventstore';
import { EventStoreDbEventStore } from '@registry/eventstore/esdb';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { ensureDatabase, type RunningPostgres, startEmbeddedPostgres } from '@registry/postgres';
import { activeVersion, ProjectionRunner, ReferenceProjection, RegistryProjection } from '@registry/projections';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from './config.js';

export interface Infrastructure {
  pool: pg.Pool;
  eventStore: EventStore;
  projections: { registry: RegistryProjection; reference: ReferenceProjection };
  runners: ProjectionRunner[];
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
    // The registry read models a rebuild last switched to (projections:rebuild).
    const registryVersion = await activeVersion(pool, 'registry');
    const projections = {
      registry: new RegistryProjection(eventStore, registryVersion),
      reference: new ReferenceProjection(),
    };
    const runners = Object.values(projections).map(
      (projection) =>
        new ProjectionRunner({
          store: eventStore,
          pool,
          projection,
          onStateChange: (status) => {
            if (status.state === 'failed') logger.error({ projection: status }, 'projection stopped');
            else
              logger.info(
                { projection: status.name, state: status.state, checkpoint: status.checkpoint },
                'projection',
              );
          },
        }),
    );
    await Promise.all(runners.map((r) => r.start()));
    return {
      pool,
      eventStore,
      projections,
      runners,
      describe: {
        database: embedded ? 'embedded' : 'external',
        eventStore: config.eventStoreConnectionString ? 'eventstoredb' : 'postgres',
      },
      stop: async () => {
        await Promise.all(runners.map((r) => r.stop()));
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
