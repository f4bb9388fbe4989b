import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../services/console/test/browser.js';

/**
 * Every benchmark run at its smallest size, to completion: a benchmark that stops working
 * (as bench:commands did, at its first command, for weeks) fails the suite instead of the next
 * person who wants its figures. Nothing here times anything: the figures of a run this small
 * mean nothing, and timings never decide whether the suite passes. Each writes its result to a
 * temporary directory (BENCH_RESULTS_DIR), read back here to see that it measured something.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

type Result = Record<string, unknown>;

function runBench(
  script: string,
  args: string[],
  resultsDir: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, BENCH_RESULTS_DIR: resultsDir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output: output.slice(-4000) }));
  });
}

describe('every benchmark completes at its smallest size', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'registry-bench-smoke-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const result = async (name: string): Promise<Result> =>
    JSON.parse(await readFile(path.join(dir, `${name}.json`), 'utf8')) as Result;

  const smoke = async (script: string, args: string[], name: string): Promise<Result> => {
    const { code, output } = await runBench(script, args, dir);
    expect(code, output).toBe(0);
    return result(name);
  };

  it('bench:store — our store, Emmett and raw SQL, every scenario', async () => {
    const r = await smoke('services/eventstore/bench/store.ts', ['--scale', '0.01', '--fast'], 'store');
    const rows = r.results as { scenario: string; ours: number; raw: number }[];
    expect(rows.length).toBe(5);
    for (const row of rows) expect(row.ours, row.scenario).toBeGreaterThan(0);
  }, 240_000);

  it('bench:commands — GraphQL clients at their levels, over one and two API processes, and the handler in-process, no command refused unplanned', async () => {
    const args = ['--households', '6', '--clients', '2', '--processes', '2'];
    const r = await smoke('test/bench/commands.ts', args, 'commands');
    expect((r.graphql as { commands: number }).commands).toBeGreaterThan(50);
    expect((r.baseline as { commands: number }).commands).toBeGreaterThan(50);
    // The same clients spread over two API processes (ROLE=api) on the same database.
    expect((r.spread as { commands: number }).commands).toBeGreaterThan(50);
  }, 240_000);

  it('bench:projections — a rebuild with its indexes and derived tables, verified without a difference', async () => {
    const r = await smoke('projections/bench/rebuild.ts', ['--events', '3000'], 'projections');
    const rebuild = r.rebuild as { events: number; verify: { events: number; differences: number } };
    expect(rebuild.events).toBeGreaterThanOrEqual(3000);
    expect(rebuild.verify.events).toBe(rebuild.events);
    expect(rebuild.verify.differences).toBe(0);
  }, 240_000);

  it('bench:queries through bench:curve — every query on a small simulated province, its figures tabled and drawn', async () => {
    const chart = path.join(dir, 'curve.svg');
    const args = ['--sizes', '150', '--county-size', '75', '--runs', '2', '--live', '20', '--chart', chart];
    const r = await smoke('test/bench/curve.ts', args, 'curve');
    const queries = await result('curve-150');
    expect(JSON.stringify(queries)).toContain('areaIndicators, county');
    expect((queries.live as { events: number }).events).toBeGreaterThan(0);
    expect((r.flatness as unknown[]).length).toBe(9);
    expect(await readFile(chart, 'utf8')).toMatch(/^<svg[\s\S]*Cost against registry size/);
  }, 240_000);

  it('bench:late — timely and late records on long households, and the load', async () => {
    const r = await smoke('test/bench/late.ts', ['--events', '40', '--households', '2', '--runs', '2'], 'late');
    expect(r.eventsPerHousehold).toBeGreaterThanOrEqual(40);
    expect((r.loads as unknown[]).length).toBe(2);
  }, 240_000);

  it('bench:log — a small log sealed, verified against its signed head, and proved', async () => {
    const r = await smoke('test/bench/log.ts', ['--events', '2000', '--proofs', '5'], 'log');
    expect(r).toMatchObject({ events: 2000 });
    expect((r.verify as { eventsPerSecond: number }).eventsPerSecond).toBeGreaterThan(0);
  });

  it('bench:import — a small roll imported beside the simulator', async () => {
    const r = await smoke('test/bench/import.ts', ['--households', '60'], 'import');
    expect((r.import as { households: number }).households).toBeGreaterThan(0);
  }, 240_000);

  it('bench:console — the workbench and GraphiQL loaded in chromium', async (context) => {
    const launched = await launchBrowser();
    if ('skipped' in launched) {
      context.skip(launched.skipped);
      return;
    }
    await launched.browser.close();
    const r = await smoke('services/console/bench/first-load.ts', ['--runs', '1'], 'console');
    expect((r.workbench as unknown[]).length).toBe(1);
  }, 240_000);
});
