import { migrate } from '@registry/postgres';
import type pg from 'pg';
import { RUNNER_MIGRATIONS } from './migrations.js';

/** The version of a projection family that serves queries (1 until a rebuild switches it). */
export async function activeVersion(pool: pg.Pool, family: string): Promise<number> {
  await migrate(pool, 'projections', RUNNER_MIGRATIONS);
  const row = await pool.query<{ version: number }>('SELECT version FROM projection_active WHERE family = $1', [
    family,
  ]);
  return row.rows[0]?.version ?? 1;
}

/** The next version number: above every version ever started, so a rebuild never reuses tables. */
export async function nextVersion(pool: pg.Pool, family: string): Promise<number> {
  await migrate(pool, 'projections', RUNNER_MIGRATIONS);
  const row = await pool.query<{ max: number | null }>(
    `SELECT max(substring(name FROM '_v([0-9]+)$')::int) AS max FROM projection_checkpoints WHERE name LIKE $1`,
    [`${family}\\_v%`],
  );
  return Math.max(row.rows[0]?.max ?? 0, await activeVersion(pool, family)) + 1;
}

/**
 * Makes `version` the one that serves, but only if it has caught up to `head` and not failed:
 * the switch and the check happen in one transaction.
 */
export async function switchVersion(
  pool: pg.Pool,
  family: string,
  version: number,
  head: string | null,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const cp = await client.query<{ position: string | null; status: string }>(
      'SELECT position, status FROM projection_checkpoints WHERE name = $1 FOR UPDATE',
      [`${family}_v${version}`],
    );
    const row = cp.rows[0];
    if (row?.status !== 'running' || (head !== null && (row.position === null || row.position < head))) {
      throw new Error(`${family}_v${version} has not caught up to ${head ?? 'the log'}; not switching`);
    }
    await client.query(
      `INSERT INTO projection_active (family, version) VALUES ($1, $2)
       ON CONFLICT (family) DO UPDATE SET version = EXCLUDED.version, switched_at = now()`,
      [family, version],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
