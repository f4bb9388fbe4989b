import type pg from 'pg';
import type { EventStore, Position, RecordedEvent } from '../types.js';
import { StreamChains } from './entry.js';
import { type Hash, TreeBuilder } from './merkle.js';
import type { HeadSigner } from './signer.js';
import { migrateLog, sealedSize, storedSubtrees } from './tables.js';

export interface SealerOptions {
  store: EventStore;
  pool: pg.Pool;
  signer: HeadSigner;
  /** Events sealed per transaction. Default 5,000. */
  batch?: number;
}

/**
 * Seals the log: reads the events after the last sealed one in log order, chains each to its
 * stream's previous event, appends them as leaves of the log's tree and stores the leaves and
 * the subtrees they complete, one transaction per batch; and signs tree heads. Appends are not
 * slowed: sealing follows the log as a projection does. What was appended and not yet sealed
 * is not yet evident: a head signed after it covers it (the API seals and signs on a schedule).
 *
 * One sealer at a time: a batch inserts leaves at the next indices, so a second sealer's batch
 * conflicts on the key and is rolled back (`sealOnce` answers 0 and reloads).
 */
export class LogSealer {
  private builder: TreeBuilder | undefined;
  private after: Position | undefined;
  private readonly batch: number;

  constructor(private readonly options: SealerOptions) {
    this.batch = options.batch ?? 5_000;
  }

  /** The tree as sealed so far: its size and the position of its last event. */
  private async load(): Promise<TreeBuilder> {
    const { pool } = this.options;
    await migrateLog(pool);
    const size = await sealedSize(pool);
    const last = await pool.query<{ position: string }>('SELECT position FROM log_leaves WHERE idx = $1', [size - 1]);
    this.after = last.rows[0]?.position;
    this.builder = await TreeBuilder.resume(storedSubtrees(pool), size);
    return this.builder;
  }

  /** Seals the next batch of events; answers how many it sealed (0: none waiting). */
  async sealOnce(): Promise<number> {
    const builder = this.builder ?? (await this.load());
    const { store, pool } = this.options;
    const events = await store.readAll(
      this.after === undefined ? { maxCount: this.batch } : { after: this.after, maxCount: this.batch },
    );
    if (events.length === 0) return 0;
    const chains = new StreamChains();
    const earlier = await this.predecessors(events);
    const leaves: { event: RecordedEvent; prev: Hash | null; hash: Hash }[] = [];
    for (const event of events) {
      const { hash, prev } = chains.next(event, earlier.get(`${event.streamName}\u0000${event.revision - 1}`) ?? null);
      if (event.revision > 0 && !prev) {
        throw new Error(
          `the log cannot be sealed at ${event.position}: the previous event of stream "${event.streamName}" (revision ${event.revision - 1}) is neither sealed nor before it`,
        );
      }
      leaves.push({ event, prev, hash });
    }
    const start = builder.size;
    const nodes: { level: number; index: number; hash: Hash }[] = [];
    const trial = builder.clone();
    for (const leaf of leaves) nodes.push(...trial.append(leaf.hash).filter((n) => n.level > 0));
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO log_leaves (idx, position, event_id, stream_name, revision, prev, hash)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::uuid[], $4::text[], $5::bigint[], $6::bytea[], $7::bytea[])`,
        [
          leaves.map((_, i) => start + i),
          leaves.map((l) => l.event.position),
          leaves.map((l) => l.event.id),
          leaves.map((l) => l.event.streamName),
          leaves.map((l) => l.event.revision),
          leaves.map((l) => l.prev),
          leaves.map((l) => l.hash),
        ],
      );
      if (nodes.length > 0) {
        await client.query(
          'INSERT INTO log_nodes (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])',
          [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => n.hash)],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      // Another sealer took these indices: start again from what is stored.
      this.builder = undefined;
      if ((error as { code?: string }).code === '23505') return 0;
      throw error;
    } finally {
      client.release();
    }
    this.builder = trial;
    this.after = events.at(-1)?.position;
    return events.length;
  }

  /** Seals everything waiting; answers the tree's size. */
  async sealAll(): Promise<number> {
    while ((await this.sealOnce()) > 0) {}
    return (this.builder ?? (await this.load())).size;
  }

  /** Signs the head of the tree as sealed (once per size); answers it. */
  async signHead(): Promise<{ treeSize: number; rootHash: Hash; signedAt: string; keyId: string; signature: Buffer }> {
    const builder = this.builder ?? (await this.load());
    const { pool, signer } = this.options;
    const head = { treeSize: builder.size, rootHash: builder.root(), signedAt: new Date().toISOString() };
    const signature = signer.sign(head);
    await pool.query(
      `INSERT INTO log_heads (tree_size, root_hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tree_size) DO NOTHING`,
      [head.treeSize, head.rootHash, head.signedAt, signer.keyId, signature],
    );
    const stored = await pool.query<{ root_hash: Buffer; signed_at: Date; key_id: string; signature: Buffer }>(
      'SELECT root_hash, signed_at, key_id, signature FROM log_heads WHERE tree_size = $1',
      [head.treeSize],
    );
    const row = stored.rows[0];
    if (!row) throw new Error(`the head of size ${head.treeSize} was not stored`);
    return {
      treeSize: head.treeSize,
      rootHash: row.root_hash,
      signedAt: row.signed_at.toISOString(),
      keyId: row.key_id,
      signature: row.signature,
    };
  }

  /** The sealed hashes of the streams' previous events that lie before this batch. */
  private async predecessors(events: readonly RecordedEvent[]): Promise<Map<string, Hash>> {
    const inBatch = new Set(events.map((e) => `${e.streamName}\u0000${e.revision}`));
    const wanted = events.filter((e) => e.revision > 0 && !inBatch.has(`${e.streamName}\u0000${e.revision - 1}`));
    const found = new Map<string, Hash>();
    if (wanted.length === 0) return found;
    const result = await this.options.pool.query<{ stream_name: string; revision: string; hash: Buffer }>(
      `SELECT l.stream_name, l.revision, l.hash FROM log_leaves l
         JOIN unnest($1::text[], $2::bigint[]) AS w(stream_name, revision) USING (stream_name, revision)`,
      [wanted.map((e) => e.streamName), wanted.map((e) => e.revision - 1)],
    );
    for (const r of result.rows) found.set(`${r.stream_name}\u0000${r.revision}`, r.hash);
    return found;
  }
}
