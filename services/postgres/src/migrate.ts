import type pg from 'pg';

export interface Migration {
  /** Strictly increasing from 1; never renumber or edit a migration that has shipped. */
  version: number;
  name: string;
  sql: string;
}

/**
 * Applies the migrations of one component (its own bookkeeping table) in order, each in
 * its own transaction. A transaction-level advisory lock keyed on the component makes
 * concurrent starters wait for each other instead of racing.
 */
export async function migrate(pool: pg.Pool, component: string, migrations: readonly Migration[]): Promise<number[]> {
  if (!/^[a-z][a-z0-9_]*$/.test(component)) throw new Error(`bad migration component name "${component}"`);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`${component} migration "${m.name}" has version ${m.version}, expected ${i + 1}`);
  });
  const table = `${component}_migrations`;
  const applied: number[] = [];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    await client.query('COMMIT');
    for (const migration of migrations) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
        const done = await client.query(`SELECT 1 FROM ${table} WHERE version = $1`, [migration.version]);
        if (done.rowCount === 0) {
          await client.query(migration.sql);
          await client.query(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [
            migration.version,
            migration.name,
          ]);
          applied.push(migration.version);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(
          `${component} migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
        );
      }
    }
  } finally {
    client.release();
  }
  return applied;
}
