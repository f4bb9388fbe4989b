import type { EventStore } from '@registry/eventstore';
import { Lease } from '@registry/postgres';
import {
  type Backlog,
  CheckpointWatcher,
  ProjectionRunner,
  ReferenceProjection,
  type RegistryProjection,
  RegistryVersionFollower,
  RegistryVersionWatcher,
  type RunnerStatus,
} from '@registry/projections';
import type pg from 'pg';
import type { Logger } from 'pino';
import { ConfigError } from './config.js';
import type { LogKeeper } from './log-keeper.js';
import type { ReadinessStatus } from './readiness.js';

/**
 * What one process does (ROLE): `all` serves HTTP and runs every projection and the log's
 * sealing (the default, and the only role on the embedded database); `api` serves HTTP and
 * runs nothing in the background, following the projections through their checkpoints;
 * `worker` runs the projections and the sealing under leases, and serves only /healthz and
 * /readyz. Any number of api and worker processes may share one database.
 */
export type Role = 'all' | 'api' | 'worker';

/** A projection as readiness and read-your-writes see it, whichever process runs it. */
export interface ProjectionHandle {
  status(): ReadinessStatus;
  lag(): Promise<{ head: string | null; checkpoint: string | null; behind: boolean }>;
  backlog(cap: number): Promise<Backlog>;
}

export interface ProjectionSide {
  projections: { readonly registry: RegistryProjection; reference: ReferenceProjection };
  runners: ProjectionHandle[];
  waitForRegistry(position: string, timeoutMs?: number): Promise<void>;
  /** The leases this process holds or stands by for (none in the api role, or on the embedded database). */
  leases(): { name: string; held: boolean }[];
  stop(): Promise<void>;
}

interface SideDeps {
  store: EventStore;
  pool: pg.Pool;
  logger: Logger;
  log: LogKeeper;
  onStateChange: (status: RunnerStatus) => void;
  /** Whether other processes may share the database (false on the embedded one: no leases needed). */
  shared: boolean;
}

/** Lease names: one per unit of background work, so two workers may share it. */
export const LEASES = { registry: 'projections:registry', reference: 'projections:reference', log: 'log' } as const;

const noBacklog: Backlog = { events: 0, atLeast: false, oldestRecordedAt: null };

/**
 * The projections and the log's sealing run here; `guarded` takes each under a lease and runs
 * it only while held (worker), else they run from the start (all). An `all` process on a shared
 * database refuses to start where a worker already holds the work: it would contend with it.
 */
export async function runProjections(deps: SideDeps, guarded: boolean): Promise<ProjectionSide> {
  const { store, pool, logger, log, onStateChange } = deps;
  const follower = new RegistryVersionFollower({
    store,
    pool,
    onStateChange,
    onSwitch: (from, to) => logger.info({ from, to }, 'registry read models switched'),
    onCheckFailed: (error) => logger.warn({ error: error.message }, 'could not look for a switched registry version'),
  });
  const reference = new ReferenceProjection();
  const referenceRunner = new ProjectionRunner({ store, pool, projection: reference, onStateChange });
  const work = {
    [LEASES.registry]: { start: () => follower.start(), stop: () => follower.stop() },
    [LEASES.reference]: { start: () => referenceRunner.start(), stop: () => referenceRunner.stop() },
    [LEASES.log]: { start: async () => log.start(), stop: () => log.stop() },
  };
  const leases = deps.shared
    ? Object.entries(work).map(
        ([name, w]) =>
          new Lease({
            pool,
            name,
            onAcquired: async () => {
              logger.info({ lease: name }, guarded ? 'lease taken: running its work here' : 'lease taken');
              if (guarded) await w.start();
            },
            onLost: async (reason) => {
              if (reason !== 'stopping')
                logger.warn({ lease: name, reason }, guarded ? 'lease lost: its work stopped here' : 'lease lost');
              if (guarded) await w.stop();
            },
            onError: (error) => logger.debug({ lease: name, error: error.message }, 'lease not checked'),
          }),
      )
    : [];
  await Promise.all(leases.map((l) => l.start()));
  if (!guarded) {
    const taken = leases.filter((l) => !l.held).map((l) => l.name);
    if (taken.length > 0) {
      await Promise.all(leases.map((l) => l.stop()));
      throw new ConfigError(
        `ROLE=all: another process (a ROLE=worker) already runs ${taken.join(', ')} on this database; start this one with ROLE=api`,
      );
    }
    await Promise.all([follower.start(), referenceRunner.start()]);
    log.start();
  }
  const held = (name: string) => !guarded || leases.find((l) => l.name === name)?.held === true;
  const standby = (name: string): ReadinessStatus => ({
    name,
    state: 'standby',
    checkpoint: null,
    processed: 0,
    eventsPerSecond: 0,
  });
  return {
    projections: {
      get registry(): RegistryProjection {
        return follower.projection;
      },
      reference,
    },
    runners: [
      {
        status: () => (held(LEASES.registry) ? follower.runner.status() : standby('registry')),
        lag: () =>
          held(LEASES.registry)
            ? follower.runner.lag()
            : Promise.resolve({ head: null, checkpoint: null, behind: false }),
        backlog: (cap) => (held(LEASES.registry) ? follower.runner.backlog(cap) : Promise.resolve(noBacklog)),
      },
      {
        status: () => (held(LEASES.reference) ? referenceRunner.status() : standby(reference.name)),
        lag: () =>
          held(LEASES.reference)
            ? referenceRunner.lag()
            : Promise.resolve({ head: null, checkpoint: null, behind: false }),
        backlog: (cap) => (held(LEASES.reference) ? referenceRunner.backlog(cap) : Promise.resolve(noBacklog)),
      },
    ],
    waitForRegistry: (position, timeoutMs) => follower.runner.waitFor(position, timeoutMs),
    leases: () => leases.map((l) => ({ name: l.name, held: l.held })),
    stop: async () => {
      if (guarded) await Promise.all(leases.map((l) => l.stop()));
      else {
        await Promise.all([follower.stop(), referenceRunner.stop(), log.stop()]);
        await Promise.all(leases.map((l) => l.stop()));
      }
    },
  };
}

/**
 * ROLE=api: nothing runs here in the background. The registry's active version and both
 * projections are followed through their checkpoint rows (read-your-writes included); the
 * log is read, never sealed here (a worker seals it).
 */
export async function followProjections(deps: Pick<SideDeps, 'store' | 'pool' | 'logger'>): Promise<ProjectionSide> {
  const { store, pool, logger } = deps;
  const registry = new RegistryVersionWatcher({
    store,
    pool,
    onSwitch: (from, to) => logger.info({ from, to }, 'registry read models switched'),
    onCheckFailed: (error) => logger.warn({ error: error.message }, 'could not look for a switched registry version'),
  });
  const reference = new ReferenceProjection();
  const referenceWatcher = new CheckpointWatcher({ store, pool, projection: reference });
  await Promise.all([registry.start(), referenceWatcher.start()]);
  return {
    projections: {
      get registry(): RegistryProjection {
        return registry.projection;
      },
      reference,
    },
    runners: [
      {
        status: () => registry.watcher.status(),
        lag: () => registry.watcher.lag(),
        backlog: (cap) => registry.watcher.backlog(cap),
      },
      referenceWatcher,
    ],
    waitForRegistry: (position, timeoutMs) => registry.watcher.waitFor(position, timeoutMs),
    leases: () => [],
    stop: async () => {
      await Promise.all([registry.stop(), referenceWatcher.stop()]);
    },
  };
}
