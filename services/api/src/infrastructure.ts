import path from 'node:path';
import type { EventStore } from '@registry/eventstore';
import { EventStoreDbEventStore } from '@registry/eventstore/esdb';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { createPool, ensureDatabase, type RunningPostgres, startEmbeddedPostgres } from '@registry/postgres';
import {
  ProjectionRunner,
  ReferenceProjection,
  type RegistryProjection,
  RegistryVersionFollower,
  type RunnerStatus,
} from '@registry/projections';
import { AreaReferenceHandler, HouseholdCommandHandler } from '@registry/registry';
import { NATIONAL_POLICY, type Policy } from '@registry/schema';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from './config.js';

export interface Infrastructure {
  pool: pg.Pool;
  eventStore: EventStore;
  /** `registry` is whichever version currently serves. */
  projections: { readonly registry: RegistryProjection; reference: ReferenceProjection };
  runners: {
    status(): RunnerStatus;
    lag(): Promise<{ head: string | null; checkpoint: string | null; behind: boolean }>;
  }[];
  handler: HouseholdCommandHandler;
  reference: AreaReferenceHandler;
  policy: Policy;
  /** Read-your-writes on the serving registry read models. */
  waitForRegistry(position: string, timeoutMs?: number): Promise<void>;
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
  // A lost connection is logged once, briefly: the query on it fails and is retried or answered 503.
  const pool = createPool({ connectionString: databaseUrl, max: 20 }, (error, where) =>
    logger.warn({ error: error.message, code: (error as { code?: string }).code, where }, 'PostgreSQL connection lost'),
  );
  const onError = (error: Error, context: string) => logger.warn({ err: error, context }, 'event store');
  try {
    const eventStore: EventStore = config.eventStoreConnectionString
      ? new EventStoreDbEventStore({ connectionString: config.eventStoreConnectionString })
      : await PostgresEventStore.open({ pool, onError });
    const onStateChange = (status: RunnerStatus) => {
      if (status.state === 'failed') logger.error({ projection: status }, 'projection stopped');
      else logger.info({ projection: status.name, state: status.state, checkpoint: status.checkpoint }, 'projection');
    };
    // The registry read models follow the version a rebuild last switched to (projections:rebuild).
    const registry = new RegistryVersionFollower({
      store: eventStore,
      pool,
      onStateChange,
      onSwitch: (from, to) => logger.info({ from, to }, 'registry read models switched'),
      onCheckFailed: (error) => logger.warn({ error: error.message }, 'could not look for a switched registry version'),
    });
    const reference = new ReferenceProjection();
    const referenceRunner = new ProjectionRunner({ store: eventStore, pool, projection: reference, onStateChange });
    await Promise.all([registry.start(), referenceRunner.start()]);
    const projections = {
      get registry(): RegistryProjection {
        return registry.projection;
      },
      reference,
    };
    const runners = [registry.runner, referenceRunner];
    const policy = NATIONAL_POLICY;
    return {
      pool,
      eventStore,
      projections,
      runners,
      handler: new HouseholdCommandHandler(eventStore, { policy }),
      reference: new AreaReferenceHandler(eventStore),
      policy,
      waitForRegistry: (position, timeoutMs) => registry.runner.waitFor(position, timeoutMs),
      describe: {
        database: embedded ? 'embedded' : 'external',
        eventStore: config.eventStoreConnectionString ? 'eventstoredb' : 'postgres',
      },
      stop: async () => {
        await Promise.all([registry.stop(), referenceRunner.stop()]);
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
