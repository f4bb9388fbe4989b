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
    const start = performance.now();
    let reported = start;
    const report = await verifyRegistry(store, pool, new RegistryProjection(store, version), (done) => {
      // Progress on stderr every few seconds: a province's verify takes minutes.
      if (performance.now() - reported < 5000) return;
      reported = performance.now();
      process.stderr.write(
        `  ${done.households.toLocaleString('en')} of ${done.of.toLocaleString('en')} households, ${done.events.toLocaleString('en')} events\n`,
      );
    });
    const seconds = (performance.now() - start) / 1000;
    process.stdout.write(
      `verified registry_v${version}: ${report.households.toLocaleString('en')} households, ${report.events.toLocaleString('en')} events in ${seconds.toFixed(1)} s (${Math.round(report.events / seconds).toLocaleString('en')} events/s)\n`,
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
