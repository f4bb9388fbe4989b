/**
 * `pnpm simulate --households N --seed S [--county 320924[,…] | --province 32 --counties K]
 * [--mode bulk|handler] [--concurrency 8]`: writes a county's registry history (2014–2025) —
 * or several counties', N households each — into the service's stores (DATABASE_URL, or the
 * embedded cluster under DATA_DIR), with a progress bar. `--province` picks K counties of the
 * province from the national register, one per city (ID numbers begin with the city's code).
 * The same seed gives the same events; running it again writes nothing new; a plan that would
 * collide with what the registry holds (another seed's run of a county, a county of the same
 * city) is refused before anything is written, naming what collides.
 */
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { connectForCli } from '../../services/api/src/cli/connect.js';
import { loadConfig } from '../../services/api/src/config.js';
import { provinceCounties } from './province.js';
import { simulate } from './run.js';

const { values } = parseArgs({
  options: {
    households: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    mode: { type: 'string', default: 'bulk' },
    concurrency: { type: 'string', default: '8' },
    county: { type: 'string', default: '320924' },
    province: { type: 'string' },
    counties: { type: 'string', default: '1' },
  },
});

async function main(): Promise<number> {
  const households = Number(values.households);
  const seed = Number(values.seed);
  if (!Number.isInteger(households) || households < 1) throw new Error('--households must be a positive whole number');
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
  if (values.mode !== 'bulk' && values.mode !== 'handler') throw new Error('--mode must be bulk or handler');
  const counties = values.province
    ? await provinceCounties(values.province, Number(values.counties))
    : values.county.split(',').map((c) => c.trim());
  for (const c of counties) if (!/^\d{6}$/.test(c)) throw new Error(`--county ${c}: must be six digits (e.g. 320924)`);
  const { store, close } = await connectForCli(loadConfig());
  const bar = new SingleBar({ format: 'simulate [{bar}] {value}/{total} households | {duration_formatted}' });
  bar.start(households * counties.length, 0);
  let unexpected = 0;
  const lines: string[] = [];
  try {
    for (const [i, county] of counties.entries()) {
      const result = await simulate({
        households,
        seed,
        county,
        mode: values.mode,
        store,
        concurrency: Number(values.concurrency),
        onProgress: (done) => bar.update(i * households + done),
      });
      lines.push(
        `county ${county}: ${result.households.toLocaleString('en')} households, ${result.commands.toLocaleString('en')} commands, ` +
          `${result.events.toLocaleString('en')} new events (${result.refused} refusals as planned) in ${result.seconds.toFixed(1)} s ` +
          `= ${Math.round(result.events / result.seconds).toLocaleString('en')} events/s (${values.mode} mode)\n`,
        ...result.unexpected.map((problem) => `unexpected refusal: ${problem}\n`),
      );
      unexpected += result.unexpected.length;
    }
    bar.stop();
    for (const line of lines) process.stdout.write(line);
    return unexpected > 0 ? 1 : 0;
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
