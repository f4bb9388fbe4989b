import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  READ_COLUMNS,
  type ReadDraft,
  ReadRecorder,
  readEntryBytes,
  readHash,
  toReadRecord,
  verifyReads,
} from '../src/log/index.js';
import { HeadSigner } from '../src/log/signer.js';

/**
 * The record of reads of personal data: appended in order under concurrency, refused to
 * UPDATE/DELETE, its head signed with the log's key, and every rewrite a superuser could make
 * (the trigger switched off) caught and named by verification.
 */
describe('the record of reads', () => {
  let db: TestDatabase;
  let recorder: ReadRecorder;
  const signer = new HeadSigner(generateKeyPairSync('ed25519').privateKey);
  const draft = (i: number): ReadDraft => ({
    actor: `clerk-${i % 3}`,
    role: 'clerk',
    unit: '320924100000',
    scope: '320924100000',
    operation: 'query household',
    purpose: i % 5 === 0 ? '入户核查' : null,
    households: [randomUUID(), randomUUID()],
    fields: ['nationalId', 'name'],
  });
  const asSuperuser = async (sql: string) => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE read_records DISABLE TRIGGER read_records_append_only');
      await client.query(sql);
      await client.query('ALTER TABLE read_records ENABLE TRIGGER read_records_append_only');
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  };
  /** Runs `change` as a superuser inside a transaction that is rolled back after `check`. */
  const tampered = async (sql: string) => {
    const snapshot = await db.pool.query('SELECT * FROM read_records ORDER BY seq');
    await asSuperuser(sql);
    try {
      return await verifyReads(db.pool, signer.publicKey);
    } finally {
      await asSuperuser('DELETE FROM read_records');
      const client = await db.pool.connect();
      try {
        await client.query('ALTER TABLE read_records DISABLE TRIGGER read_records_append_only');
        await client.query('INSERT INTO read_records SELECT * FROM jsonb_populate_recordset(NULL::read_records, $1)', [
          JSON.stringify(
            snapshot.rows.map((r) => ({
              ...r,
              prev: `\\x${r.prev.toString('hex')}`,
              hash: `\\x${r.hash.toString('hex')}`,
            })),
          ),
        ]);
        await client.query('ALTER TABLE read_records ENABLE TRIGGER read_records_append_only');
      } finally {
        client.release();
      }
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase('reads');
    recorder = new ReadRecorder(db.pool);
  });
  afterAll(async () => db?.close());

  it('appends reads asked for at once in one unbroken chain, signs its head, and verifies', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => recorder.record(draft(i))));
    expect(await recorder.signHead(signer)).toBe(40);
    await recorder.record(draft(40));
    const report = await verifyReads(db.pool, signer.publicKey);
    expect(report).toEqual({ records: 41, heads: 1, unsigned: 1 });
    const seqs = (await db.pool.query<{ seq: string }>('SELECT seq FROM read_records ORDER BY seq')).rows;
    expect(seqs.map((r) => Number(r.seq))).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    expect(await recorder.signHead(signer)).toBe(41);
  });

  it('refuses to change or remove a read', async () => {
    await expect(db.pool.query("UPDATE read_records SET actor = 'someone-else' WHERE seq = 3")).rejects.toThrow(
      /append-only/,
    );
    await expect(db.pool.query('DELETE FROM read_records WHERE seq = 3')).rejects.toThrow(/append-only/);
    await expect(db.pool.query('TRUNCATE read_records')).rejects.toThrow(/append-only/);
  });

  it('names a read edited, with or without its hash recomputed', async () => {
    const edited = await tampered("UPDATE read_records SET actor = 'someone-else' WHERE seq = 7");
    expect(edited.difference).toMatchObject({ seq: 7, kind: 'edited' });
    // The hash recomputed for the edited content: the link to the next read breaks at 7.
    const relinked = await tampered(`UPDATE read_records SET fields = '{name}',
      hash = sha256(prev || int8send(seq) || convert_to('x', 'UTF8')) WHERE seq = 7`);
    expect(relinked.difference).toMatchObject({ seq: 7, kind: 'edited' });
  });

  it('names a read removed, and reads beyond the store’s end that a head was signed for', async () => {
    const removed = await tampered('DELETE FROM read_records WHERE seq = 12');
    expect(removed.difference).toMatchObject({ seq: 12, kind: 'missing' });
    const cut = await tampered('DELETE FROM read_records WHERE seq > 38');
    expect(cut.difference).toMatchObject({ seq: 39, kind: 'missing' });
    expect(cut.difference?.detail).toMatch(/a head was signed for 40 reads; the store holds 38/);
  });

  it('names reads swapped in the sequence', async () => {
    const swapped = await tampered(`UPDATE read_records SET seq = 1000 WHERE seq = 20;
      UPDATE read_records SET seq = 20 WHERE seq = 21; UPDATE read_records SET seq = 21 WHERE seq = 1000;`);
    expect(swapped.difference?.seq).toBe(19);
    expect(swapped.difference?.kind).toBe('edited');
  });

  it('catches a rewrite of the whole chain after a read: the signed head no longer matches', async () => {
    // Read 30 edited and every hash from it on recomputed properly, as one who knows the
    // algorithm would: the stored chain is whole, but the head signed at 40 reads covers another.
    const rows = (await db.pool.query(`SELECT ${READ_COLUMNS} FROM read_records ORDER BY seq`)).rows.map(toReadRecord);
    let prev = rows[28]?.hash as Buffer;
    const updates: string[] = [];
    for (const r of rows.slice(29)) {
      const actor = r.seq === 30 ? 'someone-else' : r.actor;
      const hash = readHash(prev, r.seq, readEntryBytes({ ...r, actor }));
      updates.push(
        `UPDATE read_records SET actor = '${actor}', prev = '\\x${prev.toString('hex')}', hash = '\\x${hash.toString('hex')}' WHERE seq = ${r.seq};`,
      );
      prev = hash;
    }
    const report = await tampered(updates.join('\n'));
    expect(report.difference).toMatchObject({ seq: 40, kind: 'head' });
    expect(report.difference?.detail).toMatch(/the first 40 reads do not have the hash signed for them/);
  });

  it('verifies again once the store is as it was', async () => {
    expect(await verifyReads(db.pool, signer.publicKey)).toEqual({ records: 41, heads: 2, unsigned: 0 });
  });
});
