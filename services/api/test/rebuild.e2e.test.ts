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

function rebuild(url: string, ...extra: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/api/src/cli/rebuild.ts', ...extra], {
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

describe('projections:rebuild', () => {
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
});
