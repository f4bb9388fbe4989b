import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryBytes } from '../src/log/entry.js';
import {
  consistencyProof,
  inclusionProof,
  LogSealer,
  type LogVerification,
  storedSubtrees,
  verifyConsistency,
  verifyInclusion,
  verifyLog,
} from '../src/log/index.js';
import { HeadSigner, LOG_ID } from '../src/log/signer.js';
import { PostgresEventStore } from '../src/postgres/index.js';
import type { RecordedEvent } from '../src/types.js';
import { metadata } from './fixtures.js';

/**
 * The tamper-evident log on the PostgreSQL store: sealed, signed, proved, and every kind of
 * rewrite a database superuser could make (the immutability trigger switched off) caught and
 * named by verification.
 */
/** The offline checker docs/log.md describes. */
const SCRIPT = path.resolve(import.meta.dirname, '../../../docs/log/verify-proof.mjs');

describe('the tamper-evident log', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let sealer: LogSealer;
  const signer = new HeadSigner(generateKeyPairSync('ed25519').privateKey);
  const verify = (): Promise<LogVerification> => verifyLog(store, db.pool, signer.publicKey);

  const append = async (stream: string, n: number) => {
    for (let i = 0; i < n; i++) {
      await store.append(
        stream,
        [
          {
            id: randomUUID(),
            type: 'VisitRecorded',
            data: { notes: `第${i}次走访`, fen: 420_000 + i, ok: i % 2 === 0 },
            metadata: metadata(),
          },
        ],
        { expectedRevision: 'any' },
      );
    }
  };
  /** As a superuser would: the trigger off, the change made, the trigger on. */
  const asSuperuser = async (sql: string, values: unknown[] = []) => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE es_events DISABLE TRIGGER es_events_immutable');
      await client.query(sql, values);
      await client.query('ALTER TABLE es_events ENABLE TRIGGER es_events_immutable');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
  const leafOf = async (n: number) =>
    (
      await db.pool.query<{ position: string; event_id: string }>(
        'SELECT position, event_id FROM log_leaves WHERE idx = $1',
        [n],
      )
    ).rows[0] as { position: string; event_id: string };

  beforeAll(async () => {
    db = await createTestDatabase('log');
    store = await PostgresEventStore.open({ pool: db.pool });
    sealer = new LogSealer({ store, pool: db.pool, signer, batch: 7 });
    for (const stream of ['household-a', 'household-b', 'area-320924000000']) await append(stream, 5);
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('seals every event in log order, signs the head, and verifies', async () => {
    expect(await sealer.sealAll()).toBe(15);
    const head = await sealer.signHead();
    expect(head.treeSize).toBe(15);
    expect(await verify()).toEqual({ events: 15, sealed: 15, heads: 1, unsealed: 0 });
  });

  it('proves an event under a signed head, and the later head an extension of the earlier', async () => {
    const first = await sealer.signHead();
    await append('household-a', 4);
    expect(await sealer.sealAll()).toBe(19);
    const second = await sealer.signHead();
    const nodes = storedSubtrees(db.pool);
    const leaf = (await db.pool.query<{ hash: Buffer }>('SELECT hash FROM log_leaves WHERE idx = 6')).rows[0]
      ?.hash as Buffer;
    expect(verifyInclusion(6, 19, leaf, await inclusionProof(nodes, 6, 19), second.rootHash)).toBe(true);
    expect(verifyInclusion(6, 15, leaf, await inclusionProof(nodes, 6, 15), first.rootHash)).toBe(true);
    const proof = await consistencyProof(nodes, 15, 19);
    expect(verifyConsistency(15, 19, first.rootHash, second.rootHash, proof)).toBe(true);

    // The same proof checked by the documented script, with Node's crypto and none of this code.
    const [sealed] = (
      await db.pool.query<{ position: string; prev: Buffer | null }>(
        'SELECT position, prev FROM log_leaves WHERE idx = 6',
      )
    ).rows;
    const event = (await store.readAll()).find((e) => e.position === sealed?.position) as RecordedEvent;
    const bundle = {
      log: LOG_ID,
      entry: entryBytes(event, sealed?.prev ?? null).toString('base64'),
      leafIndex: 6,
      treeSize: 19,
      inclusionProof: (await inclusionProof(nodes, 6, 19)).map((h) => h.toString('hex')),
      head: {
        treeSize: second.treeSize,
        rootHash: second.rootHash.toString('hex'),
        signedAt: second.signedAt,
        signature: second.signature.toString('base64'),
      },
      publicKey: signer.publicKeyPem(),
    };
    const check = (b: unknown) => spawnSync(process.execPath, [SCRIPT], { input: JSON.stringify(b), encoding: 'utf8' });
    const verified = check(bundle);
    expect(verified.stdout, verified.stderr).toMatch(/^VERIFIED: leaf 6 of 19/);
    const forged = check({ ...bundle, entry: Buffer.from('{"forged":true}').toString('base64') });
    expect(forged.status).toBe(1);
    expect(forged.stderr).toMatch(/NOT VERIFIED: the path does not lead to the signed root/);
    const resigned = check({ ...bundle, head: { ...bundle.head, signedAt: '2030-01-01T00:00:00.000Z' } });
    expect(resigned.stderr).toMatch(/NOT VERIFIED: the head is not signed by this key/);
    expect(await verify()).toMatchObject({ sealed: 19, heads: 2, unsealed: 0 });
    // Appended and not yet sealed: counted, not a difference.
    await append('household-b', 1);
    expect(await verify()).toEqual({ events: 20, sealed: 19, heads: 2, unsealed: 1 });
    await sealer.sealAll();
  });

  it('names an event edited after it was sealed', async () => {
    const { event_id } = await leafOf(4);
    await asSuperuser(`UPDATE es_events SET data = jsonb_set(data, '{notes}', '"未走访"') WHERE event_id = $1`, [
      event_id,
    ]);
    const found = await verify();
    expect(found.difference).toMatchObject({ leaf: 4, kind: 'edited' });
    expect(found.difference?.detail).toContain(event_id);
    await asSuperuser(`UPDATE es_events SET data = jsonb_set(data, '{notes}', '"第4次走访"') WHERE event_id = $1`, [
      event_id,
    ]);
    expect((await verify()).difference).toBeUndefined();
  });

  it('names an event deleted, where it was', async () => {
    const { event_id } = await leafOf(12);
    const saved = (await db.pool.query('SELECT * FROM es_events WHERE event_id = $1', [event_id])).rows[0] as Record<
      string,
      unknown
    >;
    await asSuperuser('DELETE FROM es_events WHERE event_id = $1', [event_id]);
    expect((await verify()).difference).toMatchObject({ leaf: 12, kind: 'missing' });
    await asSuperuser(
      `INSERT INTO es_events (transaction_id, position, stream_name, revision, event_id, event_type, data, metadata, recorded_at)
       OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        saved.transaction_id,
        saved.position,
        saved.stream_name,
        saved.revision,
        saved.event_id,
        saved.event_type,
        saved.data,
        saved.metadata,
        saved.recorded_at,
      ],
    );
    expect((await verify()).difference).toBeUndefined();
  });

  it('names an event inserted into the past, and two events swapped', async () => {
    const { event_id } = await leafOf(7);
    const forged = randomUUID();
    await asSuperuser(
      `INSERT INTO es_events (transaction_id, position, stream_name, revision, event_id, event_type, data, metadata, recorded_at)
       OVERRIDING SYSTEM VALUE
       SELECT transaction_id, position + 1000000, 'household-forged', 0, $2, event_type, data, metadata, recorded_at
         FROM es_events WHERE event_id = $1`,
      [event_id, forged],
    );
    const inserted = await verify();
    expect(inserted.difference).toMatchObject({ leaf: 8, kind: 'inserted' });
    expect(inserted.difference?.detail).toContain(forged);
    await asSuperuser('DELETE FROM es_events WHERE event_id = $1', [forged]);
    // Two events of different streams trade places in the log.
    const [a, b] = [await leafOf(2), await leafOf(9)];
    await asSuperuser(
      `UPDATE es_events e SET transaction_id = o.transaction_id
         FROM (SELECT event_id, transaction_id FROM es_events WHERE event_id IN ($1, $2)) o
        WHERE e.event_id IN ($1, $2) AND o.event_id <> e.event_id`,
      [a.event_id, b.event_id],
    );
    expect((await verify()).difference).toMatchObject({ leaf: 2 });
  });

  it('catches a rewrite that recomputed the sealed leaf too: the signed root no longer matches', async () => {
    const fresh = await createTestDatabase('log_rewrite');
    const s = await PostgresEventStore.open({ pool: fresh.pool });
    try {
      for (let i = 0; i < 6; i++) {
        await s.append(`household-${i}`, [{ id: randomUUID(), type: 'T', data: { i }, metadata: metadata() }], {
          expectedRevision: 'no_stream',
        });
      }
      const own = new LogSealer({ store: s, pool: fresh.pool, signer });
      await own.sealAll();
      await own.signHead();
      const client = await fresh.pool.connect();
      try {
        await client.query('ALTER TABLE es_events DISABLE TRIGGER es_events_immutable');
        await client.query(`UPDATE es_events SET data = '{"i": 99}' WHERE stream_name = 'household-5'`);
      } finally {
        client.release();
      }
      // The leaf recomputed for the edited event, as someone covering their tracks would.
      const [edited] = await s.readStream('household-5');
      const { eventHash } = await import('../src/log/entry.js');
      await fresh.pool.query('UPDATE log_leaves SET hash = $1 WHERE idx = 5', [eventHash(edited as never, null)]);
      const found = await verifyLog(s, fresh.pool, signer.publicKey);
      expect(found.difference).toMatchObject({ kind: 'head' });
      expect(found.difference?.detail).toMatch(/do not have the root signed for them/);
    } finally {
      await s.close();
      await fresh.close();
    }
  });
});
