import type { EventStore } from '@registry/eventstore';
import {
  consistencyProof,
  type HeadSigner,
  inclusionProof,
  LogSealer,
  migrateLog,
  type ReadRecorder,
  type SignedHead,
  storedSubtrees,
} from '@registry/eventstore/log';
import type pg from 'pg';
import type { Logger } from 'pino';

export interface LogKeeperOptions {
  store: EventStore;
  pool: pg.Pool;
  signer: HeadSigner;
  logger: Logger;
  /** The record of reads of personal data, whose chain is signed at the same times. */
  reads?: ReadRecorder;
  /** How often what was appended is sealed. */
  sealEveryMs: number;
  /** How often a head is signed when the tree has grown. */
  signEveryMs: number;
}

/**
 * The service's side of the tamper-evident log: seals what was appended every few seconds and
 * signs the head when the tree has grown (and on demand, and when the service stops). A
 * failure is logged and tried again at the next tick, never skipped: what was not sealed stays
 * waiting and is sealed then.
 */
export class LogKeeper {
  private readonly sealer: LogSealer;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private signedSize = -1;
  private signedAt = 0;
  private readsSignedAt = 0;
  private stopped = false;
  private failing = false;
  /** The log's tables exist (made at the first start). */
  private ready: Promise<void> = Promise.resolve();

  constructor(private readonly options: LogKeeperOptions) {
    this.sealer = new LogSealer({ store: options.store, pool: options.pool, signer: options.signer });
  }

  /** The key anyone checks this log's heads with. */
  get publicKey() {
    return this.options.signer.publicKey;
  }

  publicKeyPem(): string {
    return this.options.signer.publicKeyPem();
  }

  async head(treeSize?: number): Promise<SignedHead | undefined> {
    await this.ready;
    const heads = await this.options.pool.query<HeadRow>(
      `SELECT tree_size, root_hash, signed_at, key_id, signature FROM log_heads
        WHERE $1::bigint IS NULL OR tree_size = $1 ORDER BY tree_size DESC LIMIT 1`,
      [treeSize ?? null],
    );
    return heads.rows.map(toHead)[0];
  }

  /**
   * A head that covers every event recorded before `at`: the first signed at or after it; or,
   * when none has been since, the latest if nothing was appended after its last event (the log
   * has not moved on). Undefined otherwise, until the next head is signed.
   */
  async headSignedSince(at: string): Promise<SignedHead | undefined> {
    await this.ready;
    const heads = await this.options.pool.query<HeadRow>(
      `SELECT tree_size, root_hash, signed_at, key_id, signature FROM log_heads
        WHERE signed_at >= $1 ORDER BY signed_at, tree_size LIMIT 1`,
      [at],
    );
    const since = heads.rows.map(toHead)[0];
    if (since) return since;
    const latest = await this.head();
    if (!latest) return undefined;
    const [last, storeHead] = await Promise.all([
      latest.treeSize === 0
        ? Promise.resolve(undefined)
        : this.options.pool
            .query<{ position: string }>('SELECT position FROM log_leaves WHERE idx = $1', [latest.treeSize - 1])
            .then((r) => r.rows[0]?.position),
      this.options.store.headPosition(),
    ]);
    return last === storeHead ? latest : undefined;
  }

  async heads(first: number, before?: number): Promise<SignedHead[]> {
    await this.ready;
    const heads = await this.options.pool.query<HeadRow>(
      `SELECT tree_size, root_hash, signed_at, key_id, signature FROM log_heads
        WHERE $2::bigint IS NULL OR tree_size < $2 ORDER BY tree_size DESC LIMIT $1`,
      [first, before ?? null],
    );
    return heads.rows.map(toHead);
  }

  async leaf(eventId: string) {
    await this.ready;
    const leaf = await this.options.pool.query<{
      idx: string;
      position: string;
      stream_name: string;
      revision: string;
      prev: Buffer | null;
      hash: Buffer;
    }>('SELECT idx, position, stream_name, revision, prev, hash FROM log_leaves WHERE event_id = $1', [eventId]);
    const r = leaf.rows[0];
    return r
      ? {
          index: Number(r.idx),
          position: r.position,
          stream: r.stream_name,
          revision: Number(r.revision),
          prev: r.prev,
          hash: r.hash,
        }
      : undefined;
  }

  inclusionProof(index: number, treeSize: number): Promise<Buffer[]> {
    return inclusionProof(storedSubtrees(this.options.pool), index, treeSize);
  }

  consistencyProof(first: number, second: number): Promise<Buffer[]> {
    return consistencyProof(storedSubtrees(this.options.pool), first, second);
  }

  /** Makes the log's tables (idempotent); a process that only reads the log needs no more. */
  prepare(): void {
    this.ready = migrateLog(this.options.pool);
    this.ready.catch(() => {});
  }

  /** Seals and signs on schedule until stopped; may be started again after a stop. */
  start(): void {
    this.stopped = false;
    this.prepare();
    this.schedule(0);
  }

  /** Seals everything waiting and signs the head now; answers it. */
  async signNow(): Promise<Awaited<ReturnType<LogSealer['signHead']>>> {
    const work = this.running.then(async () => {
      await this.sealer.sealAll();
      return this.sign();
    });
    this.running = work.then(
      () => {},
      () => {},
    );
    return work;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.signNow().catch((error: unknown) =>
      this.options.logger.warn({ error: String(error) }, 'could not seal and sign the log while stopping'),
    );
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // After any signing on demand still running: one sealer at a time in this process.
      this.running = this.running.then(() => this.tick()).finally(() => this.schedule(this.options.sealEveryMs));
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { logger, signEveryMs } = this.options;
    try {
      const size = await this.sealer.sealAll();
      if (this.failing) logger.info({ size }, 'sealing the log again');
      this.failing = false;
      if (size !== this.signedSize && Date.now() - this.signedAt >= signEveryMs) await this.sign();
      if (Date.now() - this.readsSignedAt >= signEveryMs) await this.signReads();
    } catch (error) {
      // Logged once while it lasts; tried again at the next tick.
      if (!this.failing)
        logger.error(
          { error: error instanceof Error ? error.message : String(error) },
          'could not seal or sign the log; trying again',
        );
      this.failing = true;
    }
  }

  private async sign() {
    const head = await this.sealer.signHead();
    this.signedSize = head.treeSize;
    this.signedAt = Date.now();
    this.options.logger.debug({ treeSize: head.treeSize, root: head.rootHash.toString('hex') }, 'log head signed');
    await this.signReads();
    return head;
  }

  /** Signs the record of reads' head when it grew (a head of the same count is kept, not signed again). */
  private async signReads(): Promise<void> {
    const { reads, signer, logger } = this.options;
    if (!reads) return;
    const count = await reads.signHead(signer);
    this.readsSignedAt = Date.now();
    logger.debug({ count }, 'head of the record of reads signed');
  }
}

interface HeadRow {
  tree_size: string;
  root_hash: Buffer;
  signed_at: Date;
  key_id: string;
  signature: Buffer;
}

const toHead = (r: HeadRow): SignedHead => ({
  treeSize: Number(r.tree_size),
  rootHash: r.root_hash,
  signedAt: r.signed_at.toISOString(),
  keyId: r.key_id,
  signature: r.signature,
});
