import type { EventStore } from '@registry/eventstore';
import type { RunnerStatus } from '@registry/projections';
import express, { type Express } from 'express';
import type pg from 'pg';

export interface AppDeps {
  pool: pg.Pool;
  eventStore: EventStore;
  /** Projection runners; the service is ready once every one has caught up. */
  runners?: {
    status(): RunnerStatus;
    lag?(): Promise<{ head: string | null; checkpoint: string | null; behind: boolean }>;
  }[];
}

/** The HTTP application, not listening: tests run it in-process; only `main` listens. */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    let ready = true;
    try {
      await deps.pool.query('SELECT 1');
      checks.database = 'ok';
    } catch (error) {
      ready = false;
      checks.database = `unavailable: ${(error as Error).message}`;
    }
    try {
      const head = await deps.eventStore.headPosition();
      checks.eventStore = 'ok';
      checks.head = head ?? 'empty';
    } catch (error) {
      ready = false;
      checks.eventStore = `unavailable: ${(error as Error).message}`;
    }
    const projections = (deps.runners ?? []).map((r) => r.status());
    for (const p of projections) {
      checks[`projection ${p.name}`] =
        p.state === 'failed' ? `failed at ${p.failedPosition ?? '?'}: ${p.error}` : p.state;
      if (p.state !== 'caught_up') ready = false;
    }
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  return app;
}
