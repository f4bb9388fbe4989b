import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

describe('the console at /', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let dist: string;
  beforeAll(async () => {
    db = await createTestDatabase('console');
    store = await PostgresEventStore.open({ pool: db.pool });
    dist = await mkdtemp(path.join(tmpdir(), 'registry-console-dist-'));
    await mkdir(path.join(dist, 'assets'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>管理台</title>');
    await writeFile(path.join(dist, 'assets', 'app-0123.js'), `console.log(${JSON.stringify('x'.repeat(4000))});`);
  });
  afterAll(async () => {
    await store.close();
    await db.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('serves its files (assets gzipped, cached for good) and index.html for its own routes, never for the API’s', async () => {
    const http = await serve(buildApp({ pool: db.pool, eventStore: store, console: { distDir: dist } }));
    try {
      for (const route of ['/', '/households/abc', '/dashboard?area=320924000000']) {
        const page = await fetch(`${http.url}${route}`);
        expect(page.status, route).toBe(200);
        expect(await page.text(), route).toContain('管理台');
        expect(page.headers.get('cache-control'), route).toBe('no-cache');
      }
      const asset = await fetch(`${http.url}/assets/app-0123.js`, { headers: { 'accept-encoding': 'gzip' } });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-encoding')).toBe('gzip');
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect((await fetch(`${http.url}/assets/missing.js`)).status).toBe(404);
      // The API's paths are never the console's page: without the API mounted they are simply absent.
      for (const route of ['/graphql', '/export/snapshot', '/console-api/nothing']) {
        const response = await fetch(`${http.url}${route}`, { headers: { accept: 'text/html' } });
        expect(response.status, route).toBe(404);
      }
    } finally {
      await http.close();
    }
  });

  it('without --demo offers no demo sign-in: the config says so and the session endpoint is absent', async () => {
    const http = await serve(buildApp({ pool: db.pool, eventStore: store, console: { distDir: dist } }));
    try {
      expect(await (await fetch(`${http.url}/console-api/config`)).json()).toEqual({ demo: false, areas: [] });
      const session = await fetch(`${http.url}/console-api/demo-session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'admin', areaCode: '320924000000' }),
      });
      expect(session.status).toBe(404);
    } finally {
      await http.close();
    }
  });

  it('with --demo issues a token only for a known role and a demo area', async () => {
    const issued: string[] = [];
    const demo = {
      areas: [{ code: '320924000000', name: '示范县', level: 'county' as const }],
      issue: async (role: string, area: { code: string }) => {
        issued.push(`${role}@${area.code}`);
        return 'token';
      },
    };
    const http = await serve(buildApp({ pool: db.pool, eventStore: store, console: { distDir: dist, demo } }));
    const ask = (body: unknown) =>
      fetch(`${http.url}/console-api/demo-session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    try {
      expect((await ask({ role: 'clerk', areaCode: '320924000000' })).status).toBe(200);
      expect((await ask({ role: 'system', areaCode: '320924000000' })).status).toBe(400);
      expect((await ask({ role: 'clerk', areaCode: '110101000000' })).status).toBe(400);
      expect((await ask({ role: 'clerk', areaCode: '320924000000', sub: 'someone' })).status).toBe(400);
      expect(issued).toEqual(['clerk@320924000000']);
    } finally {
      await http.close();
    }
  });

  it('without a built console, / says in Chinese and English how to build it', async () => {
    const http = await serve(
      buildApp({ pool: db.pool, eventStore: store, console: { distDir: path.join(dist, 'absent') } }),
    );
    try {
      const page = await fetch(`${http.url}/`);
      expect(page.status).toBe(503);
      expect(await page.text()).toMatch(/管理台尚未构建[\s\S]*The console is not built/);
    } finally {
      await http.close();
    }
  });
});
