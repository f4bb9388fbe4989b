import { spawn } from 'node:child_process';
import path from 'node:path';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { activeVersion, ProjectionRunner, RegistryProjection } from '@registry/projections';
import { HouseholdCommandHandler } from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clerkFor } from '../../../projections/test/scenario.js';
import { simulate } from '../../../test/simulator/run.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function cli(script: string, url: string, ...extra: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `services/api/src/cli/${script}.ts`, ...extra], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, EVENTSTORE_CONNECTION_STRING: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      out += c;
    });
    child.once('exit', (code) => resolve({ code, out }));
  });
}
const rebuild = (url: string, ...extra: string[]) => cli('rebuild', url, ...extra);

describe('projections:rebuild and projections:verify', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase('rebuild');
    store = await PostgresEventStore.open({ pool: db.pool });
    const handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
    for (let i = 0; i < 3; i++) {
      const c = clerkFor(handler);
      await c.register();
      if (i === 0) await c.exit(2019);
    }
    // The serving version, as the service keeps it.
    const runner = new ProjectionRunner({ store, pool: db.pool, projection: new RegistryProjection(store, 1) });
    await runner.start();
    await runner.waitFor((await store.headPosition()) as string);
    await runner.stop();
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('builds the next version beside the serving one, then switches to it; --no-switch only builds', async () => {
    const first = await rebuild(db.url);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(/v1 serves, building v2/);
    expect(first.out).toMatch(/switched: registry_v2 now serves \(was v1\)/);
    expect(await activeVersion(db.pool, 'registry')).toBe(2);
    const rows = async (v: number) =>
      (
        await db.pool.query(
          `SELECT household_id, status, member_count, version FROM rm_households_v${v} ORDER BY household_id`,
        )
      ).rows;
    expect(await rows(2)).toEqual(await rows(1));
    expect((await rows(2)).map((r) => r.status).sort()).toEqual(['exited', 'registered', 'registered']);

    const second = await rebuild(db.url, '--no-switch');
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/built registry_v3; not switched \(v2 still serves\)/);
    expect(await activeVersion(db.pool, 'registry')).toBe(2);
    expect(await rows(3)).toEqual(await rows(2));
  });

  it('verify passes on untouched tables and fails, naming the household, after an edit', async () => {
    const clean = await cli('verify', db.url);
    expect(clean.code, clean.out).toBe(0);
    expect(clean.out).toMatch(/verified registry_v2: 3 households/);
    expect(clean.out).toMatch(/no differences/);
    const [victim] = (await db.pool.query('SELECT household_id FROM rm_households_v2 LIMIT 1')).rows;
    await db.pool.query("UPDATE rm_households_v2 SET card_number = 'FORGED' WHERE household_id = $1", [
      victim.household_id,
    ]);
    const tampered = await cli('verify', db.url);
    expect(tampered.code, tampered.out).toBe(1);
    expect(tampered.out).toContain(`difference: household ${victim.household_id} in rm_households_v2`);
    expect(tampered.out).toMatch(/FORGED/);
  });
});

describe('a rebuild killed half way', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase('rebuildkill');
    store = await PostgresEventStore.open({ pool: db.pool });
    await simulate({ households: 150, seed: 7, mode: 'bulk', store });
    const runner = new ProjectionRunner({ store, pool: db.pool, projection: new RegistryProjection(store, 1) });
    await runner.start();
    await runner.waitFor((await store.headPosition()) as string, 60_000);
    await runner.stop();
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  const tables = async () =>
    (
      await db.pool.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'rm\\_%\\_v%' ORDER BY tablename",
      )
    ).rows.map((r) => r.tablename.replace(/^rm_[a-z_]+_/, ''));

  it('is resumed from its last committed chunk by the next run, and nothing is left behind', async () => {
    // Killed (SIGKILL) once some households are in: its checkpoint row says running, its tables half full.
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/api/src/cli/rebuild.ts', '--streams', '1'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, EVENTSTORE_CONNECTION_STRING: '' },
      stdio: 'ignore',
    });
    const progress = async () =>
      (
        await db.pool.query<{ bulk_after: string | null }>(
          "SELECT bulk_after FROM projection_checkpoints WHERE name = 'registry_v2'",
        )
      ).rows[0]?.bulk_after ?? null;
    for (let i = 0; i < 400 && (await progress()) === null; i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const killedAt = await progress();
    expect(killedAt).not.toBeNull();
    const partial = Number((await db.pool.query('SELECT count(*) AS n FROM rm_households_v2')).rows[0].n);
    expect(partial).toBeLessThan(150);

    const resumed = await rebuild(db.url);
    expect(resumed.code, resumed.out).toBe(0);
    expect(resumed.out).toMatch(
      /resuming registry_v2, started earlier and not switched to, from its last committed chunk/,
    );
    expect(resumed.out).toMatch(/switched: registry_v2 now serves \(was v1\)/);
    expect(await activeVersion(db.pool, 'registry')).toBe(2);
    const verified = await cli('verify', db.url);
    expect(verified.code, verified.out).toBe(0);
    expect(verified.out).toMatch(/no differences/);

    // The next rebuild keeps the version it replaces (services may still serve it) and drops the rest.
    expect(new Set(await tables())).toEqual(new Set(['v1', 'v2']));
    const next = await rebuild(db.url);
    expect(next.code, next.out).toBe(0);
    expect(next.out).toMatch(/dropped registry_v1/);
    expect(new Set(await tables())).toEqual(new Set(['v2', 'v3']));
    const checkpoints = await db.pool.query<{ name: string }>('SELECT name FROM projection_checkpoints ORDER BY name');
    expect(checkpoints.rows.map((r) => r.name).filter((n) => n.startsWith('registry'))).toEqual([
      'registry_v2',
      'registry_v3',
    ]);
  });
});
