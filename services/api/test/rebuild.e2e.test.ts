import { spawn } from 'node:child_process';
import path from 'node:path';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { activeVersion, ProjectionRunner, RegistryProjection } from '@registry/projections';
import { HouseholdCommandHandler } from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clerkFor } from '../../../projections/test/scenario.js';

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
