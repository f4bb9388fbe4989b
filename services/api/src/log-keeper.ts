import type { EventStore } from '@registry/eventstore';
import { type HeadSigner, LogSealer } from '@registry/eventstore/log';
import type pg from 'pg';
import type { Logger } from 'pino';

export interface LogKeeperOptions {
  store: EventStore;
  pool: pg.Pool;
  signer: HeadSigner;
  logger: Logger;
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
  private stopped = false;
  private failing = false;

  constructor(private readonly options: LogKeeperOptions) {
    this.sealer = new LogSealer({ store: options.store, pool: options.pool, signer: options.signer });
  }

  /** The key anyone checks this log's heads with. */
  get publicKey() {
    return this.options.signer.publicKey;
  }

  start(): void {
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
      this.running = this.tick().finally(() => this.schedule(this.options.sealEveryMs));
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
    return head;
  }
}
