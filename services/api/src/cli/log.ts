/**
 * The tamper-evident log from the command line:
 *
 *   pnpm log:seal     seals the events not yet sealed and signs the head
 *   pnpm log:verify   recomputes every event's hash, the chains and the tree from the store and
 *                     checks them against the sealed leaves and every signed head; names the
 *                     first event that differs and exits 1 (2 when it cannot run)
 *
 * Heads are checked with LOG_PUBLIC_KEY where set (a verifier that does not hold the signing
 * key), else with the signing key's public half.
 */
import { createPublicKey } from 'node:crypto';
import { LogSealer, ReadRecorder, verifyLog, verifyReads } from '@registry/eventstore/log';
import { loadConfig } from '../config.js';
import { logSigner } from '../log-key.js';
import { connectForCli } from './connect.js';

async function main(command: string | undefined): Promise<number> {
  if (command !== 'seal' && command !== 'verify') {
    process.stderr.write('usage: log.ts seal | verify\n');
    return 2;
  }
  const config = loadConfig();
  const { pool, store, close } = await connectForCli(config);
  try {
    if (command === 'seal') {
      const { signer } = await logSigner(config);
      const sealer = new LogSealer({ store, pool, signer });
      const size = await sealer.sealAll();
      const head = await sealer.signHead();
      const reads = await new ReadRecorder(pool).signHead(signer);
      process.stdout.write(
        `sealed ${size.toLocaleString('en')} events; head signed by key ${head.keyId}: root ${head.rootHash.toString('hex')}; record of reads signed at ${reads.toLocaleString('en')} reads\n`,
      );
      return 0;
    }
    const publicKey = config.logPublicKey
      ? createPublicKey(config.logPublicKey)
      : (await logSigner(config)).signer.publicKey;
    const start = performance.now();
    let reported = start;
    const report = await verifyLog(store, pool, publicKey, (events) => {
      if (performance.now() - reported < 5000) return;
      reported = performance.now();
      process.stderr.write(`  ${events.toLocaleString('en')} events\n`);
    });
    const seconds = (performance.now() - start) / 1000;
    process.stdout.write(
      `read ${report.events.toLocaleString('en')} events in ${seconds.toFixed(1)} s (${Math.round(report.events / Math.max(seconds, 0.001)).toLocaleString('en')} events/s): ${report.sealed.toLocaleString('en')} sealed, ${report.heads} signed heads checked, ${report.unsealed.toLocaleString('en')} not yet sealed\n`,
    );
    if (report.difference) {
      const d = report.difference;
      process.stdout.write(`difference at leaf ${d.leaf} (${d.kind}): ${d.detail}\n`);
      return 1;
    }
    process.stdout.write('no difference: the log is what was sealed and signed\n');
    const reads = await verifyReads(pool, publicKey);
    process.stdout.write(
      `record of reads: ${reads.records.toLocaleString('en')} reads, ${reads.heads} signed heads checked, ${reads.unsigned.toLocaleString('en')} not yet signed\n`,
    );
    if (reads.difference) {
      const d = reads.difference;
      process.stdout.write(`difference in the record of reads at read ${d.seq} (${d.kind}): ${d.detail}\n`);
      return 1;
    }
    process.stdout.write('no difference: the record of reads is what was recorded and signed\n');
    return 0;
  } finally {
    await close();
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `log ${process.argv[2] ?? ''} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(2);
  },
);
