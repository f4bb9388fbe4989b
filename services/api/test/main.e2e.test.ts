import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, isAlive } from '@registry/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startService, stopService } from './service.js';

describe('README command one: the service on the embedded default', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'registry-main-'));
    await chmod(dir, 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('given no configuration, starts its own PostgreSQL, answers health and readiness, stops cleanly, and restarts on its data', async () => {
    const env = {
      DATA_DIR: dir,
      PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
    };
    for (const round of [1, 2]) {
      const running = await startService(env);
      try {
        expect(running.output()).toContain('"database":"embedded"');
        expect(running.output()).toContain('"eventStore":"postgres"');
        const health = await fetch(`${running.url}/healthz`);
        expect(health.status).toBe(200);
        // Ready, and soon both projections caught up with the (empty) log.
        const readyz = async () => {
          const response = await fetch(`${running.url}/readyz`);
          return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
        };
        let ready = await readyz();
        for (
          let i = 0;
          i < 50 && Object.values(ready.body.checks).some((c) => c !== 'ok' && c !== 'caught_up' && c !== 'empty');
          i++
        ) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          ready = await readyz();
        }
        expect(ready.status).toBe(200);
        expect(ready.body).toMatchObject({
          status: 'ready',
          checks: {
            database: 'ok',
            eventStore: 'ok',
            'projection registry_v1': 'caught_up',
            'projection reference_v1': 'caught_up',
          },
        });
      } finally {
        expect(await stopService(running), `round ${round} exit code`).toBe(0);
      }
    }
  });

  it('with --demo, loads a small county once, and GraphiQL opens with a token that reads it', async () => {
    const env = { DATA_DIR: dir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()) };
    for (const round of [1, 2]) {
      const running = await startService(env, ['--demo']);
      try {
        expect(running.output()).toContain('"demo county loaded"');
        const page = await (await fetch(`${running.url}/graphql`, { headers: { accept: 'text/html' } })).text();
        const token = /Bearer ([\w-]+\.[\w-]+\.[\w-]+)/.exec(page)?.[1];
        expect(token, 'GraphiQL is prefilled with a demo token').toBeDefined();
        const response = await fetch(`${running.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({
            query: `{ households { totalCount }
              areaIndicators(areaCode: "320924000000", year: 2019) { during { exits } ruralPopulation povertyIncidence } }`,
          }),
        });
        const body = (await response.json()) as {
          data: {
            households: { totalCount: number };
            areaIndicators: { during: { exits: number }; ruralPopulation: number };
          };
        };
        // Loaded twice, written once: the commands' ids are fixed.
        expect(body.data.households.totalCount, `round ${round}`).toBe(26);
        expect(body.data.areaIndicators.ruralPopulation).toBe(4500);
        expect(body.data.areaIndicators.during.exits).toBeGreaterThan(3);
      } finally {
        expect(await stopService(running), `round ${round} exit code`).toBe(0);
      }
    }
  });

  it('after a kill -9 starts again with no hand work, and never runs two services on one data directory', async () => {
    const env = {
      DATA_DIR: path.join(dir, 'crash'),
      PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
    };
    const first = await startService(env);
    const postmaster = Number(
      (await readFile(path.join(env.DATA_DIR, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0],
    );

    // A second service on the same directory is refused, naming the first; the first goes on.
    const second = spawn(process.execPath, ['--import', 'tsx', 'services/api/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: String(await freePort()), DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let refusal = '';
    second.stderr.on('data', (chunk) => {
      refusal += chunk;
    });
    expect(await new Promise((resolve) => second.once('exit', resolve))).toBe(1);
    expect(refusal).toContain(`is in use by the registry service (pid ${first.child.pid})`);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

    // Killed outright, the service leaves its PostgreSQL running.
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(isAlive(postmaster)).toBe(true);

    // The same command starts again: the leftover server is stopped, a new one serves the same data.
    const again = await startService(env);
    try {
      expect(again.output()).toContain(`stopping PostgreSQL (pid ${postmaster}) left running`);
      expect(isAlive(postmaster)).toBe(false);
      let ready = await fetch(`${again.url}/readyz`);
      for (let i = 0; i < 100 && ready.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = await fetch(`${again.url}/readyz`);
      }
      expect(ready.status).toBe(200);
    } finally {
      expect(await stopService(again)).toBe(0);
    }
  });

  it('refuses bad configuration naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/api/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/invalid configuration: PORT: /);
  });
});
