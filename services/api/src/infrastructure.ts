import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { EventStore } from '@registry/eventstore';
import { EventStoreDbEventStore } from '@registry/eventstore/esdb';
import { migrateReads, ReadRecorder } from '@registry/eventstore/log';
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
  /** `registry` is whichever version currently serves (on the replica, when queries read one). */
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
  /** Where queries read, when a streaming replica serves them: its state and lag (/readyz). */
  replica?: () => Promise<{ ok: boolean; text: string }>;
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
  const onPoolError = (name: string) => (error: Error, where: string) => {
    const line = { error: error.message, code: (error as { code?: string }).code, where, database: name };
    if (stopping) logger.debug(line, 'PostgreSQL connection closed while stopping');
    else logger.warn(line, 'PostgreSQL connection lost');
  };
  const pool = createPool({ connectionString: databaseUrl, max: 20 }, onPoolError('primary'));
  // Queries read the replica when there is one; writes, the log and the record of reads do not.
  const replicaPool = config.replicaUrl
    ? createPool({ connectionString: config.replicaUrl, max: 20 }, onPoolError('replica'))
    : undefined;
  const queryPool = replicaPool ?? pool;
  const onError = (error: Error, context: string) =>
    stopping
      ? logger.debug({ error: error.message, context }, 'event store connection closed while stopping')
      : logger.warn({ error: error.message, code: (error as { code?: string }).code, context }, 'event store');
  let side: ProjectionSide | undefined;
  let served: ProjectionSide | undefined;
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
    await migrateReads(pool);
    const log = new LogKeeper({ store: eventStore, pool, signer, logger, reads, ...config.log });
    // The registry read models follow the version a rebuild last switched to (projections:rebuild).
    // An api process runs none of it: it follows the workers' checkpoints and only reads the log.
    if (config.role === 'api') log.prepare();
    side =
      config.role === 'api'
        ? await followProjections({ store: eventStore, pool: queryPool, logger })
        : await runProjections(
            { store: eventStore, pool, logger, log, onStateChange, shared: embedded === undefined },
            config.role === 'worker',
          );
    // What queries read: the replica's copy, followed through its replicated checkpoints
    // (read-your-writes waits for the replica, not for the runner beside it).
    served =
      replicaPool && config.role === 'all'
        ? await followProjections({ store: eventStore, pool: replicaPool, logger })
        : side;
    const { projections } = served;
    const runners = served === side ? side.runners : [...side.runners, ...served.runners.map((r) => onReplica(r))];
    const names = new AreaDirectory(queryPool, projections.reference);
    const waitFor = served;
    return {
      pool: queryPool,
      ...(replicaPool ? { replica: () => replicaState(pool, replicaPool) } : {}),
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
      waitForRegistry: (position, timeoutMs) => waitFor.waitForRegistry(position, timeoutMs ?? config.waitForTimeoutMs),
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
        if (served !== side) await served?.stop();
        await side?.stop();
        await eventStore.close();
        await pool.end();
        await replicaPool?.end();
        await embedded?.stop();
        await release?.();
      },
    };
  } catch (error) {
    if (served !== side) await served?.stop().catch(() => {});
    await side?.stop().catch(() => {});
    await pool.end().catch(() => {});
    await replicaPool?.end().catch(() => {});
    await embedded?.stop();
    await release?.();
    throw error;
  }
}

/** A projection as the replica shows it: named apart from the runner on the primary. */
function onReplica(handle: ProjectionHandle): ProjectionHandle {
  return {
    status: () => {
      const status = handle.status();
      return { ...status, name: `${status.name} on the replica` };
    },
    lag: () => handle.lag(),
    backlog: (cap) => handle.backlog(cap),
  };
}

/** Whether the replica is one (in recovery), and how far its replay is behind the primary's WAL. */
async function replicaState(primary: pg.Pool, replica: pg.Pool): Promise<{ ok: boolean; text: string }> {
  const r = await replica.query<{ standby: boolean; replayed: string | null; since: number | null }>(
    `SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replayed,
            extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS since`,
  );
  const row = r.rows[0];
  if (!row?.standby || row.replayed === null) {
    return {
      ok: false,
      text: 'not a replica (it is not in recovery): queries would read a copy that no longer follows the primary',
    };
  }
  const p = await primary.query<{ behind: number }>(
    'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::float8 AS behind',
    [row.replayed],
  );
  const behind = Math.max(0, Math.round(p.rows[0]?.behind ?? 0));
  const since = row.since === null ? 'none replayed yet' : `the last replayed ${Math.round(row.since)} s ago`;
  return {
    ok: true,
    text: `streaming: ${behind.toLocaleString('en')} bytes of WAL behind the primary (transactions: ${since})`,
  };
}
