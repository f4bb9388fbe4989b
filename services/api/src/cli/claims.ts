/**
 * `pnpm claims:backfill`: for a registry written before ID and card numbers were claimed
 * (2026-11-29), claims every number its open households hold, so the one-person-one-household
 * and unique-card rules see them. Safe to run again (writes nothing new) and while the service
 * runs. Prints numbers two households already share (by their claim stream, never the number)
 * and exits 1 if there are any: a clerk must resolve them (move the person, correct the card).
 */
import { backfillClaims } from '@registry/registry';
import { loadConfig } from '../config.js';
import { connectForCli } from './connect.js';

async function main(): Promise<number> {
  const { store, close } = await connectForCli(loadConfig());
  try {
    const report = await backfillClaims(store, (n) => {
      if (n % 10_000 === 0) process.stdout.write(`${n.toLocaleString('en')} households read\n`);
    });
    process.stdout.write(
      `${report.households.toLocaleString('en')} households; ${report.claimed.toLocaleString('en')} claims written\n`,
    );
    for (const c of report.conflicts) {
      process.stdout.write(`shared ${c.kind} (${c.stream}): households ${c.holders.join(', ')}\n`);
    }
    return report.conflicts.length === 0 ? 0 : 1;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`claims:backfill failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
