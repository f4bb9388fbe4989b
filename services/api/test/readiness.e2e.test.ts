import { randomUUID } from 'node:crypto';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitoredHousehold, ok, query, type RunningApi, startApi, townshipClerk } from './harness.js';

type Ready = {
  status: string;
  checks: Record<string, string>;
  projections: {
    name: string;
    state: string;
    behindEvents: number | null;
    behindSeconds: number | null;
    ready: boolean;
  }[];
};

/** /readyz tells the truth: behind by more than the limit, or held back by an open transaction, it says so, with the lag. */
describe('readiness while the read models are behind or the log is held back', () => {
  let api: RunningApi;
  let clerk: GraphQLClient;
  const householdId = randomUUID();
  const readyz = async () => {
    const response = await fetch(`${api.url}/readyz`);
    return { status: response.status, body: (await response.json()) as Ready };
  };
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const visit = () => ok(clerk, 'RecordVisit', { householdId, effectiveAt: '2020-05-01', data: { notes: '走访' } });

  beforeAll(async () => {
    api = await startApi('api_readiness', { READY_MAX_LAG_EVENTS: '5', READY_MAX_LAG_SECONDS: '60' });
    clerk = await api.client(townshipClerk);
    await monitoredHousehold(clerk, householdId);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('is ready when caught up, and not while the read models are more events behind than the limit', async () => {
    // Caught up, and the first catch-up's work done: its build of the kept years and roll-up is
    // one transaction that writes, and an event committed while it is open is held back from
    // readers (the `log` check), which would make the count below a race.
    const tables = api.infrastructure.projections.registry.tables;
    const built = async () => ((await api.db.pool.query(`SELECT 1 FROM ${tables.yearsBuilt}`)).rowCount ?? 0) > 0;
    await until(async () => (await built()) && (await readyz()).body.projections.every((p) => p.behindEvents === 0));
    expect((await readyz()).status).toBe(200);
    expect((await readyz()).body.projections.map((p) => [p.name, p.behindEvents])).toEqual([
      ['registry_v1', 0],
      ['reference_v1', 0],
    ]);
    // The projection cannot write its checkpoint (its table locked, as a long migration would
    // hold it); the events it has not applied are readable, and pile up.
    const lock = await api.db.pool.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE projection_checkpoints IN EXCLUSIVE MODE');
      for (let i = 0; i < 3; i++) await visit();
      const few = await readyz();
      expect(few.status, JSON.stringify(few.body)).toBe(200);
      expect(few.body.projections[0]).toMatchObject({ name: 'registry_v1', behindEvents: 3 });
      for (let i = 0; i < 4; i++) await visit();
      const many = await readyz();
      expect(many.status).toBe(503);
      expect(many.body.status).toBe('not ready');
      expect(many.body.checks['projection registry_v1']).toMatch(
        /^behind by more than 5 events, the oldest recorded \d+ s ago \(runner caught_up\)$/,
      );
      expect(many.body.projections[0]).toMatchObject({ name: 'registry_v1', behindEvents: 6, ready: false });
    } finally {
      await lock.query('ROLLBACK');
      lock.release();
    }
    await until(async () => (await readyz()).body.projections[0]?.behindEvents === 0);
    expect(await readyz()).toMatchObject({
      status: 200,
      body: { projections: [{ behindEvents: 0, ready: true }, {}] },
    });
  });

  it('says which open transaction holds committed events back from readers, and waitFor answers READ_MODEL_BEHIND', async () => {
    const holder = await api.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()');
      const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      const held = await visit();
      const blocked = await readyz();
      expect(blocked.status).toBe(503);
      expect(blocked.body.checks.log).toMatch(
        new RegExp(`^1 committed event held back from readers by transaction of pid ${pid} `),
      );
      const read = await query(clerk, 'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { version } }', {
        id: householdId,
        w: held.position,
      });
      expect(read.errors?.[0]).toMatchObject({ extensions: { code: 'READ_MODEL_BEHIND', position: held.position } });
      expect(read.errors?.[0]?.message).toMatch(
        new RegExp(`held back from readers by an open transaction \\(pid ${pid},`),
      );
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    await until(async () => (await readyz()).status === 200);
    expect((await readyz()).body.checks.log).toBeUndefined();
  });
});
