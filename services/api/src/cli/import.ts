/**
 * `pnpm import FILE`: imports a county's existing roll (CSV or .xlsx; one row per person, the
 * columns in README.md), all or nothing. A file with problems gets a report naming each row,
 * column and rule, in Chinese and English, and nothing is written (exit 1). Importing the
 * same file again writes nothing new. Acts as the registry itself (no area: any village).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PolicyBook } from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '../config.js';
import { readRoll, UnreadableFile } from '../import/read.js';
import { importRoll } from '../import/write.js';
import { connectForCli } from './connect.js';

const PHASES = { check: '检查 check', registry: '比对系统 registry', write: '写入 write' } as const;

async function main(): Promise<number> {
  const target = process.argv[2];
  if (!target) {
    process.stderr.write('usage: pnpm import FILE (.csv or .xlsx)\n');
    return 2;
  }
  const file = await readRoll(path.basename(target), await readFile(target));
  process.stdout.write(`${file.name}: ${file.rows.length.toLocaleString('en')} rows, sha256 ${file.sha256}\n`);
  const { store, close } = await connectForCli(loadConfig());
  const bar = new SingleBar({ format: '{phase} [{bar}] {value}/{total} households', hideCursor: true });
  let phase: keyof typeof PHASES | undefined;
  try {
    const outcome = await importRoll(store, file, {
      // The versions recorded on the log (the seed recorded first on a new registry).
      policy: await new PolicyBook(store, NATIONAL_POLICY).timeline(),
      actor: { id: 'registry-import', role: 'system', unit: 'pnpm import' },
      canSee: () => true,
      now: new Date(),
      onProgress: (now, done, total) => {
        if (now !== phase) {
          if (phase) bar.stop();
          phase = now;
          bar.start(total, done, { phase: PHASES[now] });
        } else bar.update(done);
      },
    });
    if (phase) bar.stop();
    if (outcome.problems.length > 0) {
      process.stdout.write(`\n${outcome.problems.length} problem(s); nothing was written.\n行\t列\t问题 / problem\n`);
      for (const p of outcome.problems) process.stdout.write(`${p.line}\t${p.column}\t${p.zh} / ${p.en}\n`);
      return 1;
    }
    process.stdout.write(
      `imported ${outcome.imported.toLocaleString('en')} households (${outcome.events.toLocaleString('en')} events); ${outcome.unchanged.toLocaleString('en')} already imported, unchanged\n`,
    );
    return 0;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const text =
      error instanceof UnreadableFile ? `${error.zh} / ${error.message}` : String((error as Error)?.message ?? error);
    process.stderr.write(`import failed: ${text}\n`);
    process.exit(2);
  },
);
