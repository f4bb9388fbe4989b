import { createHash, type KeyObject } from 'node:crypto';
import { type Migration, migrate } from '@registry/postgres';
import canonicalize from 'canonicalize';
import type pg from 'pg';
import { type HeadSigner, readsHeadBytes, verifySignature } from './signer.js';

/**
 * The record of reads of personal data (个人信息保护法 art. 51, 55): who read which households'
 * which fields, when, through which operation and for what stated purpose. Append-only (a
 * trigger refuses UPDATE, DELETE and TRUNCATE), each record chained to the one before it
 * (SHA-256 over the previous hash and the record's RFC 8785 bytes), and the chain's head signed
 * with the log's key whenever the log's heads are signed (docs/log.md): a record edited,
 * removed, inserted or reordered under a signed head is found by `log:verify`.
 */
export const READS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'read records, chained; their signed heads',
    sql: `
CREATE TABLE read_records (
  seq bigint PRIMARY KEY,
  read_at timestamptz NOT NULL,
  actor text NOT NULL,
  role text NOT NULL,
  unit text NOT NULL,
  scope text,
  operation text NOT NULL,
  purpose text,
  households text[] NOT NULL,
  fields text[] NOT NULL,
  prev bytea NOT NULL,
  hash bytea NOT NULL
);
CREATE INDEX read_records_actor ON read_records (actor, read_at);
CREATE INDEX read_records_at ON read_records (read_at);
CREATE INDEX read_records_households ON read_records USING gin (households);
CREATE FUNCTION read_records_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % is refused: the record of reads is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'RE003';
END $$;
CREATE TRIGGER read_records_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON read_records
  FOR EACH STATEMENT EXECUTE FUNCTION read_records_refuse_change();
-- One round trip per batch: the chain's tail read and extended under the lock, in one call.
-- hash = SHA-256(prev || seq as 8 bytes, big-endian || entry), entry the record's RFC 8785
-- bytes without seq (made by the caller: PostgreSQL has no RFC 8785).
CREATE FUNCTION read_append(p_rows jsonb) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_seq bigint;
  v_prev bytea;
  v_hash bytea;
  r jsonb;
BEGIN
  PERFORM pg_advisory_xact_lock(1919246692);
  SELECT seq, hash INTO v_seq, v_prev FROM read_records ORDER BY seq DESC LIMIT 1;
  v_seq := coalesce(v_seq, 0);
  v_prev := coalesce(v_prev, decode(repeat('00', 32), 'hex'));
  FOR r IN SELECT * FROM jsonb_array_elements(p_rows) LOOP
    v_seq := v_seq + 1;
    v_hash := sha256(v_prev || int8send(v_seq) || decode(r->>'entry', 'base64'));
    INSERT INTO read_records (seq, read_at, actor, role, unit, scope, operation, purpose, households, fields, prev, hash)
    VALUES (v_seq, (r->>'readAt')::timestamptz, r->>'actor', r->>'role', r->>'unit', r->>'scope', r->>'operation',
            r->>'purpose', ARRAY(SELECT jsonb_array_elements_text(r->'households')),
            ARRAY(SELECT jsonb_array_elements_text(r->'fields')), v_prev, v_hash);
    v_prev := v_hash;
  END LOOP;
  RETURN v_seq;
END $$;
CREATE TABLE read_heads (
  count bigint PRIMARY KEY,
  hash bytea NOT NULL,
  signed_at timestamptz NOT NULL,
  key_id text NOT NULL,
  signature bytea NOT NULL
);
`,
  },
];

export async function migrateReads(pool: pg.Pool): Promise<void> {
  await migrate(pool, 'reads', READS_MIGRATIONS);
}

/** The personal data a read may carry unmasked. */
export const PERSONAL_FIELDS = ['nationalId', 'name', 'birthDate', 'phone', 'bankAccount'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** One read as the service saw it: who, how, what. */
export interface ReadDraft {
  actor: string;
  role: string;
  unit: string;
  /** The reader's area; null for every area. */
  scope: string | null;
  /** e.g. `query household`, `GET /export/roll.csv`. */
  operation: string;
  /** Stated by the reader for a bulk read; null otherwise. */
  purpose: string | null;
  households: readonly string[];
  fields: readonly PersonalField[];
}

export interface ReadRecord extends ReadDraft {
  seq: number;
  /** ISO 8601, milliseconds. */
  readAt: string;
  prev: Buffer;
  hash: Buffer;
}

/** The chain's start: the hash "before" the first record. */
export const READS_GENESIS = Buffer.alloc(32);

/** A record's entry: its RFC 8785 bytes, households and fields sorted, without its sequence number. */
export function readEntryBytes(r: Omit<ReadRecord, 'prev' | 'hash' | 'seq'>): Buffer {
  const text = canonicalize({
    readAt: r.readAt,
    actor: r.actor,
    role: r.role,
    unit: r.unit,
    scope: r.scope,
    operation: r.operation,
    purpose: r.purpose,
    households: [...r.households].sort(),
    fields: [...r.fields].sort(),
  });
  return Buffer.from(text as string, 'utf8');
}

/**
 * SHA-256(prev ‖ seq as 8 bytes big-endian ‖ entry): each record's hash binds its place and
 * every record before it (read_append computes the same in PostgreSQL).
 */
export function readHash(prev: Buffer, seq: number, entry: Buffer): Buffer {
  const place = Buffer.alloc(8);
  place.writeBigUInt64BE(BigInt(seq));
  return createHash('sha256').update(prev).update(place).update(entry).digest();
}

/** One writer at a time across processes: the chain's tail is read and extended under it (read_append's key too). */
const CHAIN_LOCK = 0x7265_6164; // "read"

interface RecordRow {
  seq: string;
  read_at: Date;
  actor: string;
  role: string;
  unit: string;
  scope: string | null;
  operation: string;
  purpose: string | null;
  households: string[];
  fields: string[];
  prev: Buffer;
  hash: Buffer;
}

export const toReadRecord = (r: RecordRow): ReadRecord => ({
  seq: Number(r.seq),
  readAt: r.read_at.toISOString(),
  actor: r.actor,
  role: r.role,
  unit: r.unit,
  scope: r.scope,
  operation: r.operation,
  purpose: r.purpose,
  households: r.households,
  fields: r.fields as PersonalField[],
  prev: r.prev,
  hash: r.hash,
});

export const READ_COLUMNS =
  'seq, read_at, actor, role, unit, scope, operation, purpose, households, fields, prev, hash';

/**
 * Appends reads to the chain, durably, before they are served. Reads asked for together (many
 * requests at once) are written in one transaction: the group waits for one commit.
 */
export class ReadRecorder {
  private queue: { draft: ReadDraft; done: (error?: unknown) => void }[] = [];
  private writing = false;
  private ready: Promise<void> | undefined;

  constructor(private readonly pool: pg.Pool) {}

  /** Resolves once the read is stored; rejects when it could not be (the read must then be refused). */
  record(draft: ReadDraft): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ draft, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          await this.write(batch.map((b) => b.draft));
          for (const b of batch) b.done();
        } catch (error) {
          for (const b of batch) b.done(error ?? new Error('the read could not be recorded'));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(drafts: ReadDraft[]): Promise<void> {
    this.ready ??= migrateReads(this.pool).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    const readAt = new Date().toISOString();
    const rows = drafts.map((d) => {
      const record = { ...d, readAt, households: [...d.households].sort(), fields: [...d.fields].sort() };
      return { ...record, entry: readEntryBytes(record).toString('base64') };
    });
    // One statement, its own transaction: a durable commit before the reads are served.
    await this.pool.query('SELECT read_append($1::jsonb)', [JSON.stringify(rows)]);
  }

  /** Signs the chain's head if it grew since the last signed one; answers the count signed. */
  async signHead(signer: HeadSigner, signedAt = new Date().toISOString()): Promise<number> {
    await migrateReads(this.pool);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
      const tail = await client.query<{ seq: string; hash: Buffer }>(
        'SELECT seq, hash FROM read_records ORDER BY seq DESC LIMIT 1',
      );
      const count = Number(tail.rows[0]?.seq ?? 0);
      const hash = tail.rows[0]?.hash ?? READS_GENESIS;
      const signature = signer.signBytes(readsHeadBytes({ count, hash, signedAt }));
      await client.query(
        `INSERT INTO read_heads (count, hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (count) DO NOTHING`,
        [count, hash, signedAt, signer.keyId, signature],
      );
      await client.query('COMMIT');
      return count;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}

export interface ReadsDifference {
  /** The record (its sequence number) where the stored chain and what was signed part. */
  seq: number;
  kind: 'edited' | 'missing' | 'head';
  detail: string;
}

export interface ReadsVerification {
  records: number;
  heads: number;
  /** Records after the last signed head: recorded since, not yet evident. */
  unsigned: number;
  difference?: ReadsDifference;
}

/**
 * Recomputes the chain of reads from the first record and checks it against every signed head
 * (its signature, and the hash at its count). Names the first record that differs: one edited
 * (its hash, or the link to it, no longer follows: also what an insertion or a reordering
 * leaves, since the sequence number is hashed), or missing (a gap in the sequence, or fewer
 * records than a head was signed for). Hashes recomputed by whoever edited are caught by the
 * first signed head after the edit.
 */
export async function verifyReads(pool: pg.Pool, publicKey: KeyObject): Promise<ReadsVerification> {
  await migrateReads(pool);
  const heads = (
    await pool.query<{ count: string; hash: Buffer; signed_at: Date; signature: Buffer }>(
      'SELECT count, hash, signed_at, signature FROM read_heads ORDER BY count',
    )
  ).rows.map((h) => ({
    count: Number(h.count),
    hash: h.hash,
    signedAt: h.signed_at.toISOString(),
    signature: h.signature,
  }));
  const result: ReadsVerification = { records: 0, heads: 0, unsigned: 0 };
  const fail = (seq: number, kind: ReadsDifference['kind'], detail: string) => {
    result.difference = { seq, kind, detail };
    return result;
  };
  let prev: Buffer = READS_GENESIS;
  let expected = 1;
  let nextHead = 0;
  const checkHeads = (count: number) => {
    for (; nextHead < heads.length && heads[nextHead]?.count === count; nextHead++) {
      const head = heads[nextHead];
      if (!head) break;
      if (!verifySignature(readsHeadBytes(head), head.signature, publicKey)) {
        return `the signature of the head of ${head.count} reads does not verify`;
      }
      if (!head.hash.equals(prev)) return `the first ${head.count} reads do not have the hash signed for them`;
      result.heads++;
    }
    return undefined;
  };
  const empty = checkHeads(0);
  if (empty) return fail(0, 'head', empty);
  let after = 0;
  for (;;) {
    const page = await pool.query<RecordRow>(
      `SELECT ${READ_COLUMNS} FROM read_records WHERE seq > $1 ORDER BY seq LIMIT 5000`,
      [after],
    );
    for (const row of page.rows) {
      const r = toReadRecord(row);
      if (r.seq !== expected) return fail(expected, 'missing', `read record ${expected} is no longer stored`);
      if (!r.prev.equals(prev)) {
        return fail(
          r.seq - 1,
          'edited',
          `the chain breaks between read records ${r.seq - 1} and ${r.seq}: the first was changed, or the second does not belong after it`,
        );
      }
      const hash = readHash(prev, r.seq, readEntryBytes(r));
      if (!hash.equals(r.hash)) return fail(r.seq, 'edited', `read record ${r.seq} differs from what was recorded`);
      prev = hash;
      expected++;
      result.records++;
      const bad = checkHeads(r.seq);
      if (bad) return fail(r.seq, 'head', bad);
    }
    if (page.rows.length < 5000) break;
    after = Number(page.rows.at(-1)?.seq);
  }
  const beyond = heads.slice(nextHead).find((h) => h.count > result.records);
  if (beyond) {
    return fail(
      result.records + 1,
      'missing',
      `a head was signed for ${beyond.count} reads; the store holds ${result.records}`,
    );
  }
  const lastSigned = heads.slice(0, nextHead).at(-1)?.count ?? 0;
  result.unsigned = result.records - lastSigned;
  return result;
}
