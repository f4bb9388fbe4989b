import type { EventStore } from '@registry/eventstore';
import express, { type Express } from 'express';
import type pg from 'pg';

export interface AppDeps {
  pool: pg.Pool;
  eventStore: EventStore;
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
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  return app;
}
