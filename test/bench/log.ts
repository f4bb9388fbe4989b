/**
 * `pnpm bench:log`: the tamper-evident log on a generated log of N events (default 500,000;
 * households of 20 events each, interleaved as a registry's are). Beside the baseline, reading
 * every event of the store in log order (what sealing and verifying must do at least), in the
 * same run: sealing every event (chaining, hashing, the tree, storing leaves and subtrees),
 * verifying the whole log against the signed head (`log:verify`), and proofs (inclusion and
 * consistency, p50/p99). Peak memory of this process for each. Results: bench-results/log.json.
 *
 * Options: --events N, --proofs N (proofs timed, default 200).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { EventToAppend } from '@registry/eventstore';
import {
  consistencyProof,
  HeadSigner,
  inclusionProof,
  LogSealer,
  storedSubtrees,
  verifyLog,
} from '@registry/eventstore/log';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { ensureDatabase, startEmbeddedPostgres } from '@registry/postgres';
import Table from 'cli-table3';
import pg from 'pg';
import { percentiles, withPeakRss, writeResult } from './support.js';

const { values: args } = parseArgs({
  options: { events: { type: 'string', default: '500000' }, proofs: { type: 'string', default: '200' } },
});
const EVENTS = Number(args.events);
const PER_HOUSEHOLD = 20;

const dir = await mkdtemp(path.join(tmpdir(), 'registry-bench-log-'));
// As root the embedded server runs as its own user, which must reach its directory.
await chmod(dir, 0o755);
const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: 0, persistent: false });
try {
  await ensureDatabase(server.url(), 'bench');
  const pool = new pg.Pool({ connectionString: server.url('bench'), max: 6 });
  const store = await PostgresEventStore.open({ pool });

  // The log: households of 20 events, a thousand events per transaction, households interleaved.
  const households = Math.ceil(EVENTS / PER_HOUSEHOLD);
  const ids = Array.from({ length: households }, () => randomUUID());
  const metadata = {
    actor: { id: 'clerk-zhang', role: 'clerk' as const, unit: '320924101000' },
    effectiveAt: '2020-03-01',
    correlationId: randomUUID(),
  };
  process.stdout.write(`loading ${EVENTS.toLocaleString('en')} events…\n`);
  let written = 0;
  for (let round = 0; round < PER_HOUSEHOLD && written < EVENTS; round++) {
    for (let from = 0; from < households && written < EVENTS; from += 1000) {
      const items = ids.slice(from, from + 1000).map((id) => ({
        stream: `household-${id}`,
        events: [
          {
            id: randomUUID(),
            type: 'VisitRecorded',
            data: {
              visitId: randomUUID(),
              notes: `第${round}次走访，了解收入和两不愁三保障情况`,
              incomeFen: 420_000 + round,
            },
            metadata,
          } satisfies EventToAppend,
        ],
        expectedRevision: round === 0 ? ('no_stream' as const) : round - 1,
      }));
      await store.appendMany?.(items.slice(0, EVENTS - written));
      written += Math.min(items.length, EVENTS - written);
    }
  }

  const signer = new HeadSigner(generateKeyPairSync('ed25519').privateKey);
  const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));

  const read = await withPeakRss(async () => {
    const start = performance.now();
    let after: string | undefined;
    let n = 0;
    for (;;) {
      const page = await store.readAll(after === undefined ? { maxCount: 5000 } : { after, maxCount: 5000 });
      n += page.length;
      if (page.length < 5000) break;
      after = page.at(-1)?.position;
    }
    return { n, ms: performance.now() - start };
  });
  const seal = await withPeakRss(async () => {
    const start = performance.now();
    const sealer = new LogSealer({ store, pool, signer });
    const size = await sealer.sealAll();
    const head = await sealer.signHead();
    return { size, head, ms: performance.now() - start };
  });
  const verified = await withPeakRss(async () => {
    const start = performance.now();
    const report = await verifyLog(store, pool, signer.publicKey);
    return { report, ms: performance.now() - start };
  });
  if (verified.result.report.difference)
    throw new Error(`verify found ${JSON.stringify(verified.result.report.difference)}`);

  const nodes = storedSubtrees(pool);
  const size = seal.result.size;
  const inclusion: number[] = [];
  const consistency: number[] = [];
  for (let i = 0; i < Number(args.proofs); i++) {
    let start = performance.now();
    await inclusionProof(nodes, Math.floor(Math.random() * size), size);
    inclusion.push(performance.now() - start);
    start = performance.now();
    await consistencyProof(nodes, 1 + Math.floor(Math.random() * size), size);
    consistency.push(performance.now() - start);
  }

  const result = {
    events: EVENTS,
    baseline: { readAllEventsPerSecond: rate(read.result.n, read.result.ms), peakRssMb: read.peakRssMb },
    seal: { eventsPerSecond: rate(size, seal.result.ms), seconds: seal.result.ms / 1000, peakRssMb: seal.peakRssMb },
    verify: {
      eventsPerSecond: rate(verified.result.report.events, verified.result.ms),
      seconds: verified.result.ms / 1000,
      peakRssMb: verified.peakRssMb,
    },
    inclusionProofMs: percentiles(inclusion),
    consistencyProofMs: percentiles(consistency),
  };
  const table = new Table({
    head: [`${EVENTS.toLocaleString('en')} events`, 'events/s', '% of baseline', 'peak RSS MB'],
  });
  const pct = (n: number) => `${Math.round((100 * n) / result.baseline.readAllEventsPerSecond)}%`;
  table.push(
    [
      'read $all in order (baseline)',
      result.baseline.readAllEventsPerSecond.toLocaleString('en'),
      '100%',
      Math.round(read.peakRssMb),
    ],
    [
      'seal: chain, hash, tree, store',
      result.seal.eventsPerSecond.toLocaleString('en'),
      pct(result.seal.eventsPerSecond),
      Math.round(seal.peakRssMb),
    ],
    [
      'verify against the signed head',
      result.verify.eventsPerSecond.toLocaleString('en'),
      pct(result.verify.eventsPerSecond),
      Math.round(verified.peakRssMb),
    ],
  );
  const proofs = new Table({ head: ['proof', 'p50 ms', 'p99 ms'] });
  proofs.push(
    ['inclusion', result.inclusionProofMs.p50.toFixed(2), result.inclusionProofMs.p99.toFixed(2)],
    ['consistency', result.consistencyProofMs.p50.toFixed(2), result.consistencyProofMs.p99.toFixed(2)],
  );
  process.stdout.write(`${table.toString()}\n${proofs.toString()}\n`);
  await writeResult('log', result);
  await store.close();
  await pool.end();
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
