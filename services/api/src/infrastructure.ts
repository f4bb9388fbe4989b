import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { EventStore } from '@registry/eventstore';
import { EventStoreDbEventStore } from '@registry/eventstore/esdb';
import { ReadRecorder } from '@registry/eventstore/log';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import {
  claimDirectory,
  createPool,
  ensureDatabase,
  type RunningPostgres,
  startEmbeddedPostgres,
} from '@registry/postgres';
import {
  AreaDirectory,
  type ReferenceProjection,
  type RegistryProjection,
  type RunnerStatus,
} from '@registry/projections';
import {
  AreaRecordHandler,
  AreaReferenceHandler,
  AssessmentHandler,
  HouseholdCommandHandler,
  PolicyBook,
} from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { LogKeeper } from './log-keeper.js';
import { logSigner } from './log-key.js';
import { followProjections, type ProjectionHandle, type ProjectionSide, type Role, runProjections } from './roles.js';

export interface Infrastructure {
  pool: pg.Pool;
  eventStore: EventStore;
  /** `registry` is whichever version currently serves. */
  projections: { readonly registry: RegistryProjection; reference: ReferenceProjection };
  runners: ProjectionHandle[];
  handler: HouseholdCommandHandler;
  reference: AreaReferenceHandler;
  /** Area names as of a date: the national register and the changes recorded since. */
  names: AreaDirectory;
  assessments: AssessmentHandler;
  areas: AreaRecordHandler;
  /** The policy versions recorded on the log (seeded with today's values at the first start). */
  policies: PolicyBook;
  /** Read-your-writes on the serving registry read models. */
  waitForRegistry(position: string, timeoutMs?: number): Promise<void>;
  /** The tamper-evident log: sealed and signed as the service runs (docs/log.md). */
  log: LogKeeper;
  /** The record of reads of personal data, chained and signed with the log. */
  reads: ReadRecorder;
  /** What this process does (ROLE), and the leases it holds or stands by for (/readyz). */
  role: Role;
  leases(): { name: string; held: boolean }[];
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
  let release: (() => Promise<void>) | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const dataDir = path.join(config.dataDir, 'postgres');
    // One service per data directory. A server left running by a service that was killed is
    // stopped and started afresh: the README's start command works again with no hand work.
    await mkdir(config.dataDir, { recursive: true });
    release = await claimDirectory(config.dataDir, 'the registry service');
    logger.info({ dataDir, port: config.embeddedPgPort }, 'starting embedded PostgreSQL');
    try {
      embedded = await startEmbeddedPostgres({
        dataDir,
        port: config.embeddedPgPort,
        persistent: true,
        replaceLeftover: true,
        log: (line) =>
          line.startsWith('stopping PostgreSQL') || line.includes('did not stop in time')
            ? logger.warn({ component: 'postgres' }, line)
            : logger.debug({ component: 'postgres' }, line),
      });
      await ensureDatabase(embedded.url('postgres'), DATABASE);
    } catch (error) {
      await embedded?.stop().catch(() => {});
      await release();
      throw error;
    }
    databaseUrl = embedded.url(DATABASE);
  }
  // A lost connection is logged once, briefly: the query on it fails and is retried or
  // answered 503. While the service stops, connections closing are expected: debug only.
  let stopping = false;
  const pool = createPool({ connectionString: databaseUrl, max: 20 }, (error, where) => {
    const line = { error: error.message, code: (error as { code?: string }).code, where };
    if (stopping) logger.debug(line, 'PostgreSQL connection closed while stopping');
    else logger.warn(line, 'PostgreSQL connection lost');
  });
  const onError = (error: Error, context: string) =>
    stopping
      ? logger.debug({ error: error.message, context }, 'event store connection closed while stopping')
      : logger.warn({ error: error.message, code: (error as { code?: string }).code, context }, 'event store');
  let side: ProjectionSide | undefined;
  try {
    const eventStore: EventStore = config.eventStoreConnectionString
      ? new EventStoreDbEventStore({ connectionString: config.eventStoreConnectionString })
      : await PostgresEventStore.open({ pool, onError });
    // An operator sees each change of a projection's state once at info; every batch that
    // keeps it caught up is chatter, at debug.
    const lastState = new Map<string, RunnerStatus['state']>();
    const onStateChange = (status: RunnerStatus) => {
      const changed = lastState.get(status.name) !== status.state;
      lastState.set(status.name, status.state);
      const line = { projection: status.name, state: status.state, checkpoint: status.checkpoint };
      if (status.state === 'failed') logger.error({ projection: status }, 'projection stopped');
      else if (status.state === 'retrying') logger.warn({ ...line, error: status.error }, 'projection retrying');
      else if (changed) logger.info(line, 'projection');
      else logger.debug(line, 'projection');
    };
    // No code constant decides a case: the rules read the versions recorded on the log, and
    // the first start records today's values as the first version.
    const policy = new PolicyBook(eventStore, NATIONAL_POLICY);
    await policy.seed();
    const { signer, development } = await logSigner(config);
    if (development) {
      logger.warn(
        { keyId: signer.keyId },
        'the log is signed with a development key (DATA_DIR/dev-log-key.pem): set LOG_SIGNING_KEY in production',
      );
    }
    const reads = new ReadRecorder(pool);
    const log = new LogKeeper({ store: eventStore, pool, signer, logger, reads, ...config.log });
    // The registry read models follow the version a rebuild last switched to (projections:rebuild).
    // An api process runs none of it: it follows the workers' checkpoints and only reads the log.
    if (config.role === 'api') log.prepare();
    side =
      config.role === 'api'
        ? await followProjections({ store: eventStore, pool, logger })
        : await runProjections(
            { store: eventStore, pool, logger, log, onStateChange, shared: embedded === undefined },
            config.role === 'worker',
          );
    const { projections, runners } = side;
    const names = new AreaDirectory(pool, projections.reference);
    return {
      pool,
      eventStore,
      projections,
      runners,
      handler: new HouseholdCommandHandler(eventStore, { policy }),
      // A merger's target is known on the log's names as projected (an area named a moment ago
      // may be refused until the reference projection has it; the refusal says what to do).
      reference: new AreaReferenceHandler(eventStore, undefined, (code, on) =>
        names.known(code, { effectiveOn: on, knownAt: new Date().toISOString() }),
      ),
      names,
      assessments: new AssessmentHandler(eventStore, { policy }),
      areas: new AreaRecordHandler(eventStore, { policy }),
      policies: policy,
      waitForRegistry: (position, timeoutMs) => (side as ProjectionSide).waitForRegistry(position, timeoutMs),
      role: config.role,
      leases: () => (side as ProjectionSide).leases(),
      log,
      reads,
      describe: {
        database: embedded ? 'embedded' : 'external',
        eventStore: config.eventStoreConnectionString ? 'eventstoredb' : 'postgres',
      },
      stop: async () => {
        stopping = true;
        await side?.stop();
        await eventStore.close();
        await pool.end();
        await embedded?.stop();
        await release?.();
      },
    };
  } catch (error) {
    await side?.stop().catch(() => {});
    await pool.end().catch(() => {});
    await embedded?.stop();
    await release?.();
    throw error;
  }
}
