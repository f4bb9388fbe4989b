import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDatabase, freePort, type RunningPostgres, startEmbeddedPostgres } from '@registry/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../src/auth.js';
import { clientAt, monitoredHousehold, SECRET, townshipClerk } from './harness.js';
import { type Running, startService, stopService } from './service.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The service on a PostgreSQL the test stops and starts (the embedded server's own binaries),
 * as an operator would see a restart or an outage, or a managed database's failover.
 */
describe('staying up through database outages', () => {
  let dir: string;
  let port: number;
  let database: RunningPostgres | undefined;
  let service: Running;
  let token: string;
  const householdId = randomUUID();

  const startDatabase = async () => {
    database = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, persistent: true });
  };
  const stopDatabase = async () => {
    await database?.stop();
    database = undefined;
  };
  const command = async () => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation($c: ID!, $i: RecordVisitInput!) { recordVisit(commandId: $c, input: $i) {
          __typename ... on CommandSuccess { position } } }`,
        variables: { c: randomUUID(), i: { householdId, effectiveAt: '2020-05-01', data: { notes: '走访' } } },
      }),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as {
        data?: { recordVisit: { __typename: string; position?: string } } | null;
        errors?: { message: string; extensions?: { code?: string } }[];
      },
    };
  };
  const alive = async () => {
    expect(service.child.exitCode, `the service exited:\n${service.output().slice(-3000)}`).toBeNull();
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'registry-outage-'));
    await chmod(dir, 0o755);
    port = await freePort();
    await startDatabase();
    await ensureDatabase((database as RunningPostgres).url('postgres'), 'registry');
    service = await startService({
      DATABASE_URL: (database as RunningPostgres).url('registry'),
      JWT_SECRET: SECRET,
      PORT: String(await freePort()),
    });
    token = await issueToken(SECRET, townshipClerk);
    await monitoredHousehold(clientAt(service.url, token), householdId);
  });

  afterAll(async () => {
    if (service) await stopService(service);
    await stopDatabase();
    await rm(dir, { recursive: true, force: true });
  });

  it('survives restarts and a long outage, answers a named retryable error meanwhile, and recovers by itself', async () => {
    expect((await command()).body.data?.recordVisit.__typename).toBe('CommandSuccess');
    // A restart of a second, one of several seconds (past the version follower's 5 s check), and another quick one.
    for (const outageMs of [1_000, 7_000, 500]) {
      await stopDatabase();
      const during = await command();
      expect(during.status, JSON.stringify(during.body)).toBe(503);
      expect(during.retryAfter).toMatch(/^\d+$/);
      expect(during.body.errors?.[0]?.extensions?.code).toBe('DATABASE_UNAVAILABLE');
      expect((await fetch(`${service.url}/readyz`)).status).toBe(503);
      await sleep(outageMs);
      await alive();
      await startDatabase();
      // Back within seconds, with no hand work: commands land and are projected.
      let after = await command();
      for (let i = 0; i < 60 && after.body.data?.recordVisit.__typename !== 'CommandSuccess'; i++) {
        await sleep(250);
        after = await command();
      }
      expect(after.body.data?.recordVisit.__typename, JSON.stringify(after.body)).toBe('CommandSuccess');
      let ready = await fetch(`${service.url}/readyz`);
      for (let i = 0; i < 120 && ready.status !== 200; i++) {
        await sleep(250);
        ready = await fetch(`${service.url}/readyz`);
      }
      expect(ready.status, await ready.clone().text()).toBe(200);
      await alive();
    }
    // The lines themselves, with their stack, are what a failure should show.
    expect(
      service
        .output()
        .split('\n')
        .filter((line) => line.includes('BUG:')),
    ).toEqual([]);
  });
});
