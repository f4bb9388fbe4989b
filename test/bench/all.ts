/**
 * `pnpm bench`: every benchmark, one after another (never two at once: they share the
 * machine), each printing its table and writing bench-results/<name>.json:
 *   bench:store        event store vs Emmett vs raw SQL
 *   bench:commands     commands through HTTP GraphQL, 8 clients, vs the handler in-process
 *   bench:projections  rebuild of all read models over the simulated log (20,000 households)
 *   bench:queries      query latency on a simulated 100,000-household county
 *   bench:late         records entered late on long households vs folding them in memory; /healthz meanwhile
 *   bench:log          the tamper-evident log: sealing, verifying, proofs vs reading the log
 *   bench:curve        the cost curve: bench:queries on provinces of 10,000, 30,000 and 100,000 households
 * Pass --quick for a smaller run of each (minutes instead of an hour).
 */
import { spawnSync } from 'node:child_process';

const quick = process.argv.includes('--quick');
const runs: [string, string[]][] = [
  ['services/eventstore/bench/store.ts', quick ? ['--scale', '0.3'] : []],
  ['test/bench/commands.ts', quick ? ['--households', '80'] : []],
  ['projections/bench/rebuild.ts', ['--simulated', quick ? '2000' : '20000']],
  ['test/bench/queries.ts', quick ? ['--households', '3000', '--runs', '20'] : []],
  ['test/bench/late.ts', quick ? ['--households', '3', '--runs', '5'] : []],
  ['test/bench/log.ts', quick ? ['--events', '100000'] : []],
  ['test/bench/curve.ts', quick ? ['--sizes', '1000,3000', '--county-size', '1000', '--runs', '5'] : []],
];
let failed = 0;
for (const [script, args] of runs) {
  process.stdout.write(`\n=== ${script} ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`${script} failed with exit code ${result.status}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
