import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { freePort } from '@registry/postgres';
import { activeVersion, RegistryProjection, verifyRegistry } from '@registry/projections';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../src/auth.js';
import { clientAt, monitoredHousehold, ok, query, SECRET, villageClerk } from './harness.js';
import { type Running, startService, stopService } from './service.js';

interface Ready {
  status: string;
  checks: Record<string, string>;
}

const readyz = async (running: Running): Promise<{ status: number; body: Ready }> => {
  const response = await fetch(`${running.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Ready };
};

const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> => {
  const started = Date.now();
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const kill9 = (running: Running) =>
  new Promise<void>((resolve) => {
    running.child.once('exit', () => resolve());
    running.child.kill('SIGKILL');
  });

/** The lease names a worker's /readyz says it holds. */
const held = (body: Ready): string[] =>
  /held: ([^;]+)/
    .exec(body.checks.leases ?? '')?.[1]
    ?.split(', ')
    .filter(Boolean) ?? [];

describe('processes by role: api processes and lease-holding workers on one database', () => {
  let db: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  const running: Running[] = [];
  const start = async (role: string) => {
    const service = await startService({ ...env, ROLE: role, PORT: String(await freePort()) });
    running.push(service);
    return service;
  };

  beforeAll(async () => {
    db = await createTestDatabase('roles');
    dir = await mkdtemp(path.join(tmpdir(), 'registry-roles-'));
    await chmod(dir, 0o755);
    const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    env = { DATABASE_URL: db.url, LOG_SIGNING_KEY: key, JWT_SECRET: SECRET, DATA_DIR: dir };
  });
  afterAll(async () => {
    // A process killed with -9 has a signal code and no exit code: it is not stopped again.
    for (const service of running) {
      if (service.child.exitCode === null && service.child.signalCode === null) await stopService(service);
    }
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a worker without a database URL stops at once, naming the setting', async () => {
    await expect(startService({ ROLE: 'worker', DATA_DIR: dir, PORT: String(await freePort()) })).rejects.toThrow(
      /ROLE=worker requires DATABASE_URL/,
    );
  });

  it('two api processes answer the same commands once; a worker killed with -9 is replaced within seconds, nothing lost or applied twice', async () => {
    const workerA = await start('worker');
    await until('worker A holds every lease', async () =>
      held((await readyz(workerA)).body).length === 3 ? true : undefined,
    );
    const workerB = await start('worker');
    const [api1, api2] = [await start('api'), await start('api')];
    const standby = await readyz(workerB);
    expect(standby.status, 'a standing-by worker is ready').toBe(200);
    expect(standby.body.checks).toMatchObject({ role: 'worker', leases: expect.stringMatching(/^standby: /) });
    // A worker serves no API.
    expect((await fetch(`${workerA.url}/graphql`, { method: 'POST' })).status).toBe(404);

    const token = await issueToken(SECRET, villageClerk);
    const [one, two] = [clientAt(api1.url, token), clientAt(api2.url, token)];
    const householdId = randomUUID();
    await monitoredHousehold(one, householdId);
    // The same command sent to both api processes, as a balancer retrying would: written once.
    const commandId = randomUUID();
    const visit = { householdId, effectiveAt: '2020-04-01', data: { notes: '走访' } };
    const [first, again] = await Promise.all([
      ok(one, 'RecordVisit', visit, { commandId }),
      ok(two, 'RecordVisit', visit, { commandId }),
    ]);
    expect([first.duplicate, again.duplicate].sort()).toEqual([false, true]);
    expect(again.position).toBe(first.position);
    // Read-your-writes on the other process: it follows the worker's checkpoint.
    const seen = await query<{ household: { version: number } }>(
      two,
      'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { version } }',
      { id: householdId, w: first.position },
    );
    expect(seen.errors).toBeUndefined();
    expect(seen.data.household.version).toBe(2);
    const apiReady = await readyz(api1);
    expect(apiReady.status).toBe(200);
    expect(apiReady.body.checks).toMatchObject({ role: 'api', 'projection registry_v1': 'caught_up' });

    // Worker A killed mid-work: B takes every lease over, and commands keep being projected.
    await kill9(workerA);
    const killedAt = Date.now();
    const writes = Array.from({ length: 5 }, (_, i) =>
      ok(i % 2 ? one : two, 'RecordVisit', { ...visit, effectiveAt: `2020-05-0${i + 1}` }),
    );
    await until('worker B holds every lease', async () =>
      held((await readyz(workerB)).body).length === 3 ? true : undefined,
    );
    const takeover = Date.now() - killedAt;
    expect(takeover, 'taken over within seconds').toBeLessThan(10_000);
    const last = (await Promise.all(writes)).at(-1);
    const after = await query<{ household: { version: number } }>(
      one,
      'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { version } }',
      { id: householdId, w: last?.position },
    );
    expect(after.data.household.version).toBe(7);

    // Forced expiry: B's lease connections terminated as an operator (or a network cut) would.
    // B stops its work at once; the leases go to B again or to a new worker C (or are shared);
    // never two holders at a time.
    const workerC = await start('worker');
    const holders = await db.pool.query<{ pid: number }>(
      "SELECT DISTINCT pid FROM pg_locks WHERE locktype = 'advisory' AND granted",
    );
    expect(holders.rows.length).toBeGreaterThan(0);
    for (const { pid } of holders.rows) await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    const overlaps: string[] = [];
    await until('the leases move to one worker again', async () => {
      const [b, c] = [held((await readyz(workerB)).body), held((await readyz(workerC)).body)];
      const both = b.filter((name) => c.includes(name));
      if (both.length > 0) overlaps.push(both.join(', '));
      return b.length + c.length === 3 ? true : undefined;
    });
    expect(overlaps, 'no lease was ever held by two workers').toEqual([]);
    const more = await ok(two, 'RecordVisit', { ...visit, effectiveAt: '2020-06-01' });
    const final = await query<{ household: { version: number } }>(
      one,
      'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { version } }',
      { id: householdId, w: more.position },
    );
    expect(final.data.household.version).toBe(8);

    // The tables equal a fold of the log: nothing applied twice, nothing skipped.
    const store = await PostgresEventStore.open({ pool: db.newPool(4) });
    const version = await activeVersion(db.pool, 'registry');
    const report = await verifyRegistry(store, db.pool, new RegistryProjection(store, version));
    await store.close();
    expect(report.differences).toEqual([]);
    expect(report.events).toBe(9);
  });
});
