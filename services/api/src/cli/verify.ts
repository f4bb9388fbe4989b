/**
 * `pnpm projections:verify`: re-folds every household stream from the log and compares the
 * result with the active registry read models. Prints every difference and exits 1 if there
 * is any; this is how an auditor shows the tables were not edited. Run it while the
 * projection is caught up (events recorded during the run show up as differences).
 */
import { activeVersion, RegistryProjection, verifyRegistry } from '@registry/projections';
import { loadConfig } from '../config.js';
import { connectForCli } from './connect.js';

async function main(): Promise<number> {
  const { pool, store, close } = await connectForCli(loadConfig());
  try {
    const version = await activeVersion(pool, 'registry');
    const report = await verifyRegistry(store, pool, new RegistryProjection(store, version));
    process.stdout.write(
      `verified registry_v${version}: ${report.households.toLocaleString('en')} households, ${report.events.toLocaleString('en')} events\n`,
    );
    for (const d of report.differences)
      process.stdout.write(
        `difference: ${d.householdId ? `household ${d.householdId} ` : ''}in ${d.table}: ${d.detail}\n`,
      );
    process.stdout.write(
      report.differences.length === 0
        ? 'no differences: the read models equal the fold of the log\n'
        : `${report.differences.length} difference(s)\n`,
    );
    return report.differences.length === 0 ? 0 : 1;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`verify failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
