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

/**
 * A version of the family that was started and has neither failed nor been switched to (a
 * build killed half way, or one built with --no-switch): the one to resume rather than start
 * yet another. The highest such version above the active one.
 */
export async function unfinishedVersion(pool: pg.Pool, family: string): Promise<number | undefined> {
  const active = await activeVersion(pool, family);
  const row = await pool.query<{ version: number | null }>(
    `SELECT max(substring(name FROM '_v([0-9]+)$')::int) AS version FROM projection_checkpoints
      WHERE name LIKE $1 AND status <> 'failed' AND substring(name FROM '_v([0-9]+)$')::int > $2`,
    [`${family}\\_v%`, active],
  );
  return row.rows[0]?.version ?? undefined;
}

/** Every version of the family that has a checkpoint row (started at some time). */
export async function knownVersions(pool: pg.Pool, family: string): Promise<number[]> {
  await migrate(pool, 'projections', RUNNER_MIGRATIONS);
  const rows = await pool.query<{ version: number }>(
    `SELECT substring(name FROM '_v([0-9]+)$')::int AS version FROM projection_checkpoints WHERE name LIKE $1 ORDER BY 1`,
    [`${family}\\_v%`],
  );
  return rows.rows.map((r) => r.version);
}

/**
 * Drops a version's tables, its migration bookkeeping and its checkpoint, in one
 * transaction. Refuses the active version.
 */
export async function dropVersion(
  pool: pg.Pool,
  family: string,
  version: number,
  tables: readonly string[],
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE projection_active IN SHARE MODE');
    const active = await client.query<{ version: number }>('SELECT version FROM projection_active WHERE family = $1', [
      family,
    ]);
    if ((active.rows[0]?.version ?? 1) === version) throw new Error(`${family}_v${version} serves; it is not dropped`);
    const name = `${family}_v${version}`;
    for (const table of [...tables, `${name}_migrations`]) await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query('DELETE FROM projection_checkpoints WHERE name = $1', [name]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
