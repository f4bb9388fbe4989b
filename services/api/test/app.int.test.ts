import type { AddressInfo } from 'node:net';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';

async function serve(app: ReturnType<typeof buildApp>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('health and readiness', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase('api');
    store = await PostgresEventStore.open({ pool: db.pool });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('given a reachable database, /readyz reports ready with the log head', async () => {
    const http = await serve(buildApp({ pool: db.pool, eventStore: store }));
    try {
      const response = await fetch(`${http.url}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: 'ready',
        checks: { database: 'ok', eventStore: 'ok', head: 'empty' },
        projections: [],
      });
    } finally {
      await http.close();
    }
  });

  it('given a projection still catching up or failed, /readyz answers 503 naming it', async () => {
    const status = (state: 'catching_up' | 'failed') => ({
      name: 'registry_v1',
      state,
      checkpoint: null,
      processed: 0,
      eventsPerSecond: 0,
      ...(state === 'failed' ? { error: 'bad event', failedPosition: 'p' } : {}),
    });
    for (const state of ['catching_up', 'failed'] as const) {
      const http = await serve(
        buildApp({ pool: db.pool, eventStore: store, runners: [{ status: () => status(state) }] }),
      );
      try {
        const response = await fetch(`${http.url}/readyz`);
        expect(response.status).toBe(503);
        const body = (await response.json()) as { checks: Record<string, string> };
        expect(body.checks['projection registry_v1']).toBe(
          state === 'failed' ? 'failed at p: bad event' : 'catching_up',
        );
      } finally {
        await http.close();
      }
    }
  });

  it('given the database is gone, /readyz answers 503 naming what failed while /healthz stays up', async () => {
    const dead = new pg.Pool({
      connectionString: 'postgres://nobody:x@127.0.0.1:1/none',
      connectionTimeoutMillis: 500,
    });
    const deadStore = await PostgresEventStore.open({ pool: db.pool });
    // The store's own pool works; only the app's pool is unreachable.
    const http = await serve(buildApp({ pool: dead, eventStore: deadStore }));
    try {
      const ready = await fetch(`${http.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { status: string; checks: Record<string, string> };
      expect(body.status).toBe('not ready');
      expect(body.checks.database).toMatch(/^unavailable: /);
      expect((await fetch(`${http.url}/healthz`)).status).toBe(200);
    } finally {
      await http.close();
      await deadStore.close();
      await dead.end();
    }
  });
});
