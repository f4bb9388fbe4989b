import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ensureDatabase,
  freePort,
  type RunningPostgres,
  startEmbeddedPostgres,
  startStreamingReplica,
} from '@registry/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../src/auth.js';
import { clientAt, monitoredHousehold, ok, query, SECRET, villageClerk } from './harness.js';
import { type Running, startService, stopService } from './service.js';

interface Ready {
  status: string;
  checks: Record<string, string>;
}

const HOUSEHOLD = 'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { version } }';

/**
 * Queries on a real streaming replica: an embedded primary of its own (the replica copies its
 * data directory, made with the server's low-level base backup API), the replica beside it,
 * and the service reading from the replica while it writes to the primary.
 */
describe('queries on a streaming replica', () => {
  let dir: string;
  let primary: RunningPostgres;
  let replica: RunningPostgres;
  let service: Running;
  let replicaAdmin: pg.Client;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'registry-replica-'));
    await chmod(dir, 0o755);
    primary = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'primary'),
      port: await freePort(),
      persistent: false,
      settings: { fsync: 'off' },
    });
    await ensureDatabase(primary.url(), 'registry');
    replica = await startStreamingReplica({
      primaryUrl: primary.url(),
      primaryDataDir: path.join(dir, 'primary'),
      dataDir: path.join(dir, 'replica'),
      port: await freePort(),
    });
    replicaAdmin = new pg.Client({ connectionString: replica.url() });
    await replicaAdmin.connect();
    service = await startService({
      DATA_DIR: dir,
      PORT: String(await freePort()),
      DATABASE_URL: primary.url('registry'),
      DATABASE_REPLICA_URL: replica.url('registry'),
      JWT_SECRET: SECRET,
      WAIT_FOR_TIMEOUT_MS: '1500',
    });
  });
  afterAll(async () => {
    if (service) await stopService(service);
    await replicaAdmin?.end();
    await replica?.stop();
    await primary?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads its own writes through the replicated checkpoints; a replica held back answers READ_MODEL_BEHIND, never a stale answer as fresh', async () => {
    const ready = (await (await fetch(`${service.url}/readyz`)).json()) as Ready;
    expect(ready.checks.replica).toMatch(/^streaming: [\d,]+ bytes of WAL behind the primary/);
    expect(Object.keys(ready.checks)).toContain('projection registry_v1 on the replica');

    const client = clientAt(service.url, await issueToken(SECRET, villageClerk));
    const householdId = randomUUID();
    const helper = await monitoredHousehold(client, householdId);
    const seen = await query<{ household: { version: number } }>(client, HOUSEHOLD, {
      id: householdId,
      w: helper.position,
    });
    expect(seen.errors).toBeUndefined();
    expect(seen.data.household.version).toBe(1);

    // The replica stops replaying: what is written now reaches the primary's tables only.
    await replicaAdmin.query('SELECT pg_wal_replay_pause()');
    const visit = await ok(client, 'RecordVisit', { householdId, effectiveAt: '2020-04-01', data: { notes: '走访' } });
    const behind = await query<{ household: { version: number } | null }>(client, HOUSEHOLD, {
      id: householdId,
      w: visit.position,
    });
    expect(behind.errors?.[0]?.extensions).toMatchObject({ code: 'READ_MODEL_BEHIND', position: visit.position });
    // Without waitFor the answer is the replica's, as of its replay: the visit is not in it.
    const stale = await query<{ household: { version: number } }>(client, HOUSEHOLD, { id: householdId });
    expect(stale.data.household.version).toBe(1);
    const held = (await (await fetch(`${service.url}/readyz`)).json()) as Ready;
    expect(held.checks.replica).not.toMatch(/^streaming: 0 bytes/);

    await replicaAdmin.query('SELECT pg_wal_replay_resume()');
    const caughtUp = await query<{ household: { version: number } }>(client, HOUSEHOLD, {
      id: householdId,
      w: visit.position,
    });
    expect(caughtUp.errors).toBeUndefined();
    expect(caughtUp.data.household.version).toBe(2);
  });
});
