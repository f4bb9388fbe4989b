/**
 * `pnpm simulate --households N --seed S [--mode bulk|handler] [--concurrency 8]`: writes a
 * county's registry history (2014–2025) into the service's stores (DATABASE_URL, or the
 * embedded cluster under DATA_DIR), with a progress bar. The same seed gives the same events;
 * running it again writes nothing new. The service's projections pick the events up.
 */
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { connectForCli } from '../../services/api/src/cli/connect.js';
import { loadConfig } from '../../services/api/src/config.js';
import { simulate } from './run.js';

const { values } = parseArgs({
  options: {
    households: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    mode: { type: 'string', default: 'bulk' },
    concurrency: { type: 'string', default: '8' },
  },
});

async function main(): Promise<number> {
  const households = Number(values.households);
  const seed = Number(values.seed);
  if (!Number.isInteger(households) || households < 1) throw new Error('--households must be a positive whole number');
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
  if (values.mode !== 'bulk' && values.mode !== 'handler') throw new Error('--mode must be bulk or handler');
  const { store, close } = await connectForCli(loadConfig());
  const bar = new SingleBar({ format: 'simulate [{bar}] {value}/{total} households | {duration_formatted}' });
  bar.start(households, 0);
  try {
    const result = await simulate({
      households,
      seed,
      mode: values.mode,
      store,
      concurrency: Number(values.concurrency),
      onProgress: (done) => bar.update(done),
    });
    bar.stop();
    process.stdout.write(
      `${result.households.toLocaleString('en')} households, ${result.commands.toLocaleString('en')} commands, ` +
        `${result.events.toLocaleString('en')} new events (${result.refused} refusals as planned) in ${result.seconds.toFixed(1)} s ` +
        `= ${Math.round(result.events / result.seconds).toLocaleString('en')} events/s (${values.mode} mode)\n`,
    );
    for (const problem of result.unexpected) process.stdout.write(`unexpected refusal: ${problem}\n`);
    return result.unexpected.length > 0 ? 1 : 0;
  } finally {
    bar.stop();
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`simulate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
