/**
 * `pnpm bench:curve`: the cost curve (#30). bench:queries at several registry sizes, one after
 * another on one machine with the same settings, each on its own fresh database: a province of
 * counties of `--county-size` households (default 10,000), the queries asked of one county as
 * the registry around it grows. For each size: the per-event cost of building the read models
 * (rebuild) and of commands recorded and projected live, p50/p99 of a household with history,
 * a roll page, county indicators, a township snapshot and the county's export, storage per
 * event, and the process's peak memory. Printed as a table with each figure against the
 * smallest size's (the goal: flat within ±25%), written to bench-results/curve.json, and drawn
 * with ECharts' server-side SVG rendering to docs/cost-curve.svg (`--chart`), with the 3M-household
 * province extrapolated from the largest size.
 *
 * Options: --sizes 10000,30000,100000 --county-size 10000 --runs 20 --live 1000 --seed 1
 * --chart docs/cost-curve.svg (`-` for none), --replot (table and draw the results of an earlier
 * run, bench-results/curve-N.json, without running anything).
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import * as echarts from 'echarts';
import { RESULTS_DIR, writeResult } from './support.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,30000,100000' },
    'county-size': { type: 'string', default: '10000' },
    runs: { type: 'string', default: '20' },
    live: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    chart: { type: 'string', default: 'docs/cost-curve.svg' },
    /** Table and draw the sizes' results already in bench-results/ (curve-N.json) without running them. */
    replot: { type: 'boolean', default: false },
  },
});
const SIZES = args.sizes.split(',').map(Number);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes must list whole numbers of households');
const PROVINCE = 3_000_000;

interface QueryResult {
  name: string;
  p50: number;
  p99: number;
}
interface SizeResult {
  households: number;
  countyHouseholds: number;
  events: number;
  readModelBuildSeconds: number;
  exportedRows: number;
  live: { events: number; msPerEvent: number; lagAfterLastMs: number };
  storage: { bytesPerEvent: number; logBytesPerEvent: number; databaseBytes: number };
  peakRssMb: number;
  results: QueryResult[];
}

/** The figures the curve follows: name, unit, and how each is read from a size's result. */
const FIGURES: { name: string; unit: string; of: (r: SizeResult) => number }[] = [
  { name: 'rebuild, per event', unit: 'µs', of: (r) => (r.readModelBuildSeconds * 1e6) / r.events },
  { name: 'live command + projection, per event', unit: 'ms', of: (r) => r.live.msPerEvent },
  { name: 'household with history, p99', unit: 'ms', of: (r) => query(r, 'household with 50 events of history').p99 },
  { name: 'roll page (township, 50), p99', unit: 'ms', of: (r) => query(r, 'households page (township, 50)').p99 },
  { name: 'county indicators, p99', unit: 'ms', of: (r) => query(r, 'areaIndicators, county').p99 },
  {
    name: 'township snapshot, p99',
    unit: 'ms',
    of: (r) => query(r, 'registrySnapshot, township (totals + 100 rows)').p99,
  },
  { name: "county's export, p50", unit: 'ms', of: (r) => query(r, 'CSV export, whole county').p50 },
  { name: 'storage per event', unit: 'bytes', of: (r) => r.storage.bytesPerEvent },
  { name: 'peak memory (one process)', unit: 'MB', of: (r) => r.peakRssMb },
];

function query(r: SizeResult, name: string): QueryResult {
  const found = r.results.find((q) => q.name === name);
  if (!found) throw new Error(`bench:queries gave no "${name}" at ${r.households} households`);
  return found;
}

function runQueries(households: number): Promise<void> {
  const countySize = Math.min(households, Number(args['county-size']));
  const argv = ['--import', 'tsx', 'test/bench/queries.ts', '--households', String(households)];
  argv.push('--county-size', String(countySize), '--runs', args.runs, '--live', args.live, '--seed', args.seed);
  argv.push('--name', `curve-${households}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`bench:queries at ${households} households exited with ${code}`)),
    );
  });
}

function chart(results: SizeResult[]): string {
  const sizes = results.map((r) => r.households);
  const relative = FIGURES.map((f) => {
    const base = f.of(results[0] as SizeResult);
    return {
      name: f.name,
      type: 'line' as const,
      data: results.map((r) => [r.households, Math.round((f.of(r) / base) * 100) / 100]),
    };
  });
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 900, height: 520 });
  try {
    instance.setOption({
      animation: false,
      textStyle: { fontFamily: 'sans-serif' },
      title: {
        text: 'Cost against registry size (each figure ÷ its value at the smallest size)',
        left: 'center',
        textStyle: { fontSize: 14 },
      },
      legend: { bottom: 0, type: 'plain' },
      grid: { left: 60, right: 30, top: 50, bottom: 110 },
      xAxis: { type: 'log', name: 'households', min: sizes[0], max: sizes.at(-1) },
      yAxis: { type: 'value', name: '× smallest', min: 0 },
      series: [
        ...relative,
        ...[1.25, 0.75].map((bound) => ({
          name: '±25%',
          type: 'line' as const,
          data: [
            [sizes[0], bound],
            [sizes.at(-1), bound],
          ],
          lineStyle: { type: 'dashed' as const, color: '#999' },
          itemStyle: { color: '#999' },
          symbol: 'none',
        })),
      ],
    });
    return instance
      .renderToSVGString()
      .replace(/zr\d+-([a-z]+)-(\d+)/g, (_, kind: string, n: string) => `curve-${kind}-${n}`);
  } finally {
    instance.dispose();
  }
}

async function main(): Promise<void> {
  const results: SizeResult[] = [];
  for (const households of SIZES) {
    if (!args.replot) {
      process.stderr.write(`\n=== ${households.toLocaleString('en')} households\n`);
      await runQueries(households);
    }
    results.push(JSON.parse(await readFile(path.join(RESULTS_DIR, `curve-${households}.json`), 'utf8')) as SizeResult);
  }
  const table = new Table({
    head: ['figure', ...results.map((r) => r.households.toLocaleString('en')), 'largest ÷ smallest', 'flat ±25%'],
    style: { head: [] },
  });
  const flatness = FIGURES.map((f) => {
    const values = results.map((r) => f.of(r));
    const ratio = (values.at(-1) as number) / (values[0] as number);
    const flat = values.every((v) => Math.abs(v / (values[0] as number) - 1) <= 0.25);
    table.push([
      `${f.name} (${f.unit})`,
      ...values.map((v) => v.toFixed(v < 10 ? 2 : 0)),
      ratio.toFixed(2),
      flat ? 'yes' : 'NO',
    ]);
    return { name: f.name, unit: f.unit, values, ratio, flat };
  });
  const largest = results.at(-1) as SizeResult;
  const eventsPerHousehold = largest.events / largest.households;
  const provinceEvents = eventsPerHousehold * PROVINCE;
  const extrapolated = {
    households: PROVINCE,
    events: Math.round(provinceEvents),
    storageGb: (provinceEvents * largest.storage.bytesPerEvent) / 1e9,
    logGb: (provinceEvents * largest.storage.logBytesPerEvent) / 1e9,
    rebuildHours: (provinceEvents * largest.readModelBuildSeconds) / largest.events / 3600,
  };
  process.stdout.write(
    `\nCost curve: counties of ${Number(args['county-size']).toLocaleString('en')} households, ${args.runs} runs a query; ${new Date().toISOString()}\n${table.toString()}\n` +
      `3M-household province, extrapolated from ${largest.households.toLocaleString('en')}: ${extrapolated.events.toLocaleString('en')} events ` +
      `(${eventsPerHousehold.toFixed(1)} per household), ${extrapolated.storageGb.toFixed(0)} GB in PostgreSQL (log ${extrapolated.logGb.toFixed(0)} GB), ` +
      `a whole rebuild ${extrapolated.rebuildHours.toFixed(1)} h at the largest size's rate\n`,
  );
  if (args.chart !== '-') {
    await writeFile(args.chart, `${chart(results)}\n`);
    process.stdout.write(`drawn: ${args.chart}\n`);
  }
  await writeResult('curve', { date: new Date().toISOString(), sizes: SIZES, flatness, extrapolated, results });
}

await main();
