/**
 * `pnpm bench:import [--households N]`: importing a county's roll of N households (default
 * 100,000) from an Excel workbook — read, checked, decided and written all or nothing with its
 * claims — beside a baseline measured in the same run: the simulator's bulk load of the same
 * households (the same deciders in memory, batched appends, their whole histories). Prints
 * rows (people) per second and peak memory; writes bench-results/import.json.
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { ensureDatabase, startEmbeddedPostgres } from '@registry/postgres';
import { NATIONAL_POLICY } from '@registry/schema';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { readRoll } from '../../services/api/src/import/read.js';
import { importRoll } from '../../services/api/src/import/write.js';
import { planCounty, planHousehold } from '../simulator/plan.js';
import { simulate } from '../simulator/run.js';
import { withPeakRss, writeResult } from './support.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const households = arg('households', 100_000);
const seed = 42;

const HEADERS = [
  '户编号',
  '村代码',
  '地址',
  '卡号',
  '建档日期',
  '贫困户属性',
  '主要致贫原因',
  '状态',
  '脱贫年度',
  '脱贫日期',
  '人均纯收入（元）',
  '姓名',
  '身份证号',
  '与户主关系',
];

/** The simulator's households as a county office's roll: each registered one, as registered, exited or not. */
async function writeRoll(file: string): Promise<{ households: number; rows: number }> {
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file });
  const sheet = writer.addWorksheet('名册');
  sheet.addRow(HEADERS).commit();
  let count = 0;
  let rows = 0;
  for (const township of planCounty({ households, seed }).townships) {
    for (const village of township.villages) {
      for (const h of village.households) {
        const commands = planHousehold(seed, h, village.code);
        const applied = commands.find((c) => c.type === 'ApplyForRegistration');
        const approved = commands.find((c) => c.type === 'ApproveRegistration');
        if (!applied || !approved) continue;
        const exit = commands.find((c) => c.type === 'ApproveExit' && !c.refused);
        const income = exit
          ? commands.filter((c) => c.type === 'AssessConditions' && c.effectiveAt <= exit.effectiveAt).at(-1)?.data
          : undefined;
        const household = applied.data.household as { villageCode: string; address: string };
        const a = approved.data as { cardNumber: string; attribute: string; mainCause: string };
        const status =
          exit && income
            ? [
                '已脱贫',
                exit.effectiveAt.slice(0, 4),
                exit.effectiveAt,
                String((income.incomePerCapitaFen as number) / 100),
              ]
            : ['建档立卡', '', '', ''];
        for (const m of applied.data.members as { name: string; nationalId: string; relation: string }[]) {
          sheet
            .addRow([
              `H${h}`,
              household.villageCode,
              household.address,
              a.cardNumber,
              approved.effectiveAt,
              a.attribute,
              a.mainCause,
              ...status,
              m.name,
              m.nationalId,
              m.relation,
            ])
            .commit();
          rows++;
        }
        count++;
      }
    }
  }
  await writer.commit();
  return { households: count, rows };
}

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'registry-bench-import-'));
  // The server runs as an unprivileged user when started as root: it must reach its directory.
  await chmod(dir, 0o755);
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: 0,
    persistent: false,
    settings: { shared_buffers: '512MB' },
  });
  try {
    const file = path.join(dir, 'roll.xlsx');
    const written = await writeRoll(file);
    const size = (await readFile(file)).length;
    process.stdout.write(
      `roll: ${written.households.toLocaleString('en')} households, ${written.rows.toLocaleString('en')} rows, ${(size / 1e6).toFixed(1)} MB xlsx\n`,
    );

    await ensureDatabase(server.url(), 'imported');
    const importPool = new pg.Pool({ connectionString: server.url('imported') });
    importPool.on('error', () => {});
    const importStore = await PostgresEventStore.open({ pool: importPool });
    const start = performance.now();
    const imported = await withPeakRss(async () => {
      const roll = await readRoll('roll.xlsx', await readFile(file));
      const read = performance.now();
      const outcome = await importRoll(importStore, roll, {
        policy: NATIONAL_POLICY,
        actor: { id: 'bench', role: 'system', unit: 'bench' },
        canSee: () => true,
        now: new Date(),
      });
      return { outcome, readSeconds: (read - start) / 1000 };
    });
    const importSeconds = (performance.now() - start) / 1000;
    const { outcome } = imported.result;
    if (outcome.problems.length > 0)
      throw new Error(`the roll has problems: ${JSON.stringify(outcome.problems.slice(0, 5))}`);
    await importStore.close();
    await importPool.end();

    await ensureDatabase(server.url(), 'simulated');
    const simPool = new pg.Pool({ connectionString: server.url('simulated') });
    simPool.on('error', () => {});
    const simStore = await PostgresEventStore.open({ pool: simPool });
    const simStart = performance.now();
    const simulated = await withPeakRss(() => simulate({ households, seed, mode: 'bulk', store: simStore }));
    const simSeconds = (performance.now() - simStart) / 1000;
    await simStore.close();
    await simPool.end();

    const result = {
      households,
      import: {
        households: outcome.imported,
        rows: written.rows,
        events: outcome.events,
        seconds: Number(importSeconds.toFixed(1)),
        readSeconds: Number(imported.result.readSeconds.toFixed(1)),
        rowsPerSecond: Math.round(written.rows / importSeconds),
        peakRssMb: Math.round(imported.peakRssMb),
      },
      baselineSimulatorBulk: {
        households: simulated.result.households,
        events: simulated.result.events,
        seconds: Number(simSeconds.toFixed(1)),
        householdsPerSecond: Math.round(simulated.result.households / simSeconds),
        peakRssMb: Math.round(simulated.peakRssMb),
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    await writeResult('import', result);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
