import { randomBytes } from 'node:crypto';
import { ensureDatabase } from '@registry/postgres';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  /** Closes every pool this database handed out. */
  close(): Promise<void>;
  /** Another pool on the same database, e.g. to stand for a second process. */
  newPool(max?: number): pg.Pool;
}

/** A fresh, empty database on the run's PostgreSQL, for one test file. */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pools: pg.Pool[] = [];
  const newPool = (max = 20) => {
    const pool = new pg.Pool({ connectionString: url.toString(), max });
    pool.on('error', () => {});
    pools.push(pool);
    return pool;
  };
  return {
    url: url.toString(),
    pool: newPool(),
    newPool,
    close: async () => {
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}
