import { type Migration, migrate } from '@registry/postgres';
import type pg from 'pg';
import type { Hash, PerfectSubtrees } from './merkle.js';

/**
 * The sealed log, kept in PostgreSQL beside the read models (whichever store holds the
 * events): each event's leaf in log order with its stream's chain, the tree's perfect
 * subtrees above the leaves (for proofs), and every signed tree head.
 */
export const LOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sealed log: leaves, subtrees, signed heads',
    sql: `
CREATE TABLE log_leaves (
  idx bigint PRIMARY KEY,
  position text COLLATE "C" NOT NULL UNIQUE,
  event_id uuid NOT NULL,
  stream_name text NOT NULL,
  revision bigint NOT NULL,
  prev bytea,
  hash bytea NOT NULL
);
CREATE UNIQUE INDEX log_leaves_stream_revision ON log_leaves (stream_name, revision);
CREATE INDEX log_leaves_event_id ON log_leaves (event_id);
CREATE TABLE log_nodes (
  level smallint NOT NULL,
  idx bigint NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (level, idx)
);
CREATE TABLE log_heads (
  tree_size bigint PRIMARY KEY,
  root_hash bytea NOT NULL,
  signed_at timestamptz NOT NULL,
  key_id text NOT NULL,
  signature bytea NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'heads found by when they were signed',
    sql: 'CREATE INDEX log_heads_signed_at ON log_heads (signed_at, tree_size);',
  },
];

export async function migrateLog(pool: pg.Pool): Promise<void> {
  await migrate(pool, 'log', LOG_MIGRATIONS);
}

/** The stored tree's perfect subtrees: the leaves' hashes at level 0, the rest from log_nodes. */
export function storedSubtrees(pool: pg.Pool | pg.PoolClient): PerfectSubtrees {
  return {
    async node(level: number, index: number): Promise<Hash> {
      const result =
        level === 0
          ? await pool.query<{ hash: Buffer }>('SELECT hash FROM log_leaves WHERE idx = $1', [index])
          : await pool.query<{ hash: Buffer }>('SELECT hash FROM log_nodes WHERE level = $1 AND idx = $2', [
              level,
              index,
            ]);
      const hash = result.rows[0]?.hash;
      if (!hash) throw new Error(`the sealed log has no subtree at level ${level}, index ${index}`);
      return hash;
    },
  };
}

export async function sealedSize(pool: pg.Pool | pg.PoolClient): Promise<number> {
  const result = await pool.query<{ n: string | null }>('SELECT max(idx) + 1 AS n FROM log_leaves');
  return Number(result.rows[0]?.n ?? 0);
}

export interface SignedHead {
  treeSize: number;
  rootHash: Hash;
  signedAt: string;
  keyId: string;
  signature: Buffer;
}

export async function signedHeads(pool: pg.Pool, upTo?: number): Promise<SignedHead[]> {
  const result = await pool.query<{
    tree_size: string;
    root_hash: Buffer;
    signed_at: Date;
    key_id: string;
    signature: Buffer;
  }>(
    `SELECT tree_size, root_hash, signed_at, key_id, signature FROM log_heads
      WHERE $1::bigint IS NULL OR tree_size <= $1 ORDER BY tree_size`,
    [upTo ?? null],
  );
  return result.rows.map((r) => ({
    treeSize: Number(r.tree_size),
    rootHash: r.root_hash,
    signedAt: r.signed_at.toISOString(),
    keyId: r.key_id,
    signature: r.signature,
  }));
}
